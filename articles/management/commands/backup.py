from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from articles.backups import BackupError, backup_create, media_is_local


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the SQLite database and all uploaded media into one "
        "dated archive (var/backups/ by default). Safe while the site is serving."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", help="Folder for the archive (default: BACKUP_DIR, var/backups)."
        )
        parser.add_argument(
            "--media-only",
            action="store_true",
            help="Archive only the media files (for a PostgreSQL site backed up with pg_dump).",
        )

    def handle(self, *args, output_dir=None, media_only=False, verbosity=1, **options):
        if media_only and not media_is_local():
            # Nothing here to archive is no failure: the README's nightly script for a
            # PostgreSQL site goes on to delete old dumps only if this succeeds.
            if verbosity:
                self.stdout.write(
                    "The uploaded files are in object storage: nothing to archive here. "
                    "Back up the bucket with the storage provider's own tools."
                )
            return
        try:
            archive = backup_create(destination=output_dir, media_only=media_only)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if verbosity == 0:
            return  # run by cron, which mails whatever a job prints: only failures
        size = filesizeformat(archive.stat().st_size)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {archive} ({size})."))
        if not media_is_local():
            self.stdout.write(
                "The uploaded files are in object storage and not in this archive: back up "
                "the bucket with the storage provider's own tools."
            )
