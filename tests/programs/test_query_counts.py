"""Pages that show programs take the same number of queries however many programs exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_article, make_author, make_source, make_topic
from tests.programs.factories import make_faq, make_module, make_program, make_testimonial

pytestmark = pytest.mark.django_db


def add_programs(count, topics=()):
    for number in range(count):
        program = make_program(
            topics=[*topics, make_topic()],
            instructors=[make_author(), make_author()],
            is_featured=number % 2 == 0,
        )
        for _ in range(3):
            make_module(program)
            make_faq(program)
            make_testimonial(program)
            make_testimonial(program, is_approved=False)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_article_page_with_its_promotions_takes_constant_queries(
    client, django_assert_max_num_queries
):
    topic = make_topic()
    article = make_article(topics=[topic, make_topic()], authors=[make_author()])
    make_source(article)
    add_programs(1, topics=[topic])
    few = count_queries(client, article.get_absolute_url())

    add_programs(10, topics=[topic])
    for _ in range(3):
        article.topics.add(make_topic())
    with django_assert_max_num_queries(few):
        response = client.get(article.get_absolute_url())
    assert "From the publisher" in response.content.decode()


@pytest.mark.parametrize("url_name", ["articles:home", "programs:list"])
def test_program_listings_take_constant_queries(client, url_name, django_assert_max_num_queries):
    make_article()
    add_programs(1)
    url = reverse(url_name)
    few = count_queries(client, url)
    add_programs(10)
    with django_assert_max_num_queries(few):
        client.get(url)


def test_program_page_takes_constant_queries(client, django_assert_max_num_queries):
    program = make_program(instructors=[make_author()], topics=[make_topic()])
    make_module(program)
    make_faq(program)
    make_testimonial(program)
    few = count_queries(client, program.get_absolute_url())

    program.instructors.add(*(make_author() for _ in range(4)))
    for _ in range(6):
        make_module(program)
        make_faq(program)
        make_testimonial(program)
    add_programs(3)
    with django_assert_max_num_queries(few):
        client.get(program.get_absolute_url())
