from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from articles.images import SafeImageField
from articles.renditions import make_renditions


class Command(BaseCommand):
    help = "Make any missing responsive renditions of every uploaded image."

    def handle(self, *args, **options):
        written, unreadable = 0, []
        # Every image field, whichever app it is in: covers, author photos, programs.
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, SafeImageField):
                    for row in model.objects.exclude(**{field.name: ""}).only(field.name):
                        image = getattr(row, field.name)
                        # One missing or damaged original (after restoring old media, say)
                        # must not leave every image after it without renditions.
                        try:
                            written += len(make_renditions(image))
                        except Exception as error:  # each storage raises its own kind
                            unreadable.append(image.name)
                            self.stderr.write(f"Could not read {image.name}: {error}")
        self.stdout.write(f"Made {written} renditions.")
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} image(s) could not be read; their pages show them "
                "without renditions until the files are put back."
            )
