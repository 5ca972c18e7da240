"""The comment form under hostile input, sent as raw bytes: NUL bytes, lone surrogates,
invalid UTF-8, right-to-left marks, a megabyte. The answer is a page with a message or a
redirect to this site, never a 500; and no commenter's address is ever stored."""

import datetime
import itertools
from http import HTTPStatus
from urllib.parse import quote

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.models import Comment
from tests.comments.conftest import comment_data
from tests.factories import make_article
from tests.security.test_hostile_input import HOSTILE_VALUES, MEGABYTE, is_same_origin, raw

pytestmark = pytest.mark.django_db

FIELDS = ["author_name", "email", "body", "parent", "homepage", "notify_on_reply", "timestamp"]
ANSWERS = {
    HTTPStatus.FOUND,  # posted: to the comment, or to the "awaiting moderation" note
    HTTPStatus.SEE_OTHER,
    HTTPStatus.BAD_REQUEST,  # the article again, with the reader's text and the errors
    HTTPStatus.FORBIDDEN,
    HTTPStatus.TOO_MANY_REQUESTS,
}
_addresses = itertools.count(1)


@pytest.fixture(autouse=True)
def _no_page_cache_or_moderator_mail(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.COMMENTS_MODERATOR_EMAILS = []


@pytest.fixture
def article():
    return make_article()


def post_raw(client, article, fields, *, address=None, encoded=None):
    """The form as bytes on the wire; `encoded` adds pre-encoded name=value pairs."""
    body = "&".join(
        [f"{raw(name)}={raw(value)}" for name, value in fields.items()] + (encoded or [])
    )
    number = next(_addresses)
    return client.generic(
        "POST",
        reverse("comments:post", args=[article.slug]),
        body.encode("ascii"),
        content_type="application/x-www-form-urlencoded",
        REMOTE_ADDR=address or f"10.9.{number // 256 % 256}.{number % 256}",
    )


def assert_clear_answer(response, what):
    assert response.status_code in ANSWERS, f"{response.status_code} for {what}"
    if response.status_code in {HTTPStatus.FOUND, HTTPStatus.SEE_OTHER}:
        assert is_same_origin(response.headers["Location"]), response.headers["Location"]
    else:
        text = response.content.decode()
        assert 'class="errorlist' in text or 'role="alert"' in text, f"no message for {what}"


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_survives_every_hostile_value(client, article, field):
    for value in [*HOSTILE_VALUES, MEGABYTE]:
        fields = comment_data(article) | {field: value}
        assert_clear_answer(post_raw(client, article, fields), f"{field}={value[:40]!r}")


@pytest.mark.parametrize("encoded", ["%FF%FE", "%C0%AF", "%ED%A0%80", "%E2%82"])
def test_invalid_utf8_is_answered_with_the_form_again(client, article, encoded):
    fields = comment_data(article)
    del fields["body"]
    response = post_raw(client, article, fields, encoded=[f"body={encoded}", f"{encoded}=x"])
    assert_clear_answer(response, encoded)


def test_a_megabyte_comment_gets_a_message_and_keeps_the_text(client, article):
    response = post_raw(client, article, comment_data(article) | {"body": "x" * 1_000_000})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Please shorten" in response.content.decode()
    assert not Comment.objects.exists()


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    replaced=st.dictionaries(
        st.sampled_from(FIELDS),
        st.one_of(
            st.text(st.characters(exclude_categories=()), max_size=200),
            st.sampled_from(HOSTILE_VALUES),
        ),
        min_size=1,
    )
)
def test_any_text_in_any_fields(client, article, replaced):
    response = post_raw(client, article, comment_data(article) | replaced)
    assert_clear_answer(response, repr(replaced)[:300])


def test_next_and_friends_never_lead_off_site(client, article):
    for name in ["next", "redirect", "return_to", "url"]:
        encoded = [f"{name}={quote('//evil.example/')}"]
        response = post_raw(client, article, comment_data(article), encoded=encoded)
        assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.SEE_OTHER}
        assert is_same_origin(response.headers["Location"]), response.headers["Location"]


def every_stored_text():
    """Every text value in every table, as one string to search."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            values += [str(value) for row in cursor.fetchall() for value in row]
    return "\n".join(values)


def test_a_commenters_address_is_never_stored_and_their_network_data_expires(client, article):
    address = "203.0.113.77"
    response = post_raw(client, article, comment_data(article), address=address)
    assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.SEE_OTHER}
    comment = Comment.objects.get()
    assert comment.sender_hash  # flood control has what it needs...
    assert address not in every_stored_text()  # ...and the address itself is nowhere
    # A moderator approves it; a month later its sender data is gone, the comment stays.
    comment.status = Comment.Status.APPROVED
    comment.save()

    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=31)
    with time_machine.travel(later, tick=False):
        call_command("purge_comments", verbosity=0)
    comment.refresh_from_db()
    assert comment.sender_hash == ""
    assert comment.user_agent == ""
