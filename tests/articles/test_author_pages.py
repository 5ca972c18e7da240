"""Author pages: who wrote or reviewed an article, and what else they wrote or reviewed."""

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.discovery.test_seo import read_page, structured
from tests.factories import make_article, make_author, make_draft, make_scheduled

pytestmark = pytest.mark.django_db

REVIEWED = datetime.date(2026, 3, 2)


def test_an_author_page_shows_who_they_are_and_their_published_articles(client):
    author = make_author(
        name="Maya Lindqvist", credentials="PhD, neuroscientist", bio="A decade in the lab."
    )
    make_article(title="Spines grew in mice", authors=[author])
    make_draft(title="Unfinished draft", authors=[author])
    make_scheduled(title="Out next week", authors=[author])
    make_article(title="Someone else's piece", authors=[make_author()])

    response = client.get(author.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<h1>Maya Lindqvist</h1>" in html
    assert "PhD, neuroscientist" in html
    assert "A decade in the lab." in html
    assert "Articles by Maya Lindqvist" in html
    assert "Spines grew in mice" in html
    for hidden in ("Unfinished draft", "Out next week", "Someone else&#x27;s piece"):
        assert hidden not in html
    assert "not medical advice" in html


def test_a_bio_of_two_paragraphs_keeps_them_wherever_the_author_appears(client):
    """The author page kept the blank line; the article and program pages ran the two
    paragraphs into one."""
    from tests.programs.factories import make_program

    author = make_author(bio="Ten years in the lab.\n\nNow writes about sleep & memory.")
    pages = [
        make_article(authors=[author]).get_absolute_url(),
        make_program(instructors=[author]).get_absolute_url(),
    ]
    for url in pages:
        assert (
            "Ten years in the lab.<br><br>Now writes about sleep &amp; memory."
            in client.get(url).content.decode()
        ), url


def test_someone_with_only_unpublished_work_has_no_page(client):
    author = make_author()
    make_draft(authors=[author])
    make_scheduled(reviewed_by=author, last_reviewed=datetime.date(2026, 3, 2))
    # Named as reviewer without a review date (a row from before the admin asked for
    # both), the article's page does not name them either.
    make_article(reviewed_by=author)
    assert client.get(author.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert client.get("/authors/no-such-person/").status_code == HTTPStatus.NOT_FOUND


def test_a_medical_reviewer_page_lists_the_articles_they_reviewed(client):
    reviewer = make_author(name="Dr. Samuel Okafor", credentials="MD, psychiatrist")
    make_article(title="Reviewed and live", reviewed_by=reviewer, last_reviewed=REVIEWED)
    make_draft(title="Reviewed draft", reviewed_by=reviewer, last_reviewed=REVIEWED)

    html = client.get(reviewer.get_absolute_url()).content.decode()

    assert "Medical reviewer" in html
    assert "Medically reviewed by Dr. Samuel Okafor" in html
    assert "Reviewed and live" in html
    assert "Reviewed draft" not in html
    assert "Articles by" not in html


def test_a_long_review_record_shows_the_newest_and_says_how_many_there_are(client):
    reviewer = make_author()
    now = timezone.now()
    for days in range(21):
        make_article(
            title=f"Reviewed {days} days ago",
            reviewed_by=reviewer,
            last_reviewed=REVIEWED,
            publish_at=now - datetime.timedelta(days=days + 1),
        )
    html = client.get(reviewer.get_absolute_url()).content.decode()
    assert "Reviewed 0 days ago" in html
    assert "Reviewed 19 days ago" in html
    assert "Reviewed 20 days ago" not in html
    assert "The 20 most recent of 21." in html


def test_bylines_reviews_and_author_notes_link_to_the_author_pages(client):
    writer = make_author(name="Maya Lindqvist")
    reviewer = make_author(name="Dr. Samuel Okafor")
    article = make_article(
        authors=[writer], reviewed_by=reviewer, last_reviewed=datetime.date(2026, 3, 2)
    )
    html = client.get(article.get_absolute_url()).content.decode()
    byline = html[html.index('class="article__byline"') :]
    assert f'<a class="author" href="{writer.get_absolute_url()}">Maya Lindqvist</a>' in byline
    review = html[html.index('class="article__review"') :]
    assert f'<a href="{reviewer.get_absolute_url()}">Dr. Samuel Okafor</a>' in review
    notes = html[html.index('class="about-authors"') :]
    assert f'<a href="{writer.get_absolute_url()}">Maya Lindqvist</a>' in notes
    for author in (writer, reviewer):
        assert client.get(author.get_absolute_url()).status_code == HTTPStatus.OK


def test_the_author_page_describes_a_person_to_search_engines(client):
    author = make_author(
        name="Maya Lindqvist", slug="maya", credentials="PhD", bio="Science writer."
    )
    make_article(authors=[author])
    page = read_page(client, author.get_absolute_url())
    profile = structured(page, "ProfilePage")
    assert profile["mainEntity"] == {
        "@type": "Person",
        "name": "Maya Lindqvist",
        "url": "http://testserver/authors/maya/",
        "honorificSuffix": "PhD",
        "description": "Science writer.",
    }
    assert page.meta["og:type"] == ["profile"]
    assert page.meta["description"] == ["Science writer."]


def test_the_author_page_takes_the_same_queries_however_much_they_wrote(
    client, django_assert_max_num_queries
):
    author = make_author()
    make_article(authors=[author], reviewed_by=author, last_reviewed=REVIEWED)
    with CaptureQueriesContext(connection) as few:
        client.get(author.get_absolute_url())
    for _ in range(25):
        make_article(authors=[author, make_author()], reviewed_by=author, last_reviewed=REVIEWED)
    with django_assert_max_num_queries(len(few) + 1):  # the count of a long review record
        assert client.get(author.get_absolute_url()).status_code == HTTPStatus.OK


def test_an_author_renamed_by_staff_keeps_their_old_address(client):
    author = make_author(slug="maya")
    make_article(authors=[author])
    author.slug = "maya-lindqvist"
    author.save()
    response = client.get("/authors/maya/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/authors/maya-lindqvist/"


def test_the_sitemap_lists_authors_of_published_articles_only(client):
    public = make_author(slug="public-author")
    make_article(authors=[public])
    hidden = make_author(slug="draft-only-author")
    make_draft(authors=[hidden])
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/authors/public-author/" in sitemap
    assert "draft-only-author" not in sitemap
