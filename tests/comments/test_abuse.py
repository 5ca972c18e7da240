"""Abuse defences: the honeypot, the signed form timestamp, flood control, duplicates."""

import datetime
import time
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.moderation import form_token
from tests.comments.conftest import post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

RETRY = "Your comment could not be sent. Please wait a moment and send it again."


@pytest.fixture
def article():
    article = make_article()
    make_comment(article, email="ada@example.com")  # so the reader's posts are approved
    return article


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def comments_from_ada():
    return Comment.objects.filter(email="ada@example.com").count() - 1


def test_a_filled_honeypot_is_refused_quietly_and_keeps_the_text(client, article):
    response = post_comment(client, article, homepage="https://spam.example", body="Buy now")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert RETRY in html
    assert "Buy now" in html
    assert "honeypot" not in html.lower()
    assert comments_from_ada() == 0


def test_the_honeypot_is_hidden_from_people(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<div class="comment-form__extra">' in html
    assert 'name="homepage"' in html and 'tabindex="-1"' in html
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert ".comment-form__extra { display: none; }" in css


@pytest.mark.parametrize(
    ("seconds", "accepted"), [(0, False), (1.99, False), (2, True), (2.5, True)]
)
def test_posts_faster_than_two_seconds_are_refused(client, article, frozen, seconds, accepted):
    token = form_token(article.pk, issued_at=time.time())
    frozen.shift(datetime.timedelta(seconds=seconds))
    response = post_comment(client, article, timestamp=token)
    if accepted:
        assert response.status_code == HTTPStatus.FOUND
        assert comments_from_ada() == 1
    else:
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert RETRY in response.content.decode()
        assert comments_from_ada() == 0


def sent_token(html):
    return html.split('name="timestamp" value="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    "send_back",
    [
        {"email": "greg@readers"},  # an error to correct
        {"cancel_reply": "1"},  # "Cancel reply" without JavaScript
    ],
    ids=["error", "cancel-reply"],
)
def test_a_form_given_back_can_be_sent_again_at_once(client, article, frozen, send_back):
    """The two seconds count from when the reader first had the form: a quick fix after
    an error was refused with the message bots get."""
    token = form_token(article.pk, issued_at=time.time())
    frozen.shift(datetime.timedelta(seconds=30))
    given_back = post_comment(client, article, timestamp=token, **send_back)
    assert sent_token(given_back.content.decode()) == token
    frozen.shift(datetime.timedelta(seconds=0.5))
    assert post_comment(client, article, timestamp=token).status_code == HTTPStatus.FOUND
    assert comments_from_ada() == 1


def test_a_bot_given_its_form_back_still_waits_two_seconds_from_the_first(client, article, frozen):
    token = form_token(article.pk, issued_at=time.time())
    refused = post_comment(client, article, timestamp=token)
    assert RETRY in refused.content.decode()
    assert sent_token(refused.content.decode()) == token
    frozen.shift(datetime.timedelta(seconds=1))
    assert post_comment(client, article, timestamp=token).status_code == HTTPStatus.BAD_REQUEST
    frozen.shift(datetime.timedelta(seconds=1))
    assert post_comment(client, article, timestamp=token).status_code == HTTPStatus.FOUND


@pytest.mark.parametrize(
    ("age", "accepted"),
    [
        (datetime.timedelta(hours=2), True),
        (datetime.timedelta(hours=2, seconds=1), False),
        (datetime.timedelta(days=3), False),
    ],
)
def test_forms_older_than_two_hours_are_refused_with_a_clear_message(
    client, article, frozen, age, accepted
):
    token = form_token(article.pk, issued_at=time.time())
    frozen.shift(age)
    response = post_comment(client, article, timestamp=token, body="Written slowly.")
    if accepted:
        assert response.status_code == HTTPStatus.FOUND
        return
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "This page was open for more than two hours" in html
    assert "Written slowly." in html
    # The form that comes back carries a fresh timestamp, so sending again works, and
    # at once: the reader has had the form for hours, not under two seconds.
    fresh = sent_token(html)
    assert fresh != token
    assert post_comment(client, article, timestamp=fresh).status_code == HTTPStatus.FOUND


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "not-a-token",
        "eyJhIjoxLCJ0IjoxfQ:1aaaaa:forged-signature",
        "\x00",
    ],
    ids=repr,
)
def test_a_missing_or_tampered_timestamp_is_refused_quietly(client, article, token):
    response = post_comment(client, article, timestamp=token, body="Tampered post")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert RETRY in response.content.decode()
    assert "Tampered post" in response.content.decode()
    assert comments_from_ada() == 0


def test_a_timestamp_from_another_article_is_refused(client, article):
    token = form_token(make_article().pk, issued_at=time.time() - 60)
    assert post_comment(client, article, timestamp=token).status_code == HTTPStatus.BAD_REQUEST


def post_from(client, article, address, number):
    return post_comment(client, article, remote_addr=address, body=f"Comment number {number}")


def test_no_second_comment_within_fifteen_seconds(client, article, frozen):
    assert post_from(client, article, "198.51.100.1", 1).status_code == HTTPStatus.FOUND
    frozen.shift(datetime.timedelta(seconds=14.9))
    response = post_from(client, article, "198.51.100.1", 2)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    html = response.content.decode()
    assert "Please wait 1 second and send this one again" in html
    assert "Comment number 2" in html
    assert response["Retry-After"] == "1"
    frozen.shift(datetime.timedelta(seconds=0.1))
    assert post_from(client, article, "198.51.100.1", 3).status_code == HTTPStatus.FOUND
    assert comments_from_ada() == 2


def test_at_most_five_comments_in_ten_minutes(client, article, frozen):
    for number in range(5):
        assert post_from(client, article, "198.51.100.2", number).status_code == HTTPStatus.FOUND
        frozen.shift(datetime.timedelta(seconds=20))
    # Five posts at 0, 20, 40, 60 and 80 s; now at 100 s the sixth is refused...
    response = post_from(client, article, "198.51.100.2", 6)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Please wait 9 minutes" in response.content.decode()
    # ...until the first leaves the ten-minute window.
    frozen.shift(datetime.timedelta(seconds=499))
    assert post_from(client, article, "198.51.100.2", 7).status_code == HTTPStatus.TOO_MANY_REQUESTS
    frozen.shift(datetime.timedelta(seconds=1))
    assert post_from(client, article, "198.51.100.2", 8).status_code == HTTPStatus.FOUND
    assert comments_from_ada() == 6


def test_a_comment_its_author_deleted_still_counts(client, article, frozen):
    """An author may delete their comment at once. Posting again straight after is still
    limited: a script could otherwise post, delete and post again, every two seconds,
    with an e-mail to the moderators for each held comment."""
    assert post_from(client, article, "198.51.100.7", 1).status_code == HTTPStatus.FOUND
    posted = Comment.objects.get(body="Comment number 1")
    client.post(reverse("comments:withdraw", args=[posted.pk]))
    assert not Comment.objects.filter(pk=posted.pk).exists()
    frozen.shift(datetime.timedelta(seconds=3))
    again = post_from(client, article, "198.51.100.7", 2)
    assert again.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Please wait 12 seconds" in again.content.decode()


def test_every_ipv4_address_counts_on_its_own(client, article, frozen):
    for last in range(1, 13):
        response = post_from(client, article, f"127.0.0.{last}", last)
        assert response.status_code == HTTPStatus.FOUND, last
    assert comments_from_ada() == 12


def test_one_ipv6_64_network_counts_as_one_sender(client, article, frozen):
    assert post_from(client, article, "2001:db8:aa:1::1", 1).status_code == HTTPStatus.FOUND
    same_64 = post_from(client, article, "2001:db8:aa:1:ffff::2", 2)
    assert same_64.status_code == HTTPStatus.TOO_MANY_REQUESTS
    other_64 = post_from(client, article, "2001:db8:aa:2::1", 3)
    assert other_64.status_code == HTTPStatus.FOUND


def test_behind_the_proxy_the_forwarded_address_counts(client, article, frozen, settings):
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]

    def via_proxy(reader, number):
        return post_comment(
            client,
            article,
            remote_addr="127.0.0.1",
            meta={"HTTP_X_FORWARDED_FOR": reader},
            body=f"Proxied {number}",
        )

    assert via_proxy("198.51.100.10", 1).status_code == HTTPStatus.FOUND
    assert via_proxy("198.51.100.11", 2).status_code == HTTPStatus.FOUND
    assert via_proxy("198.51.100.10", 3).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_staff_are_not_flood_limited(staff_client, frozen):
    article = make_article()
    for number in range(7):
        response = post_from(staff_client, article, "198.51.100.3", number)
        assert response.status_code == HTTPStatus.FOUND


def test_the_database_keeps_a_hash_of_the_network_never_the_address(client, article):
    post_comment(client, article, remote_addr="198.51.100.44", meta={"HTTP_USER_AGENT": "A" * 500})
    comment = Comment.objects.order_by("-pk").first()
    assert len(comment.sender_hash) == 64
    assert "198.51.100.44" not in comment.sender_hash
    values = [str(value) for value in Comment.objects.values_list().get(pk=comment.pk)]
    assert not any("198.51.100" in value for value in values)
    assert len(comment.user_agent) == 200


def test_a_duplicate_lands_on_the_existing_comment(client, article, frozen):
    first = post_comment(client, article, body="Same words twice.")
    original = Comment.objects.get(body="Same words twice.")
    frozen.shift(datetime.timedelta(seconds=3))  # a double click: inside the flood limit
    again = post_comment(client, article, body="  Same words twice.\r\n", email="ADA@example.com")
    assert Comment.objects.filter(body="Same words twice.").count() == 1
    assert again.status_code == HTTPStatus.FOUND
    assert again["Location"] == first["Location"] == original.get_absolute_url()


def test_a_held_duplicate_lands_on_the_awaiting_notice(client, frozen):
    article = make_article()
    post_comment(client, article, body="New reader, posted twice.")
    frozen.shift(datetime.timedelta(seconds=30))
    again = post_comment(client, article, body="New reader, posted twice.")
    assert again["Location"].endswith("#comment-awaiting")
    assert Comment.objects.count() == 1


def test_the_same_text_is_new_after_a_day_or_on_another_article(client, article, frozen):
    post_comment(client, article, body="Said again tomorrow.")
    frozen.shift(datetime.timedelta(days=1, seconds=1))
    post_comment(client, article, body="Said again tomorrow.")
    other = make_article()
    make_comment(other, email="ada@example.com")
    post_comment(client, other, body="Said again tomorrow.")
    assert Comment.objects.filter(body="Said again tomorrow.").count() == 3


def test_the_same_text_from_another_email_is_not_a_duplicate(client, article):
    make_comment(article, email="bo@example.com")
    post_comment(client, article, body="Great point.")
    post_comment(client, article, body="Great point.", email="bo@example.com")
    assert Comment.objects.filter(body="Great point.").count() == 2


def test_the_same_reply_to_two_people_is_two_replies(client, article, frozen):
    """ "Thank you!" to one reader and then to another is not a double click."""
    mira = make_comment(article, author_name="Mira")
    tom = make_comment(article, author_name="Tom")
    for parent in [mira, tom, None]:
        frozen.shift(datetime.timedelta(seconds=20))
        response = post_comment(
            client, article, body="Thank you, that helps!", parent=parent and parent.pk
        )
        assert response.status_code == HTTPStatus.FOUND
    replies = Comment.objects.filter(body="Thank you, that helps!")
    assert sorted(reply.parent_id or 0 for reply in replies) == [0, mira.pk, tom.pk]
