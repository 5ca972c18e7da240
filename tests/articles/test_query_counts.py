import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_article, make_author, make_source, make_topic

pytestmark = pytest.mark.django_db


def add_articles(count):
    for _ in range(count):
        topics = [make_topic(), make_topic()]
        authors = [make_author(), make_author()]
        article = make_article(topics=topics, authors=authors)
        for _ in range(3):
            make_source(article)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["articles:home", "articles:list"])
def test_list_pages_take_the_same_queries_as_content_grows(
    client, url_name, django_assert_max_num_queries
):
    add_articles(2)
    url = reverse(url_name)
    few = count_queries(client, url)
    add_articles(10)
    with django_assert_max_num_queries(few):
        client.get(url)


def test_article_page_takes_the_same_queries_as_its_data_grows(
    client, django_assert_max_num_queries
):
    topic = make_topic()
    article = make_article(topics=[topic], authors=[make_author()])
    make_source(article)
    make_article(topics=[topic], authors=[make_author()])
    few = count_queries(client, article.get_absolute_url())

    for _ in range(5):
        article.topics.add(make_topic())
        author = make_author()
        article.author_credits.create(author=author, position=9)
        make_source(article)
        article.updates.create(note="Another update")
        make_article(topics=[topic])
    with django_assert_max_num_queries(few):
        client.get(article.get_absolute_url())


def test_topic_page_query_count_is_constant(client, django_assert_max_num_queries):
    topic = make_topic()
    make_article(topics=[topic], authors=[make_author()])
    few = count_queries(client, topic.get_absolute_url())
    for _ in range(8):
        make_article(topics=[topic, make_topic()], authors=[make_author()])
    with django_assert_max_num_queries(few):
        client.get(topic.get_absolute_url())
