from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from articles.backups import BackupError, site_export


class Command(BaseCommand):
    help = (
        "Write every row of the database to one compressed file that `import_site` loads "
        "into another database (from SQLite to PostgreSQL). Stop the site first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output", help="The file to write, ending in .json.xz (or .json.gz, .json)."
        )

    def handle(self, *args, output, **options):
        try:
            written = site_export(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = filesizeformat(written.stat().st_size)
        self.stdout.write(self.style.SUCCESS(f"Site exported to {written} ({size})."))
