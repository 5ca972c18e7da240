"""E-mails: moderators hear of held comments, commenters of approved replies."""

import base64
import datetime
import io
import logging
import re
import smtplib
import socket
import threading
from http import HTTPStatus
from wsgiref.util import setup_testing_defaults

import pytest
from django.core import mail, signing
from django.core.mail.backends.base import BaseEmailBackend
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from comments.models import Comment
from comments.notifications import queue_reply_emails, unsubscribe_target, unsubscribe_token
from tests.comments.conftest import approve_in_admin, comment_data, post_comment
from tests.factories import make_article, make_comment, make_draft, make_scheduled

pytestmark = pytest.mark.django_db


class BrokenBackend(BaseEmailBackend):
    """An e-mail backend whose server is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def moderators(settings):
    settings.COMMENTS_MODERATOR_EMAILS = ["mod1@example.com", "mod2@example.com"]


def test_moderators_get_one_email_per_held_comment_with_an_admin_link(
    client, moderators, django_capture_on_commit_callbacks
):
    article = make_article(title="Spines in mice")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, author_name="New Nina", body="Where to buy this?")
    comment = Comment.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mod1@example.com", "mod2@example.com"]
    assert "Spines in mice" in message.subject
    assert "New Nina" in message.body
    assert "Where to buy this?" in message.body
    assert 'moderation word "where to buy"' in message.body
    admin_url = "http://testserver" + reverse("admin:comments_comment_change", args=[comment.pk])
    assert admin_url in message.body


def test_no_email_for_approved_or_spam_comments(
    client, moderators, django_capture_on_commit_callbacks
):
    article = make_article()
    make_comment(article, email="ada@example.com")
    # "casino" is on the shipped block list.
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, body="A welcome comment.")
        post_comment(client, article, body="Casino bonus", email="spam@example.com")
    assert mail.outbox == []


def test_emails_wait_for_the_commit(client, moderators, django_capture_on_commit_callbacks):
    article = make_article()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_comment(client, article)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_reader_has_their_page_before_any_email_goes_out(moderators, settings):
    """A WSGI server sends the whole response, then calls its close(): e-mails wait for
    that, so a slow mail server never holds up the reader who posted."""
    article = make_article()
    secret = "a" * 32  # a CSRF cookie's secret; the form may carry it as it is
    body = encode_multipart(
        BOUNDARY, comment_data(article, csrfmiddlewaretoken=secret, body="Where to buy this?")
    )
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": reverse("comments:post", args=[article.slug]),
        "CONTENT_TYPE": MULTIPART_CONTENT,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_COOKIE": f"{settings.CSRF_COOKIE_NAME}={secret}",
        "REMOTE_ADDR": "10.200.0.1",
    }
    setup_testing_defaults(environ)
    statuses = []
    response = get_wsgi_application()(environ, lambda status, headers: statuses.append(status))
    b"".join(response)
    assert statuses == ["302 Found"]
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert mail.outbox == []
    response.close()
    assert [message.to for message in mail.outbox] == [["mod1@example.com", "mod2@example.com"]]


def test_a_mail_failure_is_logged_and_keeps_the_comment(
    client, moderators, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.comments.test_notifications.BrokenBackend"
    article = make_article()
    with (
        caplog.at_level(logging.ERROR, logger="comments.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post_comment(client, article, body="Kept despite the mail server.")
    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.filter(body="Kept despite the mail server.").exists()
    assert "stopped answering: 1 moderation e-mail(s) not sent" in caplog.text
    assert "awaiting moderation" in client.get(article.get_absolute_url()).content.decode()


def test_an_approved_reply_notifies_the_opted_in_parent_once(
    staff_client, client, django_capture_on_commit_callbacks
):
    article = make_article(title="Breathing study")
    parent = make_comment(
        article, author_name="Parent Pat", email="pat@example.com", notify_on_reply=True
    )
    reply = make_comment(
        article,
        parent=parent,
        author_name="Replying Rae",
        body="Pat, the paper says otherwise.",
        status=Comment.Status.PENDING,
        approved_at=None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(staff_client, reply)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat@example.com"]
    assert message.subject == "Replying Rae replied to your comment on “Breathing study”"
    # From the publication by name, not "The Publication" or a bare address.
    assert message.from_email == "The Neuroplastic Review <editors@localhost>"
    assert "Pat, the paper says otherwise." in message.body
    assert f"http://testserver{article.get_absolute_url()}#comment-{reply.pk}" in message.body
    # The token carries the second it was signed: read it from the e-mail, not remade.
    prefix = "http://testserver" + reverse("comments:unsubscribe", args=["TOKEN"]).split("TOKEN")[0]
    unsubscribe_url = re.search(re.escape(prefix) + r"\S+", message.body).group(0)
    token = unsubscribe_url.removeprefix(prefix).rstrip("/")
    assert unsubscribe_target(token).comment_id == parent.pk
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Approving again, or un-approving and approving, sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(staff_client, reply)
        Comment.objects.filter(pk=reply.pk).update(status=Comment.Status.PENDING)
        approve_in_admin(staff_client, reply)
    assert len(mail.outbox) == 1


def mail_server(settings, handle):
    """A mail server on a free local port that gives each connection to `handle`, with
    the site's e-mail sent to it and given one second to hear back."""
    listener = socket.create_server(("127.0.0.1", 0))

    def accept():
        while True:
            try:
                connection = listener.accept()[0]
            except OSError:
                return
            handle(connection)

    threading.Thread(target=accept, daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    return listener


@pytest.fixture
def silent_mail_server(settings):
    """An SMTP server that accepts connections and never says a word."""
    connections = []
    listener = mail_server(settings, connections.append)
    yield connections
    listener.close()
    for connection in connections:
        connection.close()


def test_a_silent_mail_server_is_left_alone_for_a_minute(
    client, moderators, silent_mail_server, caplog, time_machine, django_capture_on_commit_callbacks
):
    """Each wait holds a worker after its response: a few comments in a row would hold
    them all, and readers would wait on a mail server they never see."""
    article = make_article()
    with (
        caplog.at_level(logging.ERROR, logger="comments.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        # Held, and asking for replies: the moderators' e-mail and the confirmation link.
        post_comment(client, article, email="pat@example.com", notify_on_reply="on")
        post_comment(client, article, email="sam@example.com")
    assert len(silent_mail_server) == 1
    assert caplog.text.count("Could not reach the mail server") == 1
    assert caplog.text.count("did not answer less than 60 seconds ago") == 2
    assert "1 address confirmation e-mail(s) not sent" in caplog.text
    assert caplog.text.count("1 moderation e-mail(s) not sent") == 2
    assert Comment.objects.count() == 2

    time_machine.move_to(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, email="kim@example.com")
    assert len(silent_mail_server) == 2


@pytest.fixture
def stalling_mail_server(settings):
    """An SMTP server that greets, then never answers who the e-mail is from."""
    senders = []

    def serve(connection):
        with connection, connection.makefile("rb") as lines:
            connection.sendall(b"220 mail.example.com\r\n")
            for line in lines:
                if line.upper().startswith((b"EHLO", b"HELO")):
                    connection.sendall(b"250 mail.example.com\r\n")
                elif line.upper().startswith(b"MAIL"):
                    senders.append(line)
                elif line.upper().startswith(b"QUIT"):
                    return

    listener = mail_server(
        settings,
        lambda connection: threading.Thread(target=serve, args=[connection], daemon=True).start(),
    )
    yield senders
    listener.close()


@pytest.mark.parametrize(
    ("server", "logged"),
    [
        ("silent_mail_server", "Could not reach the mail server: 3 reply notification"),
        ("stalling_mail_server", "stopped answering: 3 reply notification"),
    ],
)
def test_approving_many_replies_waits_for_a_broken_mail_server_once(
    request, staff_client, caplog, django_capture_on_commit_callbacks, server, logged
):
    """A moderator approving a page of replies is not kept waiting one timeout per
    e-mail, by a server that never answers or one that stops after its greeting; the
    replies are approved and the failure is logged."""
    tries = request.getfixturevalue(server)  # connections, or e-mails begun
    article = make_article()
    replies = []
    for number in range(3):
        parent = make_comment(article, email=f"parent{number}@example.com", notify_on_reply=True)
        replies.append(
            make_comment(article, parent=parent, status=Comment.Status.PENDING, approved_at=None)
        )
    with (
        caplog.at_level(logging.ERROR, logger="comments.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = approve_in_admin(staff_client, *replies)
    assert response.status_code == HTTPStatus.FOUND
    assert len(tries) == 1
    assert Comment.objects.filter(status=Comment.Status.APPROVED).count() == 6
    assert f"{logged} e-mail(s) not sent" in caplog.text


def test_an_auto_approved_reply_notifies_at_once(client, django_capture_on_commit_callbacks):
    article = make_article()
    parent = make_comment(article, email="pat@example.com", notify_on_reply=True)
    make_comment(article, email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, parent=str(parent.pk), body="Quick reply.")
    assert [message.to for message in mail.outbox] == [["pat@example.com"]]


def test_a_held_reply_notifies_nobody_until_approved(client, django_capture_on_commit_callbacks):
    article = make_article()
    parent = make_comment(article, email="pat@example.com", notify_on_reply=True)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, parent=str(parent.pk), email="first@example.com")
    assert mail.outbox == []


@pytest.mark.parametrize("hidden", [make_draft, make_scheduled], ids=["draft", "scheduled"])
def test_no_email_for_a_reply_on_an_article_readers_cannot_see(
    staff_client, django_capture_on_commit_callbacks, hidden
):
    """Its link would lead to "not found": the article went back to draft, or was
    rescheduled, while replies waited for moderation."""
    article = hidden()
    parent = make_comment(article, email="pat@example.com", notify_on_reply=True)
    reply = make_comment(article, parent=parent, status="pending", approved_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(staff_client, reply)
    assert Comment.objects.get(pk=reply.pk).status == Comment.Status.APPROVED
    assert mail.outbox == []


def test_no_email_without_opting_in_or_for_replying_to_yourself(
    staff_client, django_capture_on_commit_callbacks
):
    article = make_article()
    quiet = make_comment(article, email="quiet@example.com", notify_on_reply=False)
    loud = make_comment(article, email="loud@example.com", notify_on_reply=True)
    replies = [
        make_comment(article, parent=quiet, status="pending", approved_at=None),
        make_comment(
            article, parent=loud, email="loud@example.com", status="pending", approved_at=None
        ),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(staff_client, *replies)
    assert mail.outbox == []


def test_the_notify_box_is_on_the_form_and_stored(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<label for="id_notify_on_reply">E-mail me when someone replies</label>' in html
    post_comment(client, article, notify_on_reply="on")
    assert Comment.objects.get().notify_on_reply


def test_the_unsubscribe_link_works_and_is_idempotent(
    client, staff_client, django_capture_on_commit_callbacks
):
    article = make_article()
    parent = make_comment(article, email="pat@example.com", notify_on_reply=True)
    other = make_comment(make_article(), email="pat@example.com", notify_on_reply=True)
    url = reverse("comments:unsubscribe", args=[unsubscribe_token(parent)])
    for _ in range(2):
        response = client.post(url)
        assert response.status_code == HTTPStatus.OK
        assert "You will get no more e-mails about replies" in response.content.decode()
    parent.refresh_from_db()
    other.refresh_from_db()
    assert not parent.notify_on_reply and not other.notify_on_reply

    reply = make_comment(article, parent=parent, status="pending", approved_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(staff_client, reply)
    assert mail.outbox == []


def test_opening_the_link_asks_first_so_mail_scanners_unsubscribe_nobody(client):
    """Mail scanners open every link in a message; only the button stops the e-mails."""
    parent = make_comment(make_article(), notify_on_reply=True)
    url = reverse("comments:unsubscribe", args=[unsubscribe_token(parent)])
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<form method="post">' in html and "Stop reply e-mails</button>" in html
    parent.refresh_from_db()
    assert parent.notify_on_reply
    client.post(url)
    parent.refresh_from_db()
    assert not parent.notify_on_reply


def test_mail_programs_can_unsubscribe_with_a_one_click_post(client):
    """RFC 8058: the mail program POSTs without a CSRF token."""
    parent = make_comment(make_article(), notify_on_reply=True)
    url = reverse("comments:unsubscribe", args=[unsubscribe_token(parent)])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == HTTPStatus.OK
    parent.refresh_from_db()
    assert not parent.notify_on_reply


@pytest.mark.parametrize(
    "token", ["garbage", "MQ:1aaaaa:forged", "%00", "a" * 300], ids=lambda token: token[:10]
)
def test_a_tampered_unsubscribe_link_is_a_clear_400(client, token):
    parent = make_comment(make_article(), notify_on_reply=True)
    response = client.get(f"/comments/unsubscribe/{token}/")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This unsubscribe link is not valid" in response.content.decode()
    parent.refresh_from_db()
    assert parent.notify_on_reply


def test_an_unsubscribe_link_for_a_deleted_comment_still_stops_the_emails(client):
    """A moderator deleted the comment the e-mail was about; the page promises that
    e-mails stop for the address, so they must."""
    parent = make_comment(make_article(), email="carol@example.org", notify_on_reply=True)
    other = make_comment(make_article(), email="Carol@Example.org", notify_on_reply=True)
    stranger = make_comment(make_article(), email="dan@example.org", notify_on_reply=True)
    url = reverse("comments:unsubscribe", args=[unsubscribe_token(parent)])
    parent.delete()
    assert client.get(url).status_code == HTTPStatus.OK
    assert client.post(url).status_code == HTTPStatus.OK
    other.refresh_from_db()
    stranger.refresh_from_db()
    assert not other.notify_on_reply
    assert stranger.notify_on_reply


def test_a_link_sent_before_the_secret_key_was_rotated_still_finds_the_address(client, settings):
    parent = make_comment(make_article(), email="carol@example.org", notify_on_reply=True)
    other = make_comment(make_article(), email="carol@example.org", notify_on_reply=True)
    url = reverse("comments:unsubscribe", args=[unsubscribe_token(parent)])
    parent.delete()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    client.post(url)
    other.refresh_from_db()
    assert not other.notify_on_reply


def test_the_unsubscribe_link_does_not_show_the_address(client):
    parent = make_comment(make_article(), email="carol@example.org", notify_on_reply=True)
    token = unsubscribe_token(parent)
    decoded = base64.urlsafe_b64decode(token.split(":")[0] + "==").decode()
    assert "carol" not in decoded.lower()


def test_links_sent_before_addresses_were_named_still_work(client):
    parent = make_comment(make_article(), notify_on_reply=True)
    old_link = signing.dumps(parent.pk, salt="comments.unsubscribe")
    client.post(reverse("comments:unsubscribe", args=[old_link]))
    parent.refresh_from_db()
    assert not parent.notify_on_reply


def test_a_sender_named_by_the_operator_is_kept(settings, django_capture_on_commit_callbacks):
    settings.DEFAULT_FROM_EMAIL = "Editors at the Review <editors@example.org>"
    article = make_article()
    parent = make_comment(article, email="pat@example.com", notify_on_reply=True)
    with django_capture_on_commit_callbacks(execute=True):
        queue_reply_emails([make_comment(article, parent=parent)], base_url="https://x.org")
    assert mail.outbox[0].from_email == "Editors at the Review <editors@example.org>"


def every_kind_of_email(client, capture_on_commit_callbacks):
    """Posts that send each of the site's e-mails once: a reply from a known address
    (it goes up and tells Pat), and a first comment asking for replies (held: the
    moderators hear of it, and a confirmation link goes). Returns the e-mails sent."""
    article = make_article()
    parent = make_comment(article, email="pat@example.com", notify_on_reply=True)
    make_comment(article, email="ada@example.com")
    with capture_on_commit_callbacks(execute=True):
        post_comment(client, article, parent=str(parent.pk), body="Quick reply.")
        post_comment(client, article, email="new@example.com", notify_on_reply="on")
    return mail.outbox


@pytest.mark.parametrize(
    "sender", ["editors@review.example.org", "Editors <editors@review.example.org>"]
)
def test_every_email_is_identified_under_the_senders_domain(
    client, moderators, settings, sender, django_capture_on_commit_callbacks
):
    """Message-ID names the publication's domain, not the machine that sent the e-mail
    (Django's default: "localhost", or a server's internal name)."""
    settings.DEFAULT_FROM_EMAIL = sender
    messages = [
        message.message()
        for message in every_kind_of_email(client, django_capture_on_commit_callbacks)
    ]
    assert sorted(message["To"] for message in messages) == [
        "mod1@example.com, mod2@example.com",
        "new@example.com",
        "pat@example.com",
    ]
    ids = [message["Message-ID"] for message in messages]
    assert all(re.fullmatch(r"<[^@<>\s]+@review\.example\.org>", id_) for id_ in ids), ids
    assert len(set(ids)) == 3


def test_every_email_says_it_was_sent_automatically(
    client, moderators, django_capture_on_commit_callbacks
):
    """Auto-Submitted (RFC 3834) keeps out-of-office replies from answering the site's
    e-mails: a moderator away for a week would otherwise answer each held comment."""
    sent = every_kind_of_email(client, django_capture_on_commit_callbacks)
    assert len(sent) == 3
    for message in sent:
        assert message.message()["Auto-Submitted"] == "auto-generated"


def test_a_long_title_is_shortened_inside_its_quotes(
    client, moderators, django_capture_on_commit_callbacks
):
    """The subject keeps to 150 characters by shortening the title, so it still ends with
    "…" and its closing quote rather than cut off with the quote left open."""
    title = "What twelve weeks of mindfulness training did to sleep " * 3
    article = make_article(title=title.strip()[:200])
    parent = make_comment(article, email="pat@example.com", notify_on_reply=True)
    make_comment(article, email="ada@example.com")
    name = "Dr. Margaret Elizabeth Thompson-Whitfield"
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, parent=str(parent.pk), author_name=name)
        post_comment(client, article, email="new@example.com", notify_on_reply="on")
    subjects = sorted(message.subject for message in mail.outbox)
    assert [subject.split(" “")[0] for subject in subjects] == [
        "Comment to moderate on",
        "Confirm e-mails about replies on",
        f"{name} replied to your comment on",
    ]
    for subject in subjects:
        assert len(subject) <= 150
        assert subject.startswith(subject.split(" “")[0] + " “What twelve weeks of")
        assert subject.endswith("…”")


def test_the_reply_is_quoted_in_the_email_with_its_lines_kept(
    client, django_capture_on_commit_callbacks
):
    """A reply reads in the e-mail as it was written (a list stays a list), and each of
    its lines is quoted, so none passes for the e-mail's own words and links."""
    article = make_article()
    parent = make_comment(article, email="pat@example.com", notify_on_reply=True)
    make_comment(article, email="ada@example.com")
    body = (
        "Three things helped me:\n- sleep\n- less coffee\n\n\n"
        "Read the conversation:\nhttps://evil.example/login"
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, parent=str(parent.pk), body=body)
    (message,) = mail.outbox
    assert (
        "The reply:\n"
        "> Three things helped me:\n"
        "> - sleep\n"
        "> - less coffee\n"
        ">\n"
        "> Read the conversation:\n"
        "> https://evil.example/login\n"
        "\n"
        "Read the conversation:\n"
        f"http://testserver{article.get_absolute_url()}#comment-"
    ) in message.body
