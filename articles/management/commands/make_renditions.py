from django.core.management.base import BaseCommand

from articles.models import Article, Author
from articles.renditions import make_renditions


class Command(BaseCommand):
    help = "Make any missing responsive renditions of cover images and author photos."

    def handle(self, *args, **options):
        written = 0
        for article in Article.objects.exclude(cover_image="").only("cover_image"):
            written += len(make_renditions(article.cover_image))
        for author in Author.objects.exclude(photo="").only("photo"):
            written += len(make_renditions(author.photo))
        self.stdout.write(f"Made {written} renditions.")
