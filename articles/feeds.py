"""RSS 2.0 and Atom feeds of the latest published articles, for the site and per topic."""

import copy
import mimetypes
import uuid

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Article, Publication, Topic

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    """The newest published articles: title, summary, authors, topics and cover image."""

    def __call__(self, request, *args, **kwargs):
        # Django keeps one feed object for all requests; a copy per request can hold the
        # request (for absolute image URLs) without threads seeing each other's.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def title(self):
        return Publication.load().site_name

    def description(self):
        return Publication.load().tagline

    def link(self):
        return reverse("articles:home")

    def feed_url(self):
        return reverse("articles:feed")

    def articles(self):
        return (
            Article.objects.published().for_listing().with_authors().order_by("-publish_at", "-pk")
        )

    def items(self):
        return self.articles()[:FEED_LENGTH]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        # Feed readers read an RSS description, and an Atom summary of type "html", as
        # HTML: the summary is text, so it goes escaped ("a <b>" stays words, not a tag).
        return escape(article.summary)

    def item_author_name(self, article):
        return ", ".join(author.name for author in article.ordered_authors()) or None

    def item_categories(self, article):
        return [topic.name for topic in article.topics.all()]

    # An address changes with a renamed slug, or a site reached by two names; a feed
    # reader would show the article again as new. The id is the article's own.
    item_guid_is_permalink = False

    def item_guid(self, article):
        name = f"article/{article.pk}/{article.created_at.timestamp():.0f}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return article.last_changed

    def item_enclosure_url(self, article):
        if not article.cover_image:
            return None
        return self.request.build_absolute_uri(article.cover_image.url)

    def item_enclosure_length(self, article):
        # Feed readers only use the length as a hint; a missing file must not break the feed.
        try:
            return article.cover_image.size if article.cover_image else None
        except OSError:
            return 0

    def item_enclosure_mime_type(self, article):
        if not article.cover_image:
            return None
        return mimetypes.guess_type(article.cover_image.name)[0] or "application/octet-stream"


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()

    def author_name(self):
        # Atom needs an author for every entry: the publication stands in for entries
        # that name none.
        return Publication.load().site_name

    def feed_url(self):
        return reverse("articles:feed_atom")


class TopicArticlesFeed(LatestArticlesFeed):
    """The newest published articles on one topic."""

    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return f"{topic.name} · {Publication.load().site_name}"

    def description(self, topic):
        return topic.description or f"The latest articles on {topic.name}."

    def link(self, topic):
        return topic.get_absolute_url()

    def feed_url(self, topic):
        return reverse("articles:topic_feed", args=[topic.slug])

    def items(self, topic):
        return self.articles().filter(topics=topic)[:FEED_LENGTH]
