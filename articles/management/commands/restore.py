import contextlib
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from articles.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Bring back the database and media from an archive made by `manage.py backup`. "
        "Stop the site first. A site that already has content is only replaced with --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz file written by `manage.py backup`.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace this site's database even though it has content.",
        )
        parser.add_argument(
            "--media-only",
            action="store_true",
            help="Restore only the media files (for a PostgreSQL site restored with pg_restore).",
        )

    def handle(self, *args, archive, replace=False, media_only=False, **options):
        try:
            result = backup_restore(archive=archive, replace=replace, media_only=media_only)
        except BackupError as error:
            raise CommandError(str(error)) from error
        restored = (
            f"the database ({result.articles} article{pluralize(result.articles)}, "
            f"{result.users} user account{pluralize(result.users)}) and "
            if result.database_restored
            else ""
        )
        made = result.created_at
        with contextlib.suppress(ValueError):
            made = f"{datetime.datetime.fromisoformat(made):%d %b %Y %H:%M} UTC"
        if result.media_files is None:
            media = "no media files (they are in object storage)"
        else:
            media = f"{result.media_files} media file{pluralize(result.media_files)}"
        self.stdout.write(
            self.style.SUCCESS(f"Restored {restored}{media} from {result.archive}, made {made}.")
        )
        if result.safety_copy:
            self.stdout.write(
                f"The database as it was before is kept in {result.safety_copy}: "
                f"`manage.py restore --replace {result.safety_copy}` brings it back."
            )
