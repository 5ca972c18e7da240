from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from articles.backups import BackupError, database_label, site_import


class Command(BaseCommand):
    help = (
        "Load a file written by `export_site` into this site's database (DATABASE_URL), "
        "replacing what is there. A database that already has content is only replaced "
        "with --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The file written by `manage.py export_site`.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace this database's content even though it has articles or users.",
        )

    def handle(self, *args, source, replace=False, **options):
        try:
            articles, users = site_import(source=source, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {source} into the {database_label()}: "
                f"{articles} article{pluralize(articles)}, "
                f"{users} user account{pluralize(users)}."
            )
        )
