from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Publication"

    def ready(self):
        from . import page_cache, redirects, signals  # noqa: F401 - connects the receivers

        page_cache.connect_signals()

        from django.db.models.signals import post_migrate

        from .roles import ensure_staff_roles

        # After every app's migrations, when all permissions exist.
        post_migrate.connect(ensure_staff_roles, dispatch_uid="articles.staff_roles")
