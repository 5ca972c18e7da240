"""Every public page takes a fixed, small number of queries, whatever the data size.

Measured with the page cache off (every page rendered afresh), after one round of requests
has loaded the site-wide rows (publication settings, disclaimer, comment notes) that are
kept until content changes.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from tests.factories import make_article, make_author, make_source, make_topic
from tests.programs.factories import make_faq, make_module, make_program, make_testimonial

pytestmark = pytest.mark.django_db

BUDGETS = {
    "article": 7,
    "home": 4,
    "article list": 3,
    "topic": 4,
    "author": 6,
    "program list": 1,
    "program": 5,
}


def approved(article, number, parent=None):
    return Comment(
        article=article,
        parent=parent,
        author_name=f"Reader {number}",
        email=f"reader{number}@example.org",
        body=f"Comment {number}, with a link https://example.org/{number}.",
        status=Comment.Status.APPROVED,
        created_at=timezone.now() - datetime.timedelta(minutes=1000 - number),
    )


@pytest.fixture
def large_site(settings):
    settings.PAGE_CACHE_SECONDS = 0
    topics = [make_topic() for _ in range(4)]
    authors = [make_author() for _ in range(3)]
    article = make_article(topics=topics[:2], authors=authors)
    for _ in range(6):
        make_source(article)
        article.updates.create(note="An update")
    for number in range(30):
        other = make_article(
            topics=[topics[number % 4]],
            authors=[authors[number % 3]],
            reviewed_by=authors[0],
            last_reviewed=datetime.date(2026, 3, 2),
        )
        Comment.objects.bulk_create(approved(other, 5000 + n) for n in range(3))
    article.related_picks.add(*list(type(article).objects.exclude(pk=article.pk)[:2]))
    # 200 comments in 50 threads, replies nested past the display depth.
    roots = Comment.objects.bulk_create(approved(article, n) for n in range(50))
    made, parents = 50, roots
    for _ in range(4):
        parents = Comment.objects.bulk_create(
            approved(article, made + i, parent) for i, parent in enumerate(parents)
        )
        made += len(parents)
    for number in range(8):
        program = make_program(topics=[topics[number % 4]], instructors=authors[:2])
        for _ in range(4):
            make_module(program)
            make_faq(program)
            make_testimonial(program)
    return {"article": article, "topic": topics[0], "author": authors[0], "program": program}


def test_each_public_page_stays_within_its_query_budget(large_site, django_assert_max_num_queries):
    assert Comment.objects.filter(article=large_site["article"]).count() == 250
    urls = {
        "article": large_site["article"].get_absolute_url(),
        "home": "/",
        "article list": "/articles/",
        "topic": large_site["topic"].get_absolute_url(),
        "author": large_site["author"].get_absolute_url(),
        "program list": "/programs/",
        "program": large_site["program"].get_absolute_url(),
    }
    client = Client()
    for url in urls.values():  # loads the site-wide rows kept until content changes
        client.get(url)
    for name, url in urls.items():
        with django_assert_max_num_queries(BUDGETS[name]):
            response = client.get(url)
        assert response.status_code == 200, name
    article_page = client.get(urls["article"]).content.decode()
    assert article_page.count('class="comment"') == 250


def test_an_article_page_with_nothing_cached_takes_at_most_ten_queries(
    large_site, settings, django_assert_max_num_queries
):
    """A cold start, or a site run with every cache off: the article with its 250
    comments, sources, authors, related articles, promotions, the footer's disclaimer
    and the comment notes, all read afresh."""
    settings.SITE_ROWS_CACHE_SECONDS = 0
    client = Client()
    with django_assert_max_num_queries(10):
        response = client.get(large_site["article"].get_absolute_url())
    assert response.content.decode().count('class="comment"') == 250
    assert "Schedule I" in response.content.decode()
