import datetime
from http import HTTPStatus

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    image_file,
    make_article,
    make_author,
    make_draft,
    make_scheduled,
    make_topic,
)

pytestmark = pytest.mark.django_db

FEEDS = [
    ("articles:feed", "rss20"),
    ("articles:feed_atom", "atom10"),
]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.mark.parametrize(("url_name", "version"), FEEDS)
def test_feed_lists_published_articles_with_summary_author_topics_and_cover(
    client, url_name, version
):
    """A feed reader sees the title, summary, byline, topics and cover of each article."""
    topic = make_topic(name="Neuroplasticity")
    author = make_author(name="Maya Lindqvist")
    article = make_article(
        title="Spines grew in mice",
        excerpt="One dose, lasting change.",
        topics=[topic],
        authors=[author],
        cover_image=image_file("cover.png"),
        cover_alt="A neuron",
    )
    _, feed = parse(client, reverse(url_name))

    assert feed.version == version
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.title == "Spines grew in mice"
    assert entry.summary == "One dose, lasting change."
    assert entry.author == "Maya Lindqvist"
    assert [tag.term for tag in entry.tags] == ["Neuroplasticity"]
    assert entry.link == "http://testserver" + article.get_absolute_url()
    enclosure = entry.enclosures[0]
    assert enclosure.href.startswith("http://testserver/media/covers/cover")
    assert enclosure.type == "image/png"
    assert int(enclosure.length) > 0


@pytest.mark.parametrize(("url_name", "version"), FEEDS)
def test_feed_leaves_out_drafts_and_scheduled_articles(client, url_name, version):
    make_article(title="Live piece")
    make_draft(title="Secret draft")
    make_scheduled(title="Future piece")
    _, feed = parse(client, reverse(url_name))
    assert [entry.title for entry in feed.entries] == ["Live piece"]


@pytest.mark.parametrize(("url_name", "version"), FEEDS)
def test_a_renamed_article_is_not_new_to_feed_readers(client, url_name, version):
    """Readers keep track of entries by id: one that changed with the address would
    come back as unread."""
    article = make_article(slug="first-address")
    _, before = parse(client, reverse(url_name))
    article.slug = "second-address"
    article.save()
    _, after = parse(client, reverse(url_name))
    assert after.entries[0].link.endswith("/second-address/")
    assert after.entries[0].id == before.entries[0].id
    assert "first-address" not in before.entries[0].id


@pytest.mark.parametrize(("url_name", "version"), FEEDS)
def test_feed_with_no_articles_is_still_valid(client, url_name, version):
    _, feed = parse(client, reverse(url_name))
    assert feed.version == version
    assert feed.entries == []
    assert feed.feed.title


def test_feed_carries_the_latest_twenty_newest_first(client, django_assert_max_num_queries):
    now = timezone.now()
    topic = make_topic()
    for days in range(1, 24):
        make_article(
            title=f"Day {days}",
            topics=[topic],
            authors=[make_author()],
            publish_at=now - datetime.timedelta(days=days),
        )
    with django_assert_max_num_queries(8):
        _, feed = parse(client, reverse("articles:feed"))
    assert [entry.title for entry in feed.entries] == [f"Day {days}" for days in range(1, 21)]


def test_topic_feed_holds_only_that_topics_articles(client):
    topic = make_topic(name="Microdosing", slug="microdosing")
    make_article(title="On topic", topics=[topic])
    make_article(title="Elsewhere", topics=[make_topic()])
    make_draft(title="Draft on topic", topics=[topic])
    _, feed = parse(client, reverse("articles:topic_feed", args=["microdosing"]))
    assert feed.feed.title.startswith("Microdosing")
    assert [entry.title for entry in feed.entries] == ["On topic"]


def test_topic_feed_of_an_unknown_topic_is_404(client):
    response = client.get(reverse("articles:topic_feed", args=["no-such-topic"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_pages_advertise_the_feeds(client):
    """Browsers and feed readers find the feeds from any page, and a topic's own feed
    from the topic page."""
    topic = make_topic(slug="grief")
    home = client.get(reverse("articles:home")).content.decode()
    rss = reverse("articles:feed")
    assert f'type="application/rss+xml" title="The Neuroplastic Review" href="{rss}"' in home
    assert 'type="application/atom+xml" title="The Neuroplastic Review (Atom)"' in home
    topic_page = client.get(topic.get_absolute_url()).content.decode()
    assert f'href="{reverse("articles:topic_feed", args=["grief"])}"' in topic_page


def test_every_page_links_to_the_feeds_where_readers_can_see_it(client):
    """Browsers no longer show a page's feeds: the footer names them for readers."""
    footer = client.get(reverse("articles:list")).content.decode().split('class="site-footer"')[1]
    assert f'<a href="{reverse("articles:feed")}">RSS</a>' in footer
    assert f'<a href="{reverse("articles:feed_atom")}">Atom</a>' in footer


def test_atom_entries_without_authors_are_credited_to_the_publication(client):
    """Atom (RFC 4287) needs an author for every entry, from the entry or the feed."""
    make_article(title="Written by the desk")
    make_article(title="Signed", authors=[make_author(name="Maya Lindqvist")])
    _, feed = parse(client, reverse("articles:feed_atom"))
    assert feed.feed.author == "The Neuroplastic Review"
    authors = {entry.title: entry.get("author") for entry in feed.entries}
    assert authors["Signed"] == "Maya Lindqvist"
    assert authors["Written by the desk"] in (None, "The Neuroplastic Review")


@pytest.mark.parametrize(("url_name", "version"), FEEDS)
def test_markup_quoted_in_an_article_is_text_in_feed_readers(client, url_name, version):
    """Feed readers render descriptions as HTML: a tag written about, in the body or the
    excerpt, must reach them as words, never as a tag."""
    make_article(
        excerpt="",
        body="<p>Writing about markup: &lt;img src=x onerror=alert(1)&gt; is text.</p>",
    )
    make_article(excerpt="Dose <b>and</b> response", publish_at=timezone.now())
    _, feed = parse(client, reverse(url_name))
    summaries = sorted(entry.summary for entry in feed.entries)
    assert summaries == [
        "Dose &lt;b&gt;and&lt;/b&gt; response",
        "Writing about markup: &lt;img src=x onerror=alert(1)&gt; is text.",
    ]
