from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from articles import demo as article_demo
from articles.models import Article
from comments import demo as comment_demo
from programs import demo as program_demo


class Command(BaseCommand):
    help = "Fill the site with demo content (articles, programs, comments). Safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has an article.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Article.objects.exists():
            self.stdout.write("The database already has content; no demo content added.")
            return
        # `make run` on a production site's fresh database must not publish made-up
        # articles and programs; asked for by name, the content is added all the same.
        if if_empty and settings.PRODUCTION:
            self.stdout.write(
                "PRODUCTION=true: no demo content added (run `manage.py seed_demo` to add it)."
            )
            return
        with transaction.atomic():
            for seed in self.seeders():
                seed()
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))

    def seeders(self):
        # Each app contributes its own demo content, in dependency order.
        return [article_demo.seed, program_demo.seed, comment_demo.seed]
