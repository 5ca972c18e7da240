"""Comment counts on lists, and an article page whose queries do not grow with comments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from tests.comments.conftest import post_comment
from tests.factories import make_article, make_author, make_comment, make_source, make_topic

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def add_threads(article, threads, per_thread):
    """`threads` conversations, each a chain of `per_thread` replies; in longer chains the
    second is removed, so placeholders are part of the work."""
    for _ in range(threads):
        parent = None
        for index in range(per_thread):
            removed = index == 1 and index < per_thread - 1
            status = Comment.Status.REMOVED if removed else Comment.Status.APPROVED
            parent = make_comment(article, parent=parent, status=status)


def test_article_page_with_200_comments_takes_the_queries_of_2(
    client, django_assert_max_num_queries
):
    article = make_article(topics=[make_topic(is_sensitive=True)])
    add_threads(article, threads=1, per_thread=2)
    few, html = count_queries(client, article.get_absolute_url())
    assert html.count('class="comment"') + html.count('class="comment comment--removed"') == 2

    add_threads(article, threads=50, per_thread=4)
    assert article.comments.count() == 202
    with django_assert_max_num_queries(few):
        response = client.get(article.get_absolute_url())
    assert response.content.decode().count("comment-item--depth-") == 202


def test_the_comment_section_needs_a_fixed_handful_of_queries(
    client, django_assert_max_num_queries
):
    """Thread, notes, and nothing per comment: measured against the page without any."""
    article = make_article()
    bare, _ = count_queries(client, article.get_absolute_url())
    add_threads(article, threads=10, per_thread=5)
    with django_assert_max_num_queries(bare):
        client.get(article.get_absolute_url())


@pytest.mark.parametrize("url_name", ["articles:home", "articles:list", "topic"])
def test_lists_show_approved_comment_counts(client, url_name):
    topic = make_topic()
    article = make_article(topics=[topic], is_featured=False)
    for _ in range(3):
        make_comment(article)
    make_comment(article, status="pending")
    make_comment(article, status="spam")
    single = make_article(topics=[topic])
    make_comment(single)
    silent = make_article(topics=[topic], title="No comments here")
    url = topic.get_absolute_url() if url_name == "topic" else reverse(url_name)
    html = client.get(url).content.decode()
    assert f'<a href="{article.get_absolute_url()}#comments">3 comments</a>' in html
    assert f'<a href="{single.get_absolute_url()}#comments">1 comment</a>' in html
    assert f"{silent.get_absolute_url()}#comments" not in html


@pytest.mark.parametrize("url_name", ["articles:home", "articles:list", "topic"])
def test_list_counts_take_no_query_per_article(client, url_name, django_assert_max_num_queries):
    topic = make_topic()
    article = make_article(topics=[topic])
    make_comment(article)
    url = topic.get_absolute_url() if url_name == "topic" else reverse(url_name)
    few, _ = count_queries(client, url)
    for _ in range(5):
        more = make_article(topics=[topic])
        for _ in range(3):
            make_comment(more)
    with django_assert_max_num_queries(few):
        html = client.get(url).content.decode()
    assert html.count("3 comments</a>") == 5


def test_a_refused_comment_brings_the_page_back_without_a_query_per_author_or_source(client):
    """The page shown with the reader's errors loads the article as the article view does."""

    def refused_page_queries(article):
        with CaptureQueriesContext(connection) as queries:
            response = post_comment(client, article, body="")
        assert response.status_code == 400
        return len(queries)

    article = make_article(authors=[make_author()])
    make_source(article)
    few = refused_page_queries(article)
    crowded = make_article(authors=[make_author() for _ in range(4)])
    for _ in range(4):
        make_source(crowded)
    assert refused_page_queries(crowded) <= few
