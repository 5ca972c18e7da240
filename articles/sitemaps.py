"""The sitemap: every page readers can reach, never a draft or a scheduled item."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Greatest
from django.urls import reverse

from .models import Article, Topic


def _last_change(article):
    # A scheduled article appears at its publication time, which may come after its last edit.
    return max(article.updated_at, article.publish_at)


class ArticleSitemap(Sitemap):
    def items(self):
        return (
            Article.objects.published()
            .only("slug", "updated_at", "publish_at")
            .order_by("-publish_at", "-pk")
        )

    def lastmod(self, article):
        return _last_change(article)


class TopicSitemap(Sitemap):
    """Topics with at least one published article: an empty topic page is not worth a visit."""

    def items(self):
        return (
            Topic.objects.filter(articles__in=Article.objects.published())
            .annotate(last_change=Max(Greatest("articles__updated_at", "articles__publish_at")))
            .order_by("name")
        )

    def lastmod(self, topic):
        return topic.last_change


class ListPageSitemap(Sitemap):
    """The home page and the article list change whenever an article is published."""

    url_names = ["articles:home", "articles:list"]

    def items(self):
        latest = Article.objects.published().order_by("-publish_at", "-pk").first()
        last_change = _last_change(latest) if latest else None
        return [(url_name, last_change) for url_name in self.url_names]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


SITEMAPS = {
    "pages": ListPageSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
}
