"""The comment form on a page served from the page cache works like a fresh one."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.test import Client

from comments.models import Comment
from tests.factories import make_article

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMESTAMP = re.compile(r'name="timestamp" value="([^"]+)"')


def form_fields(page, **fields):
    return {
        "csrfmiddlewaretoken": TOKEN.search(page).group(1),
        "timestamp": TIMESTAMP.search(page).group(1),
        "author_name": "Second reader",
        "email": "second@example.org",
        "body": "Posted from a cached page.",
        **fields,
    }


def test_a_second_reader_can_comment_from_a_cached_page(time_machine, settings):
    settings.PAGE_CACHE_SECONDS = 600
    time_machine.move_to(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False)
    article = make_article()
    Client().get(article.get_absolute_url())
    time_machine.shift(datetime.timedelta(minutes=5))
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    content = page.content.decode()

    # The two-second rule counts from this reader's visit, not from the cached render.
    too_soon = reader.post(f"{article.get_absolute_url()}comments/", form_fields(content))
    assert too_soon.status_code == 400
    assert not Comment.objects.exists()
    assert "Posted from a cached page." in too_soon.content.decode()

    time_machine.shift(datetime.timedelta(seconds=3))
    response = reader.post(f"{article.get_absolute_url()}comments/", form_fields(content))
    assert response.status_code == 302
    assert Comment.objects.get().body == "Posted from a cached page."


def test_held_comments_leave_the_page_cache_alone_and_approval_refreshes_it(settings):
    from tests.factories import make_comment

    settings.PAGE_CACHE_SECONDS = 600
    article = make_article()
    Client().get(article.get_absolute_url())
    held = make_comment(article, status=Comment.Status.PENDING, body="Held for review.")
    page = Client().get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    assert "Held for review." not in page.content.decode()

    held.status = Comment.Status.APPROVED
    held.save()
    page = Client().get(article.get_absolute_url())
    assert "X-Page-Cache" not in page
    assert "Held for review." in page.content.decode()

    Client().get(article.get_absolute_url())
    held.status = Comment.Status.REMOVED
    held.save()
    assert "Held for review." not in Client().get(article.get_absolute_url()).content.decode()


def revalidate(reader, article, etag):
    return reader.get(article.get_absolute_url(), headers={"if-none-match": etag})


def first_visit(time_machine):
    """A page in the cache, and a reader who has just read it: (article, reader, page)."""
    time_machine.move_to(datetime.datetime(2026, 5, 1, 12, 10, tzinfo=datetime.UTC), tick=False)
    article = make_article()
    Client().get(article.get_absolute_url())
    reader = Client(enforce_csrf_checks=True)
    return article, reader, reader.get(article.get_absolute_url())


def post_from(reader, article, page):
    """Post the comment form read from `page`."""
    return reader.post(f"{article.get_absolute_url()}comments/", form_fields(page))


@pytest.mark.parametrize("cached", [True, False])
def test_a_returning_reader_gets_a_form_that_still_works(time_machine, settings, cached):
    """Browsers check a page again on every visit. Its copy is confirmed (304) only while
    the form time in it is young, so a reader back the next day can post at once; both
    when the page comes from the cache and when it is rendered again."""
    settings.PAGE_CACHE_SECONDS = 600
    article, reader, first = first_visit(time_machine)

    def later(delta):
        time_machine.shift(delta)
        if not cached:
            cache.clear()  # the entry expired: the page is rendered again
        return revalidate(reader, article, first["ETag"])

    assert later(datetime.timedelta(minutes=30)).status_code == HTTPStatus.NOT_MODIFIED

    fresh = later(datetime.timedelta(hours=22))
    assert fresh.status_code == HTTPStatus.OK
    time_machine.shift(datetime.timedelta(seconds=5))
    assert post_from(reader, article, fresh.content.decode()).status_code == HTTPStatus.FOUND
    assert Comment.objects.get().body == "Posted from a cached page."


@pytest.mark.parametrize("cookie", ["cleared", "changed"])
@pytest.mark.parametrize("cached", [True, False])
def test_a_browser_whose_csrf_cookie_went_gets_the_page_afresh(
    time_machine, settings, cached, cookie
):
    """Its copy's token belonged to a cookie it no longer has (cleared, or changed by
    signing in somewhere on the site): confirming that copy would make the reader's
    comment fail the CSRF check."""
    settings.PAGE_CACHE_SECONDS = 600
    article, reader, first = first_visit(time_machine)
    if not cached:
        cache.clear()
    if cookie == "cleared":
        reader.cookies.clear()
    else:
        reader.cookies[settings.CSRF_COOKIE_NAME] = "k" * 32

    time_machine.shift(datetime.timedelta(minutes=5))
    again = revalidate(reader, article, first["ETag"])
    assert again.status_code == HTTPStatus.OK
    time_machine.shift(datetime.timedelta(seconds=5))
    assert post_from(reader, article, again.content.decode()).status_code == HTTPStatus.FOUND
