"""Posting with plain HTML forms (no JavaScript): success, replies, and bad input."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.comments.conftest import comment_data, post_comment
from tests.factories import make_article, make_comment, make_draft

pytestmark = pytest.mark.django_db


def returning_reader(article, email="ada@example.com"):
    """A reader with an approved comment already, so their next one is not held."""
    return make_comment(article, email=email, author_name="Ada Reader")


def test_an_approved_comment_redirects_to_itself(client):
    article = make_article()
    returning_reader(article)
    response = post_comment(client, article, body="Second thoughts on the study.")
    comment = Comment.objects.get(body="Second thoughts on the study.")
    assert comment.status == Comment.Status.APPROVED
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Second thoughts on the study." in page


def test_a_held_comment_shows_its_notice_to_its_author_only(client):
    """The "awaiting moderation" notice lives in the author's session: another reader,
    even one served from the page cache, never sees it."""
    article = make_article()
    response = post_comment(client, article, body="My very first comment here.")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{article.get_absolute_url()}#comment-awaiting"
    assert Comment.objects.get().status == Comment.Status.PENDING

    own_response = client.get(article.get_absolute_url())
    own_page = own_response.content.decode()
    assert "Your comment is awaiting moderation" in own_page
    # No shared cache on the way (a company proxy) may keep it for others.
    assert "private" in own_response["Cache-Control"]
    assert "My very first comment here." in own_page
    assert 'id="comment-awaiting"' in own_page

    stranger = Client()
    other_page = stranger.get(article.get_absolute_url()).content.decode()
    assert "awaiting moderation" not in other_page
    assert "My very first comment here." not in other_page


def test_the_pending_notice_is_not_cached_for_other_readers(client, settings):
    settings.PAGE_CACHE_SECONDS = 600
    article = make_article()
    post_comment(client, article, body="Held comment text.")
    assert "Held comment text." in client.get(article.get_absolute_url()).content.decode()
    for _ in range(2):  # the second request may come from the page cache
        page = Client().get(article.get_absolute_url()).content.decode()
        assert "Held comment text." not in page
        assert "awaiting moderation" not in page


def test_the_notice_goes_once_the_comment_is_approved(client, settings, time_machine):
    """And with it the reader's session, once their time to edit the comment is over too:
    their next pages come from the page cache."""
    article = make_article()
    post_comment(client, article, body="Held then approved.")
    comment = Comment.objects.get()
    comment.status = Comment.Status.APPROVED
    comment.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "awaiting moderation" not in page
    assert page.count("Held then approved.") == 1
    assert settings.SESSION_COOKIE_NAME in client.cookies  # "Edit" is still offered

    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=16))
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count("Held then approved.") == 1
    ended = client.cookies.pop(settings.SESSION_COOKIE_NAME)
    assert not ended.value and ended["max-age"] == 0  # a browser forgets it
    settings.PAGE_CACHE_SECONDS = 300
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_the_notice_is_still_there_the_next_morning_but_not_for_good(client, time_machine):
    """Moderation can take a day; a reader who finds neither the notice nor the comment
    posts it again, reworded."""
    article = make_article()
    post_comment(client, article, body="Posted late at night.")
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=10))
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Your comment is awaiting moderation" in page
    # Visits do not push the end back.
    time_machine.move_to(timezone.now() + datetime.timedelta(days=25))
    client.get(article.get_absolute_url())
    assert client.session.get_expiry_age() < datetime.timedelta(days=6).total_seconds()


def test_a_reader_who_signs_in_gets_the_staff_idle_limit(client, django_user_model, settings):
    """The 30 days are for a reader's note, never for a session that opens the admin."""
    article = make_article()
    post_comment(client, article, body="Posted before signing in.")
    assert client.session.get_expiry_age() > settings.SESSION_COOKIE_AGE
    staff = django_user_model.objects.create_user("editor", password="x" * 16, is_staff=True)
    client.force_login(staff)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_the_notice_is_only_on_the_article_it_belongs_to(client):
    article, other = make_article(), make_article()
    post_comment(client, article, body="Only on the first article.")
    assert "awaiting moderation" not in client.get(other.get_absolute_url()).content.decode()


def test_reply_link_renders_a_reply_form_without_javascript(client):
    article = make_article()
    parent = make_comment(article, author_name="Parent Pat", body="The parent's words.")
    response = client.get(f"{article.get_absolute_url()}?reply_to={parent.pk}")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'id="reply"' in html
    assert "Reply to <bdi>Parent Pat</bdi>" in html
    assert f'<input type="hidden" name="parent" value="{parent.pk}"' in html
    assert "Cancel reply" in html


def test_cancel_reply_without_javascript_keeps_the_text_as_a_new_comment(client):
    """ "Cancel reply" is a button of the form: the page comes back with what the reader
    typed, ready to send as a comment of its own, and nothing is posted."""
    article = make_article()
    parent = make_comment(article, author_name="Parent Pat")
    response = post_comment(
        client,
        article,
        parent=str(parent.pk),
        author_name="Robin",
        email="robin@example",
        body="Half a thought <b>worth</b> keeping.",
        notify_on_reply="on",
        cancel_reply="1",
    )
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Half a thought &lt;b&gt;worth&lt;/b&gt; keeping.</textarea>" in html
    assert 'value="Robin"' in html
    assert 'value="robin@example"' in html
    assert re.search(r'<input type="checkbox" name="notify_on_reply"[^>]* checked', html)
    # A comment now, not a reply, and nothing checked or refused: nothing was sent.
    assert '<input type="hidden" name="parent" value=""' in html
    assert ">Add a comment</h3>" in html
    assert "errorlist" not in html
    assert "form-errors" not in html
    assert Comment.objects.count() == 1


def test_a_reply_is_posted_under_its_parent(client):
    article = make_article()
    parent = make_comment(article, author_name="Parent Pat")
    returning_reader(article)
    response = post_comment(client, article, parent=str(parent.pk), body="I agree with Pat.")
    reply = Comment.objects.get(body="I agree with Pat.")
    assert reply.parent == parent
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.index("Parent Pat") < html.index("I agree with Pat.")
    assert "comment-item--depth-2" in html


@pytest.mark.parametrize(
    "reply_to",
    ["999999", "abc", "-1", "1e3", "\x00", "%00", "\uff11", "\u00b2", "9" * 30],
    ids=repr,
)
def test_a_reply_link_to_a_missing_comment_explains_and_offers_a_new_comment(client, reply_to):
    article = make_article()
    response = client.get(article.get_absolute_url(), {"reply_to": reply_to})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "The comment you wanted to reply to is not available" in html
    assert "Add a comment" in html


def test_a_reply_link_to_a_held_comment_or_another_article_is_refused(client):
    article = make_article()
    held = make_comment(article, status=Comment.Status.PENDING)
    elsewhere = make_comment(make_article())
    for target in [held, elsewhere]:
        html = client.get(article.get_absolute_url(), {"reply_to": target.pk}).content.decode()
        assert "not available" in html
        assert f'name="parent" value="{target.pk}"' not in html


@pytest.mark.parametrize(
    "status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED]
)
def test_replying_to_a_comment_that_is_not_approved_is_a_400(client, status):
    article = make_article()
    parent = make_comment(article, status=status)
    response = post_comment(client, article, parent=str(parent.pk), body="My reply text.")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "The comment you are replying to is no longer available" in html
    assert "My reply text." in html
    assert Comment.objects.filter(body="My reply text.").count() == 0


@pytest.mark.parametrize("parent", ["999999", "abc", "1.5", "\x00"], ids=repr)
def test_replying_to_a_comment_of_another_article_or_nonsense_is_a_400(client, parent):
    article = make_article()
    other = make_comment(make_article())
    for value in [str(other.pk), parent]:
        response = post_comment(client, article, parent=value, body="Misdirected reply.")
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "Misdirected reply." in response.content.decode()
    assert not Comment.objects.filter(body="Misdirected reply.").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"author_name": ""}, "Please enter your name."),
        ({"author_name": "   \u202e  "}, "Please enter your name."),
        ({"email": ""}, "Please enter your e-mail address."),
        ({"email": "not-an-address"}, "Please enter a valid e-mail address"),
        ({"body": ""}, "Please write your comment."),
        ({"body": " \n\t "}, "Please write your comment."),
        ({"body": "\u200b \u200b\n\u2060\ufeff"}, "Please write your comment."),
        ({"author_name": "\u200b\u2060"}, "Please enter your name."),
        # Blank-looking "letters" and symbols: Hangul fillers, blank braille, lone marks.
        ({"author_name": "\u3164"}, "Please enter your name."),
        ({"author_name": "\u115f\u1160 \uffa0"}, "Please enter your name."),
        ({"body": "\u2800\u2800\u2800"}, "Please write your comment."),
        ({"body": "\u034f\ufe0f \u0301\u0300"}, "Please write your comment."),
        ({"author_name": "N" * 81}, "shorten your name to 80 characters or fewer (it has 81)"),
        ({"body": "x" * 3001}, "shorten your comment to 3,000 characters or fewer (it has 3001)"),
        (
            {"email": "a" * 250 + "@example.com"},
            "An e-mail address has at most 254 characters; this one has 262.",
        ),
        ({"body": "Text with a NUL \x00 byte"}, "Null characters are not allowed."),
        ({"author_name": "Ada\x00"}, "Null characters are not allowed."),
        ({"email": "ada@example.com\x00"}, "Null characters are not allowed."),
    ],
    ids=lambda value: repr(value)[:40],
)
def test_bad_fields_come_back_with_a_message_and_the_text_intact(client, fields, message):
    article = make_article()
    data = {"author_name": "Ada Reader", "body": "My carefully written comment."} | fields
    response = post_comment(client, article, **data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    if "body" not in fields:
        assert "My carefully written comment." in html
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "\U0001fa77",
        "\ue000",
        "\u314b\u314b",
        "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35",
        "\u4f60\u597d",
    ],
)
def test_text_in_any_script_or_a_new_emoji_alone_is_a_comment(client, text):
    """Emoji newer than the server's Unicode tables are unknown to it, not invisible."""
    article = make_article()
    make_comment(article, email="ada@example.com")
    response = post_comment(client, article, body=text)
    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.filter(body=text).exists()


def test_the_browser_never_cuts_off_pasted_text(client):
    """A `maxlength` would drop the end of a long paste without a word; the server's
    message says how long the text is and gives all of it back."""
    html = client.get(make_article().get_absolute_url()).content.decode()
    fields = re.findall(r'<(?:textarea|input)[^>]*name="(?:body|author_name|email)"[^>]*>', html)
    assert len(fields) == 3
    assert not [field for field in fields if "maxlength" in field]


def test_a_3000_character_comment_is_accepted_counting_newlines_as_a_browser_does(client):
    article = make_article()
    body = ("x" * 99 + "\r\n") * 30  # 100 characters a line once \r\n becomes \n
    response = post_comment(client, article, body=body.rstrip() + "y")
    assert response.status_code == HTTPStatus.FOUND
    assert len(Comment.objects.get().body) == 3000


def test_the_form_comes_back_as_a_reply_form_after_an_error(client):
    article = make_article()
    parent = make_comment(article, author_name="Parent Pat")
    response = post_comment(client, article, parent=str(parent.pk), email="nope")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Reply to <bdi>Parent Pat</bdi>" in html
    assert f'name="parent" value="{parent.pk}"' in html


def test_invalid_utf8_never_causes_a_500(client):
    article = make_article()
    data = comment_data(article)
    body = "&".join(
        f"{key}={value}" for key, value in data.items() if key not in {"body", "author_name"}
    )
    raw = body.encode() + b"&author_name=Ada%ff%fe&body=caf%C3%28 text \xff\xfe"
    response = client.post(
        reverse("comments:post", args=[article.slug]),
        raw,
        content_type="application/x-www-form-urlencoded",
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST}
    for comment in Comment.objects.all():
        assert "\x00" not in comment.body


def test_csrf_is_enforced(client):
    article = make_article()
    strict = Client(enforce_csrf_checks=True)
    response = post_comment(strict, article)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Comment.objects.exists()

    # With the token from the page, the same post goes through.
    strict.get(article.get_absolute_url())
    token = strict.cookies["csrftoken"].value
    response = post_comment(strict, article, csrfmiddlewaretoken=token)
    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.count() == 1


def test_a_comment_whose_token_no_longer_matches_comes_back_to_send_again():
    """Two tabs opened at once by a new visitor each set a cookie; the form of the first
    no longer matches. The text comes back with a token that does."""
    article = make_article()
    reader = Client(enforce_csrf_checks=True)
    first_tab = reader.get(article.get_absolute_url()).content.decode()
    stale_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first_tab).group(1)
    reader.cookies.pop("csrftoken")
    reader.get(article.get_absolute_url())  # the second tab: a new cookie

    response = post_comment(
        reader, article, body="Written in the first tab.", csrfmiddlewaretoken=stale_token
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    html = response.content.decode()
    assert "Your comment was not sent" in html
    assert "Written in the first tab." in html
    assert not Comment.objects.exists()

    fresh_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = post_comment(
        reader, article, body="Written in the first tab.", csrfmiddlewaretoken=fresh_token
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.get().body == "Written in the first tab."


@pytest.mark.parametrize("meanwhile", ["closed", "deleted"])
def test_a_stale_form_on_an_article_that_closed_meanwhile_still_gives_the_text_back(meanwhile):
    """Sending again cannot help there: the page says why and gives the text back."""
    article = make_article()
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url()).content.decode()
    stale_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    reader.cookies.pop("csrftoken")
    if meanwhile == "closed":
        article.comments_enabled = False
        article.save()
    else:
        article.delete()

    response = post_comment(
        reader, article, body="Kept, whatever happened.", csrfmiddlewaretoken=stale_token
    )

    html = response.content.decode()
    assert "Kept, whatever happened." in html
    if meanwhile == "closed":
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "Comments are closed on this article." in html
    else:
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "Your comment was not posted" in html
    assert "send the form again" not in html


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_SEC_FETCH_SITE": "cross-site"}],
)
def test_a_comment_posted_from_another_site_is_never_offered_back_to_send(headers):
    """A stranger's page could otherwise fill in a comment (as the reader, or as staff)
    and leave one click on the site's own page to send it."""
    article = make_article()
    response = post_comment(
        Client(enforce_csrf_checks=True), article, body="Written by a stranger.", meta=headers
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    html = response.content.decode()
    assert "This form could not be sent" in html
    assert "Written by a stranger." not in html


def test_any_other_failed_form_check_gets_the_sites_own_page():
    """The admin's sign-in, say: the site's page with its footer, not Django's bare one."""
    response = Client(enforce_csrf_checks=True).post(reverse("admin:login"), {"username": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    html = response.content.decode()
    assert "This form could not be sent" in html
    assert "not medical advice" in html


def test_comments_switched_off_show_no_form_and_refuse_posts(client):
    article = make_article(comments_enabled=False)
    existing = make_comment(article, body="Said before closing.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed on this article." in html
    assert '<form class="comment-form"' not in html
    assert "Said before closing." in html
    assert f"reply_to={existing.pk}" not in html

    response = post_comment(client, article, body="Too late, I hope it is kept.")
    assert response.status_code == HTTPStatus.FORBIDDEN
    html = response.content.decode()
    assert "Comments are closed on this article." in html
    assert "Too late, I hope it is kept." in html
    assert Comment.objects.count() == 1


def test_a_comment_longer_than_allowed_comes_back_whole_when_comments_are_closed(client):
    article = make_article(comments_enabled=False)
    text = "A long story. " * 700 + "The very end."
    response = post_comment(client, article, body=text)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "The very end." in response.content.decode()


@pytest.mark.parametrize("taken_down", ["withdrawn", "deleted"])
def test_a_comment_on_an_article_taken_down_meanwhile_comes_back_to_its_author(client, taken_down):
    """The reader opened the page, wrote, and sent it after staff took the article down:
    a page that says so and gives the text back, not a bare "page not found"."""
    article = make_article()
    if taken_down == "withdrawn":
        article.status = article.Status.DRAFT
        article.save()
    else:
        article.delete()

    response = post_comment(client, article, body="Line one <b>of</b> my reply.\nLine two.")

    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert "Your comment was not posted" in html
    assert "not available any more" in html
    assert "Line one &lt;b&gt;of&lt;/b&gt; my reply.<br>Line two." in html
    assert "not medical advice" in html
    assert not Comment.objects.exists()


def test_the_comment_address_of_a_missing_article_is_not_found(client):
    response = client.get(reverse("comments:post", args=["no-such-article"]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Your comment was not posted" not in response.content.decode()


def test_comments_close_after_the_configured_number_of_days(client, settings, time_machine):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    published = timezone.now()
    article = make_article(publish_at=published)
    time_machine.move_to(published + datetime.timedelta(days=30) - datetime.timedelta(seconds=1))
    assert '<form class="comment-form"' in client.get(article.get_absolute_url()).content.decode()
    time_machine.move_to(published + datetime.timedelta(days=30))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed on this article." in html
    assert '<form class="comment-form"' not in html
    assert post_comment(client, article).status_code == HTTPStatus.FORBIDDEN


def test_by_default_comments_never_close(client, time_machine):
    article = make_article(publish_at=timezone.now() - datetime.timedelta(days=3650))
    assert '<form class="comment-form"' in client.get(article.get_absolute_url()).content.decode()


def test_posting_to_an_unpublished_or_unknown_article_is_a_404(client):
    for slug in [make_draft().slug, "no-such-article"]:
        response = client.post(reverse("comments:post", args=[slug]), {"body": "x"})
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Comment.objects.exists()


def test_a_get_to_the_post_address_goes_back_to_the_comments(client):
    article = make_article()
    response = client.get(reverse("comments:post", args=[article.slug]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{article.get_absolute_url()}#comments"


def test_signed_in_staff_are_approved_with_a_badge(staff_client):
    article = make_article()
    form_page = staff_client.get(article.get_absolute_url()).content.decode()
    assert 'value="editor@example.com"' in form_page
    # The sign-in name ("editor") is never offered as the public one.
    assert 'name="author_name" value="editor"' not in form_page
    response = post_comment(
        staff_client,
        article,
        author_name="The editors",
        email="editor@example.com",
        body="Thanks all, see https://a.example and https://b.example",
    )
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert comment.by_staff and comment.staff_user == staff_client.user
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    html = staff_client.get(article.get_absolute_url()).content.decode()
    assert '<span class="badge badge--staff">Staff</span>' in html


def test_a_comment_written_before_the_article_was_renamed_is_not_lost(client):
    """The reader's page still posts to the old address."""
    article = make_article(slug="ketamine-synapses-rats")
    article.slug = "ketamine-synapses-in-rats"
    article.save()
    response = client.post(
        reverse("comments:post", args=["ketamine-synapses-rats"]),
        comment_data(article, body="Written meanwhile."),
        REMOTE_ADDR="10.20.30.40",
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.get().article == article


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("", "Please correct the 3 fields marked below."),
        ("My thoughts on the trial.", "Please correct the field marked below; your text is"),
    ],
)
def test_a_form_sent_back_says_the_text_is_kept_only_when_there_is_text(client, body, said):
    """ "Your text is still here" above an empty comment box reads as if something was lost."""
    article = make_article()
    response = post_comment(
        client, article, author_name="", body=body, **({"email": "x"} if not body else {})
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = " ".join(response.content.decode().split())
    assert said in page
    if not body:
        assert "your text is still here" not in page
