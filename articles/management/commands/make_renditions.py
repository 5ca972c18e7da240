from django.apps import apps
from django.core.management.base import BaseCommand

from articles.images import SafeImageField
from articles.renditions import make_renditions


class Command(BaseCommand):
    help = "Make any missing responsive renditions of every uploaded image."

    def handle(self, *args, **options):
        written = 0
        # Every image field, whichever app it is in: covers, author photos, programs.
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, SafeImageField):
                    for row in model.objects.exclude(**{field.name: ""}).only(field.name):
                        written += len(make_renditions(getattr(row, field.name)))
        self.stdout.write(f"Made {written} renditions.")
