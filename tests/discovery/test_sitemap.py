import datetime
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import Program
from tests.factories import make_article, make_draft, make_scheduled, make_topic
from tests.programs.factories import make_program

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


def test_sitemap_lists_published_articles_with_lastmod_topics_and_list_pages(client):
    topic = make_topic(slug="neuroplasticity")
    make_article(slug="spines", topics=[topic])
    entries = sitemap_entries(client)

    assert "http://testserver/" in entries
    assert "http://testserver/articles/" in entries
    assert "http://testserver/topics/neuroplasticity/" in entries
    article_lastmod = entries["http://testserver/articles/spines/"]
    assert datetime.date.fromisoformat(article_lastmod[:10]) == timezone.now().date()
    assert entries["http://testserver/"] == article_lastmod


def test_sitemap_never_lists_drafts_scheduled_articles_or_empty_topics(client):
    topic = make_topic(slug="only-drafts")
    make_draft(slug="secret-draft", topics=[topic])
    make_scheduled(slug="future-piece", topics=[topic])
    make_topic(slug="empty-topic")
    locations = " ".join(sitemap_entries(client))
    for hidden in ["secret-draft", "future-piece", "only-drafts", "empty-topic"]:
        assert hidden not in locations


def test_sitemap_with_no_articles_is_still_valid(client):
    entries = sitemap_entries(client)
    assert set(entries) == {
        "http://testserver/",
        "http://testserver/articles/",
        "http://testserver/programs/",
    }


def test_sitemap_lists_published_programs_only(client):
    make_program(slug="breathing-course")
    make_program(slug="draft-course", status=Program.Status.DRAFT)
    entries = sitemap_entries(client)
    assert "http://testserver/programs/breathing-course/" in entries
    assert entries["http://testserver/programs/breathing-course/"]
    assert entries["http://testserver/programs/"]
    assert "draft-course" not in " ".join(entries)


def test_sitemap_lastmod_is_the_publication_time_of_a_scheduled_article_once_live(
    client, time_machine
):
    """An article written long before its scheduled time counts as new when it appears."""
    publish_at = timezone.now() + datetime.timedelta(days=3)
    make_article(slug="timed", publish_at=publish_at)
    time_machine.move_to(publish_at + datetime.timedelta(hours=1))
    lastmod = sitemap_entries(client)["http://testserver/articles/timed/"]
    assert lastmod == publish_at.date().isoformat()


def test_sitemap_queries_do_not_grow_with_articles(client, django_assert_max_num_queries):
    topic = make_topic()
    make_article(topics=[topic])
    with CaptureQueriesContext(connection) as one_article:
        sitemap_entries(client)
    for _ in range(29):
        make_article(topics=[topic])
    with django_assert_max_num_queries(len(one_article.captured_queries)):
        assert len(sitemap_entries(client)) == 34


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    """Out of the admin by the admin's own meta tag: robots.txt is public, and naming a
    moved admin there would give its address away."""
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert reverse("admin:index") not in response.content.decode()
    sign_in = client.get(reverse("admin:login"))
    assert '<meta name="robots" content="NONE,NOARCHIVE">' in sign_in.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /programs/*/go/" in lines
    assert "Disallow: /*?reply_to=" in lines
