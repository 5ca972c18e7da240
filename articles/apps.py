from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Publication"

    def ready(self):
        from . import page_cache, redirects, signals  # noqa: F401 - connects the receivers

        page_cache.connect_signals()
