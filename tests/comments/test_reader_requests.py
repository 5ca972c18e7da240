"""A reader writes to the publisher about what it holds on them, and a moderator answers
from the admin: without a programmer, and without harming other readers' comments."""

import html
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

QUEUE = "admin:comments_comment_changelist"


def page_of(client, article):
    return html.unescape(client.get(article.get_absolute_url()).content.decode())


def act_on_search(staff_client, action, query):
    """Search the queue, tick "Select all", and run `action` on every comment found."""
    return staff_client.post(
        f"{reverse(QUEUE)}?q={query}",
        {"action": action, "select_across": "1", "index": "0", "_selected_action": ["0"]},
        follow=True,
    )


def test_erasing_a_reader_keeps_the_replies_others_wrote(staff_client, settings):
    """A reader asks to be forgotten: her comments go, and the one Greg answered stays as
    "This comment was removed" with nothing of hers in it, on pages cached before too."""
    settings.PAGE_CACHE_SECONDS = 600
    article = make_article()
    hers = make_comment(article, author_name="Ana P.", email="ana@example.com", body="I felt…")
    reply = make_comment(article, parent=hers, author_name="Greg", body="Same for me.")
    make_comment(article, parent=reply, author_name="Ana P.", email="ana@example.com")
    make_comment(article, author_name="Ana P.", email="ana@example.com", body="Another one.")
    reader = Client()
    assert "Ana P." in page_of(reader, article)  # now in the page cache

    response = act_on_search(staff_client, "erase", "ANA@Example.com")

    assert response.status_code == HTTPStatus.OK
    assert "3 comments erased; 1 that other comments answer is kept" in html.unescape(
        response.content.decode()
    )
    page = page_of(reader, article)
    assert "Ana P." not in page
    assert "I felt" not in page
    assert "This comment was removed." in page
    assert "Same for me." in page
    assert not Comment.objects.filter(email__iexact="ana@example.com").exists()
    emptied = Comment.objects.get(pk=hers.pk)
    assert (emptied.author_name, emptied.body, emptied.sender_hash) == ("", "", "")
