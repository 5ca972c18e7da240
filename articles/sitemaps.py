"""The sitemap: every page readers can reach, never a draft or a scheduled item."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Greatest
from django.urls import reverse

from .models import Article, Author, Topic


class ArticleSitemap(Sitemap):
    def items(self):
        return (
            Article.objects.published()
            .only("slug", "updated_at", "publish_at")
            .order_by("-publish_at", "-pk")
        )

    def lastmod(self, article):
        return article.last_changed


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


class AuthorSitemap(Sitemap):
    """Authors and reviewers of published articles."""

    def items(self):
        return Author.objects.published().only("slug").order_by("name", "pk")


class ProgramSitemap(Sitemap):
    def items(self):
        from programs.models import Program

        return Program.objects.published().only("slug", "updated_at").order_by("sort_order", "pk")

    def lastmod(self, program):
        return program.updated_at


class ListPageSitemap(Sitemap):
    """The list pages, which change whenever something on them is published or edited."""

    def items(self):
        from programs.models import Program

        latest = Article.objects.published().order_by("-publish_at", "-pk").first()
        articles_changed = latest.last_changed if latest else None
        programs_changed = Program.objects.published().aggregate(Max("updated_at"))
        return [
            ("articles:home", articles_changed),
            ("articles:list", articles_changed),
            ("programs:list", programs_changed["updated_at__max"]),
        ]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


SITEMAPS = {
    "pages": ListPageSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "authors": AuthorSitemap,
    "programs": ProgramSitemap,
}
