import datetime
import json
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import image_file, make_article, make_author, make_source, make_topic
from tests.programs.factories import make_program

pytestmark = pytest.mark.django_db


class HeadParser(HTMLParser):
    """Collects what crawlers read: meta tags, link tags and JSON-LD blocks."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.json_ld, self.title = {}, [], [], ""
        self._in_json_ld = self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        self._in_json_ld = self._in_title = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))
        elif self._in_title:
            self.title += data


def read_page(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def one(parser, key):
    values = parser.meta.get(key, [])
    assert len(values) == 1, f"{key}: {values}"
    return values[0]


def canonical(parser):
    (link,) = [link for link in parser.links if link.get("rel") == "canonical"]
    return link["href"]


def structured(parser, schema_type):
    matches = [
        data
        for data in parser.json_ld
        if schema_type == data["@type"] or schema_type in data["@type"]
    ]
    assert len(matches) == 1, parser.json_ld
    return matches[0]


def test_article_page_title_description_and_canonical(client):
    article = make_article(
        title="Spines grew in mice", slug="spines", excerpt="What the Yale team found."
    )
    page = read_page(client, article.get_absolute_url())
    assert page.title == "Spines grew in mice · The Neuroplastic Review"
    assert one(page, "description") == "What the Yale team found."
    assert canonical(page) == "http://testserver/articles/spines/"
    assert one(page, "og:url") == "http://testserver/articles/spines/"


def test_search_description_overrides_the_excerpt(client):
    article = make_article(excerpt="Excerpt text.", seo_description="Written for search.")
    page = read_page(client, article.get_absolute_url())
    assert one(page, "description") == "Written for search."
    assert one(page, "og:description") == "Written for search."
    assert one(page, "twitter:description") == "Written for search."


def test_long_excerpt_is_cut_to_a_search_snippet_between_words(client):
    article = make_article(excerpt="neuroplasticity " * 20)
    description = one(read_page(client, article.get_absolute_url()), "description")
    assert len(description) <= 160
    assert description.endswith("neuroplasticity…")


def test_canonical_override_for_articles_that_first_appeared_elsewhere(client):
    article = make_article(canonical_url="https://journal.example/original")
    page = read_page(client, article.get_absolute_url())
    assert canonical(page) == "https://journal.example/original"
    assert structured(page, "Article")["url"] == "https://journal.example/original"


def test_canonical_of_list_pages_drops_stray_parameters_but_keeps_the_page(client):
    for _ in range(11):
        make_article()
    first = read_page(client, reverse("articles:list") + "?utm_source=mail")
    assert canonical(first) == "http://testserver/articles/"
    second = read_page(client, reverse("articles:list") + "?page=2&utm_source=mail")
    assert canonical(second) == "http://testserver/articles/?page=2"


def test_sharing_tags_carry_a_sized_cover_image(client):
    """Link previews get a 1200-pixel JPEG rendition with its size and alt text."""
    article = make_article(
        title="Spines",
        cover_image=image_file("cover.png", size=(2000, 1000)),
        cover_alt="A neuron under a microscope",
    )
    page = read_page(client, article.get_absolute_url())
    assert one(page, "og:type") == "article"
    assert one(page, "og:title") == "Spines"
    image_url = one(page, "og:image")
    assert image_url.startswith("http://testserver/media/renditions/covers/cover")
    assert image_url.endswith("-1200w.jpg")
    assert one(page, "og:image:width") == "1200"
    assert one(page, "og:image:height") == "600"
    assert one(page, "og:image:alt") == "A neuron under a microscope"
    assert one(page, "twitter:card") == "summary_large_image"
    assert one(page, "twitter:image") == image_url
    assert default_storage.exists(image_url.removeprefix("http://testserver/media/"))


def test_small_cover_is_shared_at_its_own_size(client):
    article = make_article(cover_image=image_file("small.png", size=(640, 360)), cover_alt="x")
    page = read_page(client, article.get_absolute_url())
    assert one(page, "og:image").endswith("-640w.jpg")
    assert (one(page, "og:image:width"), one(page, "og:image:height")) == ("640", "360")


def test_article_without_cover_gets_a_plain_summary_card(client):
    page = read_page(client, make_article().get_absolute_url())
    assert "og:image" not in page.meta
    assert one(page, "twitter:card") == "summary"


def test_article_json_ld_has_authors_dates_review_and_citations(client):
    reviewer = make_author(
        name="Dr. Samuel Okafor", slug="samuel-okafor", credentials="MD, psychiatrist"
    )
    writer = make_author(name="Maya Lindqvist", slug="maya-lindqvist", credentials="PhD")
    topic = make_topic(name="Neuroplasticity", slug="neuroplasticity")
    article = make_article(
        title="Spines grew in mice",
        slug="spines",
        authors=[writer],
        topics=[topic],
        reviewed_by=reviewer,
        last_reviewed=datetime.date(2026, 3, 2),
        cover_image=image_file("cover.png", size=(1600, 900)),
        cover_alt="A neuron",
    )
    make_source(
        article,
        title="Psilocybin induces rapid and persistent growth of dendritic spines",
        publisher="Neuron",
        url="https://www.cell.com/neuron/fulltext/S0896-6273(21)00521-X",
        doi="10.1016/j.neuron.2021.06.008",
        pubmed_id="34228959",
    )
    make_source(article, title="Campus news", publisher="Yale News", study_type="news", url="")

    data = structured(read_page(client, article.get_absolute_url()), "Article")

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == ["Article", "MedicalWebPage"]
    assert data["headline"] == "Spines grew in mice"
    assert data["mainEntityOfPage"] == "http://testserver/articles/spines/"
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Maya Lindqvist",
            "url": "http://testserver/authors/maya-lindqvist/",
            "honorificSuffix": "PhD",
        }
    ]
    assert datetime.datetime.fromisoformat(data["datePublished"]) == article.publish_at
    assert datetime.datetime.fromisoformat(data["dateModified"]) >= article.publish_at
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr. Samuel Okafor",
        "url": "http://testserver/authors/samuel-okafor/",
        "honorificSuffix": "MD, psychiatrist",
    }
    assert data["lastReviewed"] == "2026-03-02"
    assert data["publisher"]["name"] == "The Neuroplastic Review"
    assert data["image"][0]["width"] == 1200
    assert data["image"][0]["height"] == 675
    assert data["keywords"] == ["Neuroplasticity"]
    study, news = data["citation"]
    assert study == {
        "@type": "ScholarlyArticle",
        "name": "Psilocybin induces rapid and persistent growth of dendritic spines",
        "publisher": {"@type": "Organization", "name": "Neuron"},
        "url": "https://www.cell.com/neuron/fulltext/S0896-6273(21)00521-X",
        "sameAs": [
            "https://doi.org/10.1016/j.neuron.2021.06.008",
            "https://pubmed.ncbi.nlm.nih.gov/34228959/",
        ],
    }
    assert news == {
        "@type": "NewsArticle",
        "name": "Campus news",
        "publisher": {"@type": "Organization", "name": "Yale News"},
    }


def test_article_json_ld_leaves_out_review_and_citations_when_there_are_none(client):
    data = structured(read_page(client, make_article().get_absolute_url()), "Article")
    for absent in ["reviewedBy", "lastReviewed", "citation", "image", "keywords"]:
        assert absent not in data
    assert data["author"]["@type"] == "Organization"


def test_article_breadcrumbs_lead_home_through_its_first_topic(client):
    topic = make_topic(name="Microdosing", slug="microdosing")
    article = make_article(title="Small doses", slug="small-doses", topics=[topic])
    data = structured(read_page(client, article.get_absolute_url()), "BreadcrumbList")
    assert [(item["position"], item["name"], item["item"]) for item in data["itemListElement"]] == [
        (1, "Home", "http://testserver/"),
        (2, "Microdosing", "http://testserver/topics/microdosing/"),
        (3, "Small doses", "http://testserver/articles/small-doses/"),
    ]


def test_topic_page_has_breadcrumbs_and_its_own_title(client):
    topic = make_topic(name="Microdosing", slug="microdosing", description="Small doses.")
    page = read_page(client, topic.get_absolute_url())
    assert one(page, "og:title") == "Microdosing · The Neuroplastic Review"
    assert one(page, "og:description") == "Small doses."
    names = [item["name"] for item in structured(page, "BreadcrumbList")["itemListElement"]]
    assert names == ["Home", "Microdosing"]


def test_each_page_of_a_topic_has_a_title_of_its_own(client):
    """Search engines treat pages with one title as duplicates of each other."""
    topic = make_topic(name="Microdosing", slug="microdosing")
    for _ in range(11):
        make_article(topics=[topic])
    second = client.get(topic.get_absolute_url() + "?page=2").content.decode()
    assert "<title>Microdosing (page 2) · The Neuroplastic Review</title>" in second
    page = read_page(client, topic.get_absolute_url() + "?page=2")
    assert one(page, "og:title") == "Microdosing (page 2) · The Neuroplastic Review"


def test_home_page_describes_the_website_and_its_search(client):
    page = read_page(client, reverse("articles:home"))
    data = structured(page, "WebSite")
    assert data["name"] == "The Neuroplastic Review"
    assert data["url"] == "http://testserver/"
    action = data["potentialAction"]
    assert action["@type"] == "SearchAction"
    template = action["target"]["urlTemplate"]
    assert template == "http://testserver/search/?q={search_term}"
    assert action["query-input"] == "required name=search_term"
    response = client.get(template.replace("{search_term}", "psilocybin"))
    assert response.status_code == HTTPStatus.OK
    assert canonical(page) == "http://testserver/"
    assert one(page, "og:type") == "website"


def test_json_ld_cannot_be_broken_out_of_by_a_title(client):
    """A title with a closing script tag stays inside the JSON-LD block."""
    article = make_article(title="</script><script>alert(1)</script> & more")
    content = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in content
    page = read_page(client, article.get_absolute_url())
    assert structured(page, "Article")["headline"] == "</script><script>alert(1)</script> & more"


def test_article_page_queries_stay_constant_with_seo_data(client, django_assert_max_num_queries):
    """Authors, topics and sources for the JSON-LD come from the page's own prefetches."""

    def make(count):
        article = make_article(
            authors=[make_author() for _ in range(count)],
            topics=[make_topic() for _ in range(count)],
            reviewed_by=make_author(),
        )
        for _ in range(count):
            make_source(article)
        return article

    with CaptureQueriesContext(connection) as small:
        client.get(make(1).get_absolute_url())
    large = make(6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(large.get_absolute_url())


def test_every_page_gives_search_engines_and_sharing_cards_one_description(client):
    """The meta description and the Open Graph and Twitter ones are the same text, cut
    to a snippet, on each kind of page."""
    topic = make_topic(name="Microdosing", description="Small doses. " * 30)
    program = make_program(summary="A long summary of what the course covers. " * 10)
    for url in [
        "/",
        "/articles/",
        topic.get_absolute_url(),
        "/programs/",
        program.get_absolute_url(),
        make_article(topics=[topic]).get_absolute_url(),
    ]:
        page = read_page(client, url)
        description = one(page, "description")
        assert 0 < len(description) <= 160, url
        assert one(page, "og:description") == description, url
        assert one(page, "twitter:description") == description, url
