from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import feeds, views
from .sitemaps import SITEMAPS

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.ArticleListView.as_view(), name="list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("topics/<slug:slug>/", views.TopicArticleListView.as_view(), name="topic"),
    path("authors/<slug:slug>/", views.AuthorArticleListView.as_view(), name="author"),
    path("topics/<slug:slug>/feed/", feeds.TopicArticlesFeed(), name="topic_feed"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("search/", views.search, name="search"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
]
