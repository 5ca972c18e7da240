"""Reply e-mails go only to an address its owner confirmed: anyone can type anyone's
address into the comment form."""

import datetime
import re
from http import HTTPStatus

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment
from comments.notifications import confirmation_token, unsubscribe_token
from tests.admin_forms import form_as_shown
from tests.comments.conftest import approve_in_admin, post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

CONFIRM_PREFIX = "http://testserver" + reverse("comments:confirm_replies", args=["T"])[:-2]


def confirm_url_in(message):
    return re.search(re.escape(CONFIRM_PREFIX) + r"\S+", message.body).group(0)


def reply_to(article, parent, **fields):
    return make_comment(article, parent=parent, status="pending", approved_at=None, **fields)


def test_ticking_the_box_sends_a_link_and_no_reply_email_goes_before_it_is_used(
    client, staff_client, django_capture_on_commit_callbacks
):
    article = make_article(title="Spines in mice")
    make_comment(article, email="pat@example.com")  # known: the next comment goes straight up
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(
            client, article, author_name="Pat", email="pat@example.com", notify_on_reply="on"
        )
    asked = Comment.objects.get(author_name="Pat")
    assert asked.status == Comment.Status.APPROVED and asked.notify_confirmed_at is None
    [message] = mail.outbox
    assert message.to == ["pat@example.com"]
    assert message.subject == "Confirm e-mails about replies on “Spines in mice”"
    assert message.body.startswith("Hello,\n")
    assert "The link works for 7 days" in message.body
    link = confirm_url_in(message)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(staff_client, reply_to(article, asked))
    assert mail.outbox == []

    # Mail scanners open every link: opening it asks, the button confirms.
    page = client.get(link)
    assert page.status_code == HTTPStatus.OK
    assert "Yes, e-mail me about replies</button>" in page.content.decode()
    asked.refresh_from_db()
    assert asked.notify_confirmed_at is None
    done = client.post(link)
    assert "Reply e-mails confirmed" in done.content.decode()
    asked.refresh_from_db()
    assert asked.notify_confirmed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(staff_client, reply_to(article, asked, author_name="Rae"))
    assert [message.subject for message in mail.outbox] == [
        "Rae replied to your comment on “Spines in mice”"
    ]


def test_a_confirmed_address_is_not_asked_again(client, django_capture_on_commit_callbacks):
    article = make_article()
    make_comment(make_article(), email="pat@example.com", notify_on_reply=True)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, email="Pat@Example.com", notify_on_reply="on", body="Hi.")
    assert mail.outbox == []
    assert Comment.objects.get(body="Hi.").notify_confirmed_at is not None


def test_the_link_carries_nothing_the_stranger_typed(client, django_capture_on_commit_callbacks):
    """The address has not agreed to anything yet: whoever typed it must not get their
    words (a name that reads as a web address, say) into its inbox under our name."""
    article = make_article(title="Spines in mice")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(
            client, article, author_name="Claim your refund at pay-back.example",
            email="pat@example.com", notify_on_reply="on", body="Read the refund page.",
        )  # fmt: skip
    [message] = mail.outbox
    assert "pay-back.example" not in message.body + message.subject
    assert "refund" not in message.body
    assert "A comment on “Spines in mice” was posted with this e-mail address" in message.body


def tick_the_box_three_times(client, article, *, then_delete=False):
    """Three comments with someone's address and "e-mail me" ticked, each deleted at
    once by its poster if `then_delete`."""
    for number in range(3):
        post_comment(
            client, article, email="victim@example.com", notify_on_reply="on",
            body=f"Comment {number}.",
        )  # fmt: skip
        if then_delete:
            posted = Comment.objects.get(body=f"Comment {number}.")
            client.post(reverse("comments:withdraw", args=[posted.pk]))


def test_one_link_a_day_however_often_the_box_is_ticked(client, django_capture_on_commit_callbacks):
    """Someone filling in another person's address cannot fill their inbox."""
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        tick_the_box_three_times(client, article)
    assert [message.to for message in mail.outbox] == [["victim@example.com"]]

    mail.outbox.clear()
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(days=1, minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post_comment(client, article, email="victim@example.com", notify_on_reply="on")
    assert [message.to for message in mail.outbox] == [["victim@example.com"]]


def test_deleting_the_comment_does_not_make_room_for_another_link(
    client, django_capture_on_commit_callbacks
):
    """Whoever posted a comment may delete it at once: that must not let them send the
    address a link for each comment they post and delete."""
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        tick_the_box_three_times(client, article, then_delete=True)
    assert not Comment.objects.exists()
    assert [message.to for message in mail.outbox] == [["victim@example.com"]]


def test_no_link_for_spam_or_without_the_box(client, django_capture_on_commit_callbacks):
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        # "casino" is on the shipped block list.
        post_comment(client, article, body="Casino bonus", notify_on_reply="on")
        post_comment(client, article, body="No e-mails for me, thanks.")
    assert Comment.objects.get(body="Casino bonus").status == Comment.Status.SPAM
    assert mail.outbox == []


def test_confirming_covers_every_comment_of_the_address_that_asked(client):
    first = make_comment(make_article(), email="pat@example.com", notify_on_reply=True)
    first.notify_confirmed_at = None
    first.save()
    second = make_comment(
        make_article(), email="pat@example.com", notify_on_reply=True, notify_confirmed_at=None
    )
    quiet = make_comment(make_article(), email="pat@example.com")
    client.post(reverse("comments:confirm_replies", args=[confirmation_token(second)]))
    first.refresh_from_db(), second.refresh_from_db(), quiet.refresh_from_db()
    assert first.notify_confirmed_at and second.notify_confirmed_at
    assert not quiet.notify_on_reply and quiet.notify_confirmed_at is None


def test_after_unsubscribing_the_address_must_be_confirmed_again(
    client, django_capture_on_commit_callbacks
):
    article = make_article()
    earlier = make_comment(article, email="pat@example.com", notify_on_reply=True)
    client.post(reverse("comments:unsubscribe", args=[unsubscribe_token(earlier)]))
    earlier.refresh_from_db()
    assert earlier.notify_confirmed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, email="pat@example.com", notify_on_reply="on", body="Back.")
    assert Comment.objects.get(body="Back.").notify_confirmed_at is None
    assert [message.to for message in mail.outbox] == [["pat@example.com"]]


def test_asking_again_after_unsubscribing_sends_a_link_at_once(
    client, django_capture_on_commit_callbacks
):
    """Unsubscribing the same day the address was confirmed, then ticking the box again,
    must not leave the reader a day without a way to confirm."""
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, email="pat@example.com", notify_on_reply="on", body="One.")
    client.post(confirm_url_in(mail.outbox[0]))
    first = Comment.objects.get(body="One.")
    client.post(reverse("comments:unsubscribe", args=[unsubscribe_token(first)]))

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, email="pat@example.com", notify_on_reply="on", body="Two.")
    [message] = mail.outbox
    assert message.to == ["pat@example.com"]
    client.post(confirm_url_in(message))
    assert Comment.objects.get(body="Two.").notify_confirmed_at is not None


def test_unsubscribing_an_address_not_confirmed_makes_no_room_for_another_link(
    client, django_capture_on_commit_callbacks
):
    """An unsubscribe link passed on to someone else cannot be used, between comments, to
    send its owner one confirmation link after another."""
    article = make_article()
    earlier = make_comment(article, email="pat@example.com", notify_on_reply=True)
    client.post(reverse("comments:unsubscribe", args=[unsubscribe_token(earlier)]))
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            post_comment(
                client, article, email="pat@example.com", notify_on_reply="on",
                body=f"Comment {number}.",
            )  # fmt: skip
            client.post(reverse("comments:unsubscribe", args=[unsubscribe_token(earlier)]))
    assert [message.to for message in mail.outbox] == [["pat@example.com"]]


def test_a_tampered_link_is_a_clear_400(client):
    comment = make_comment(make_article(), notify_on_reply=True, notify_confirmed_at=None)
    token = confirmation_token(comment)
    for forged in ("garbage", token[:-3] + "abc", unsubscribe_token(comment)):
        response = client.post(reverse("comments:confirm_replies", args=[forged]))
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "This confirmation link is not valid" in response.content.decode()
    comment.refresh_from_db()
    assert comment.notify_confirmed_at is None


def test_a_link_older_than_a_week_has_expired_and_says_what_to_do(client):
    comment = make_comment(make_article(), notify_on_reply=True, notify_confirmed_at=None)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=8)):
        token = confirmation_token(comment)
    response = client.post(reverse("comments:confirm_replies", args=[token]))
    assert response.status_code == HTTPStatus.GONE
    html = response.content.decode()
    assert "This confirmation link has expired" in html
    assert "we will send a new one" in html
    comment.refresh_from_db()
    assert comment.notify_confirmed_at is None


@pytest.mark.parametrize("change", ["deleted", "unsubscribed"])
def test_a_link_for_a_comment_gone_or_unsubscribed_confirms_nothing(client, change):
    comment = make_comment(
        make_article(), email="pat@example.com", notify_on_reply=True, notify_confirmed_at=None
    )
    other = make_comment(
        make_article(), email="pat@example.com", notify_on_reply=True, notify_confirmed_at=None
    )
    token = confirmation_token(comment)
    if change == "deleted":
        comment.delete()
    else:
        client.post(reverse("comments:unsubscribe", args=[unsubscribe_token(comment)]))
    response = client.post(reverse("comments:confirm_replies", args=[token]))
    assert response.status_code == HTTPStatus.GONE
    assert "There is nothing to confirm any more" in response.content.decode()
    other.refresh_from_db()
    assert other.notify_confirmed_at is None


def test_a_link_for_a_deleted_comment_says_so_when_opened(client):
    """Not a question whose only button leads to "nothing to confirm"."""
    comment = make_comment(make_article(), notify_on_reply=True, notify_confirmed_at=None)
    link = reverse("comments:confirm_replies", args=[confirmation_token(comment)])
    comment.delete()
    response = client.get(link)
    assert response.status_code == HTTPStatus.GONE
    html = response.content.decode()
    assert "There is nothing to confirm any more" in html
    assert "<button" not in html.split("<main", 1)[1]


def test_a_link_opened_again_after_confirming_says_it_is_done(client):
    comment = make_comment(make_article(), notify_on_reply=True, notify_confirmed_at=None)
    link = reverse("comments:confirm_replies", args=[confirmation_token(comment)])
    client.post(link)
    response = client.get(link)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Reply e-mails confirmed" in html
    assert "Yes, e-mail me about replies" not in html


def test_a_link_opened_after_a_week_for_a_confirmed_address_says_it_is_done(client):
    """Not "expired, tick the box again" to a reader who confirmed in time."""
    comment = make_comment(make_article(), notify_on_reply=True, notify_confirmed_at=None)
    link = reverse("comments:confirm_replies", args=[confirmation_token(comment)])
    client.post(link)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        response = client.get(link)
    assert response.status_code == HTTPStatus.OK
    assert "Reply e-mails confirmed" in response.content.decode()


def test_the_form_says_the_address_is_confirmed_first(client):
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert re.search(
        r'<input type="checkbox" name="notify_on_reply"[^>]* '
        r'aria-describedby="id_notify_on_reply_helptext"',
        html,
    )
    assert (
        '<div class="helptext" id="id_notify_on_reply_helptext">The first time, we e-mail you '
        "a link to confirm the address.</div>"
    ) in html


@pytest.mark.django_db(transaction=True)
def test_readers_who_asked_before_confirmation_existed_keep_their_emails():
    executor = MigrationExecutor(connection)
    before = [("comments", "0004_comment_edited_at")]
    latest = executor.loader.graph.leaf_nodes("comments")
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldComment = old_apps.get_model("comments", "Comment")
    article = make_article()
    asked = OldComment.objects.create(
        article_id=article.pk, author_name="Pat", email="pat@example.com", body="Hi.",
        notify_on_reply=True,
    )  # fmt: skip
    quiet = OldComment.objects.create(
        article_id=article.pk, author_name="Sam", email="sam@example.com", body="Hello."
    )
    # A spammer's comment: the address it names is likely someone else's.
    spam = OldComment.objects.create(
        article_id=article.pk, author_name="Win", email="victim@example.com", body="Casino",
        notify_on_reply=True, status="spam",
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    assert Comment.objects.get(pk=asked.pk).notify_confirmed_at is not None
    assert Comment.objects.get(pk=quiet.pk).notify_confirmed_at is None
    assert Comment.objects.get(pk=spam.pk).notify_confirmed_at is None


def test_an_address_a_moderator_changes_is_asked_to_confirm_before_reply_emails(
    client, staff_client, django_capture_on_commit_callbacks
):
    """A confirmation belongs to the address it was e-mailed to. A moderator who mends a
    commenter's address (asked to by someone who may not be them) sends no reply e-mail
    to the new one until its owner confirms it, from a link it gets as a new comment's
    address would; the page says so."""
    article = make_article(title="Spines in mice")
    asked = make_comment(article, email="pat@example.com", notify_on_reply=True)
    change = reverse("admin:comments_comment_change", args=[asked.pk])
    data = form_as_shown(staff_client.get(change), email="Pat@Elsewhere.example")
    with django_capture_on_commit_callbacks(execute=True):
        saved = staff_client.post(change, data, follow=True)
    assertContains(
        saved,
        "A link to confirm reply e-mails went to pat@elsewhere.example: none go there "
        "before its owner uses it.",
    )
    asked.refresh_from_db()
    assert asked.email == "pat@elsewhere.example" and asked.notify_confirmed_at is None
    [message] = mail.outbox
    assert message.to == ["pat@elsewhere.example"]
    assert message.subject == "Confirm e-mails about replies on “Spines in mice”"
    link = confirm_url_in(message)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(staff_client, reply_to(article, asked))
    assert mail.outbox == []

    client.post(link)
    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(staff_client, reply_to(article, asked, author_name="Rae"))
    assert [message.to for message in mail.outbox] == [["pat@elsewhere.example"]]


def test_a_moderator_who_changes_an_address_to_a_confirmed_one_sends_no_link(
    staff_client, django_capture_on_commit_callbacks
):
    make_comment(make_article(), email="pat@example.com", notify_on_reply=True)
    mistyped = make_comment(
        make_article(), email="pta@example.com", notify_on_reply=True, notify_confirmed_at=None
    )
    change = reverse("admin:comments_comment_change", args=[mistyped.pk])
    data = form_as_shown(staff_client.get(change), email="pat@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(change, data)
    mistyped.refresh_from_db()
    assert mistyped.notify_confirmed_at is not None
    assert mail.outbox == []


def test_an_address_saved_in_capitals_before_stays_confirmed_in_any_letter_case(
    client, staff_client, django_capture_on_commit_callbacks
):
    """The admin kept addresses as staff typed them until it stored them in lower case,
    as the comment form does. Mending such a comment's text is no change of address,
    and the address's owner, confirmed, is not asked again when they comment."""
    article = make_article()
    earlier = make_comment(article, email="Pat@Example.com", notify_on_reply=True)
    change = reverse("admin:comments_comment_change", args=[earlier.pk])
    data = form_as_shown(staff_client.get(change), body="A typo mended.")
    with django_capture_on_commit_callbacks(execute=True):
        saved = staff_client.post(change, data, follow=True)
    assertNotContains(saved, "before its owner")
    earlier.refresh_from_db()
    assert earlier.body == "A typo mended." and earlier.notify_confirmed_at is not None
    assert mail.outbox == []

    Comment.objects.filter(pk=earlier.pk).update(email="Pat@Example.com")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, email="pat@example.com", notify_on_reply="on")
    assert Comment.objects.get(email="pat@example.com").notify_confirmed_at is not None
    assert mail.outbox == []


CONFIRM_NOTE = "To get e-mails about replies, open the link we have just sent to your address"


def test_a_held_first_comment_tells_its_author_to_open_the_link(
    client, django_capture_on_commit_callbacks
):
    """A first comment waits for moderation; the note only its author sees says what the
    box they ticked needs from them, until the link is used."""
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, notify_on_reply="on")
    page = client.get(article.get_absolute_url())
    assert Comment.objects.get().status == Comment.Status.PENDING
    assertContains(page, "Your comment is awaiting moderation")
    assertContains(page, CONFIRM_NOTE)

    client.post(confirm_url_in(mail.outbox[0]))
    assertNotContains(client.get(article.get_absolute_url()), CONFIRM_NOTE)


def test_an_approved_comment_tells_its_author_to_open_the_link(
    client, django_capture_on_commit_callbacks
):
    """A commenter known from before goes straight up: the note sits under their comment,
    for them alone, until the link is used."""
    article = make_article()
    make_comment(article, email="pat@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, email="pat@example.com", notify_on_reply="on")
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.APPROVED
    page = client.get(article.get_absolute_url()).content.decode()
    own = page[page.index(f'id="comment-{comment.pk}"') :]
    assert CONFIRM_NOTE in own[: own.index("</article>")]
    assertNotContains(Client().get(article.get_absolute_url()), CONFIRM_NOTE)

    client.post(confirm_url_in(mail.outbox[0]))
    assertNotContains(client.get(article.get_absolute_url()), CONFIRM_NOTE)


def test_no_such_note_without_the_box(client):
    article = make_article()
    post_comment(client, article)
    page = client.get(article.get_absolute_url())
    assertContains(page, "Your comment is awaiting moderation")
    assertNotContains(page, CONFIRM_NOTE)


def test_the_admin_shows_when_a_link_was_sent(client, staff_client):
    post_comment(client, make_article(), notify_on_reply="on")
    comment = Comment.objects.get()
    page = staff_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assertContains(page, "Confirmation link sent")
    assertContains(page, "Address confirmed")
    sent = timezone.localtime(comment.confirmation_sent_at)
    assertContains(page, f"{sent.day} {sent:%b %Y, %H:%M}")
