"""Backups of the whole site: the SQLite database and the uploaded media in one archive.

The database is copied with SQLite's online backup API, which reads one consistent
snapshot while the site goes on serving and writing (in WAL mode readers never block the
writer). A PostgreSQL site is backed up with pg_dump instead (see the README); its media
can still be archived here with `media_only`.

An archive is a gzipped tar file:

    manifest.json   what is inside, when it was made, the migrations it was made with
    db.sqlite3      the database snapshot (absent with `media_only`)
    media/...       every file under MEDIA_ROOT
"""

import contextlib
import datetime
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import DatabaseError, connections, transaction

from articles.page_cache import invalidate

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = "db.sqlite3"
MEDIA_MEMBER = "media"


class BackupError(Exception):
    """Something the person running the command can act on; the message says what."""


@dataclass
class RestoreResult:
    archive: Path
    created_at: str
    database_restored: bool
    media_files: int | None  # None: media are in object storage and were left alone
    articles: int
    users: int
    safety_copy: Path | None = None  # the database as it was, when --replace overwrote one


def sqlite_path() -> Path | None:
    """The database file, or None when the database is not SQLite."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return None
    return Path(database["NAME"])


def media_is_local() -> bool:
    """Whether uploads are files under MEDIA_ROOT (not in object storage)."""
    return isinstance(default_storage, FileSystemStorage)


def backup_create(
    *, destination: Path | None = None, media_only: bool = False, database_only: bool = False
) -> Path:
    """Write a dated archive of the database and the media into `destination`
    (BACKUP_DIR by default) and return its path. The archive appears only when complete;
    a failed one leaves nothing behind to fill the disk night after night."""
    database_file = sqlite_path()
    if database_file is None and not media_only:
        raise BackupError(
            "This site's database is PostgreSQL: back it up with pg_dump (see the README's "
            "Security section). `backup --media-only` archives the uploaded files."
        )
    if media_only and not media_is_local():
        raise BackupError(
            "The uploaded files are in object storage, not under MEDIA_ROOT: back up the "
            "bucket with the storage provider's own tools (versioning or replication)."
        )
    destination = Path(destination or settings.BACKUP_DIR)
    destination.mkdir(parents=True, exist_ok=True)
    os.chmod(destination, 0o700)  # the archive holds e-mail addresses and password hashes
    created_at = datetime.datetime.now(tz=datetime.UTC)
    archive = destination / f"backup-{created_at:%Y-%m-%d-%H%M%S}.tar.gz"
    # Written under a name of its own: two backups begun in the same second (cron's and
    # one run by hand) would otherwise write into one file, and leave a broken archive.
    handle, partial_name = tempfile.mkstemp(
        prefix=f"{archive.name}.", suffix=".partial", dir=destination
    )
    os.close(handle)
    partial = Path(partial_name)
    media_root = Path(settings.MEDIA_ROOT)
    with_media = media_is_local() and not database_only
    try:
        with tempfile.TemporaryDirectory(dir=destination) as workspace:
            manifest = {
                "format": ARCHIVE_FORMAT,
                "created_at": created_at.isoformat(),
                "database": None if media_only else DATABASE_MEMBER,
                "media": MEDIA_MEMBER if with_media else None,
            }
            with tarfile.open(partial, "w:gz") as tar:
                os.chmod(partial, 0o600)
                if not media_only:
                    snapshot = Path(workspace) / DATABASE_MEMBER
                    manifest["migrations"] = _snapshot_sqlite(database_file, snapshot)
                    tar.add(snapshot, arcname=DATABASE_MEMBER)
                if with_media and media_root.is_dir():
                    tar.add(media_root, arcname=MEDIA_MEMBER, filter=_regular_files_only)
                manifest_file = Path(workspace) / MANIFEST
                manifest_file.write_text(json.dumps(manifest, indent=2))
                tar.add(manifest_file, arcname=MANIFEST)
        partial.replace(archive)
    finally:
        partial.unlink(missing_ok=True)
    return archive


def _snapshot_sqlite(source_file: Path, snapshot: Path) -> dict:
    if not source_file.is_file():
        raise BackupError(f"There is no database at {source_file}: nothing to back up.")
    source = sqlite3.connect(source_file, timeout=30)
    target = sqlite3.connect(snapshot)
    try:
        # All pages in one step: a single read transaction, so one consistent snapshot.
        source.backup(target)
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The database snapshot failed its integrity check: {check}")
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        rows = target.execute(
            "SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app"
        ).fetchall()
    finally:
        target.close()
        source.close()
    return dict(rows)


def _regular_files_only(member: tarfile.TarInfo):
    # Symbolic links or devices under MEDIA_ROOT would point outside it on restore.
    return member if member.isfile() or member.isdir() else None


def backup_restore(*, archive: Path, replace: bool = False, media_only: bool = False):
    """Bring back the database and the media files from `archive`.

    Refuses to overwrite a site that has content unless `replace` is given. Media files
    already there are kept; files of the same name are overwritten. Migrations run
    afterwards, so a backup made with older code fits the code now running.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"There is no file {archive}.")
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{archive} is not a backup archive ({error}).") from error
    safety_copy = None
    with tar, tempfile.TemporaryDirectory() as workspace:
        manifest = _read_manifest(tar, archive)
        restore_database = bool(manifest.get("database")) and not media_only
        if restore_database and sqlite_path() is None:
            raise BackupError(
                "This site's database is PostgreSQL and the archive holds a SQLite "
                "database. Restore PostgreSQL from its pg_dump file (see the README); "
                "`restore --media-only` brings back the media files."
            )
        if media_only and not media_is_local():
            raise BackupError(
                "The uploaded files are in object storage, not under MEDIA_ROOT: copy the "
                "archive's media/ folder into the bucket with the provider's tools (see the "
                "README's Backups section)."
            )
        if restore_database and not replace:
            _refuse_to_overwrite_content("Restoring replaces the whole database with the backup's")
        try:
            members = _safe_members(tar, archive)
            _extract(tar, members, Path(workspace))
        except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
            raise BackupError(
                f"{archive} is damaged (cut short in a copy, or corrupted): {error}. "
                "Nothing was changed; try another copy of it or an earlier backup."
            ) from error
        if restore_database:
            snapshot = Path(workspace) / DATABASE_MEMBER
            _check_snapshot(snapshot, archive)
            if any(_content_counts()):
                # --replace was given: the site as it was stays one command away.
                safety_copy = backup_create(database_only=True)
            _restore_sqlite(snapshot, sqlite_path())
            call_command("migrate", interactive=False, verbosity=0)
        # With object storage the archive's files (from the days of local media) would
        # land in a folder nothing reads: they are left to the operator, as the command says.
        media_files = (
            _restore_media(Path(workspace) / MEDIA_MEMBER, Path(settings.MEDIA_ROOT))
            if media_is_local()
            else None
        )
    # Pages, threads and site-wide rows cached before (in Redis, say) show the old site.
    invalidate()
    articles, users = _content_counts()
    return RestoreResult(
        archive=archive,
        created_at=manifest.get("created_at", "?"),
        database_restored=restore_database,
        media_files=media_files,
        articles=articles or 0,
        users=users or 0,
        safety_copy=safety_copy,
    )


def _read_manifest(tar, archive):
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            f"{archive} is damaged (cut short in a copy, or corrupted): {error}. "
            "Nothing was changed; try another copy of it or an earlier backup."
        ) from error
    except (KeyError, AttributeError, ValueError) as error:
        raise BackupError(f"{archive} is not a backup made by `manage.py backup`.") from error
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{archive} is a backup in a format this version cannot read.")
    return manifest


def _safe_members(tar, archive):
    """Only the manifest, the database and plain files under media/: nothing that could
    land outside the folders it belongs in."""
    members = []
    for member in tar.getmembers():
        path = PurePosixPath(member.name)
        allowed = path.parts and (
            member.name in {MANIFEST, DATABASE_MEMBER} or path.parts[0] == MEDIA_MEMBER
        )
        if (
            not allowed
            or path.is_absolute()
            or ".." in path.parts
            or not (member.isfile() or member.isdir())
        ):
            raise BackupError(f"{archive} contains {member.name!r}, which no backup holds.")
        members.append(member)
    return members


def _extract(tar, members, workspace):
    if hasattr(tarfile, "data_filter"):
        tar.extractall(workspace, members=members, filter="data")
    else:  # Python before 3.11.4: the members were checked above
        tar.extractall(workspace, members=members)  # noqa: S202


def _content_counts():
    from articles.models import Article

    try:
        return Article.objects.count(), get_user_model().objects.count()
    except DatabaseError:
        return None, None  # no tables yet: an empty site


def _refuse_to_overwrite_content(consequence):
    articles, users = _content_counts()
    if articles or users:
        raise BackupError(
            f"The {database_label()} already has {articles} article(s) and {users} user "
            f"account(s). {consequence}: run the command again with --replace to confirm."
        )


def _check_snapshot(snapshot: Path, archive: Path):
    """Refuse a database that is not whole before the site's own is touched."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)) as db:
            check = db.execute("PRAGMA integrity_check").fetchone()[0]
            db.execute("SELECT count(*) FROM django_migrations").fetchone()
    except sqlite3.DatabaseError as error:
        check = str(error)
    if check != "ok":
        raise BackupError(
            f"The database in {archive} is damaged ({check}). Nothing was changed; try "
            "another copy of it or an earlier backup."
        )


def _restore_sqlite(snapshot: Path, database_file: Path):
    connections.close_all()
    # Made by this command on a new machine, the file and its folder would take the
    # shell's umask (readable by all); they hold e-mail addresses and password hashes.
    database_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(database_file, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(database_file, 0o600)
    source = sqlite3.connect(snapshot)
    target = sqlite3.connect(database_file, timeout=30)
    try:
        # Through SQLite itself rather than a file copy: safe beside a WAL file, and
        # other connections see either the old database or the restored one.
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_media(source: Path, media_root: Path) -> int:
    count = 0
    if not source.is_dir():
        return count
    for file in source.rglob("*"):
        if file.is_file():
            target = media_root / file.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
            count += 1
    return count


# --- Moving to another database ---------------------------------------------------------

# Made afresh by `migrate` in the new database, with other ids: rows refer to them by name.
REBUILT_BY_MIGRATE = ["contenttypes", "auth.permission"]
# What dumpdata writes; it would write other names uncompressed, under another name.
EXPORT_SUFFIXES = (".json", ".json.gz", ".json.xz")


def site_export(*, output: Path | str) -> Path:
    """Write every row of this site's database to `output`, in a form any database Django
    supports can load: the way from SQLite to PostgreSQL. Rows keep their ids; content
    types and permissions are named, since the new database numbers its own."""
    output = Path(output)
    if not output.name.endswith(EXPORT_SUFFIXES):
        raise BackupError(f"Name the file {output.name}.json.xz (or .json.gz, .json).")
    output.parent.mkdir(parents=True, exist_ok=True)
    suffix = next(suffix for suffix in EXPORT_SUFFIXES if output.name.endswith(suffix))
    # Private from the start (it holds e-mail addresses and password hashes), and in place
    # of an earlier export only once complete.
    handle, partial = tempfile.mkstemp(suffix=suffix, dir=output.parent)
    os.close(handle)
    try:
        # One snapshot of every table, even if something writes meanwhile: SQLite's
        # transaction holds the write lock; PostgreSQL's default isolation would show
        # each table as it is when dumpdata reaches it.
        database = connections["default"]
        # Only as the transaction's first statement; inside a caller's own transaction
        # the snapshot is the caller's.
        repeatable = database.vendor == "postgresql" and not database.in_atomic_block
        with transaction.atomic():
            if repeatable:
                with database.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            call_command(
                "dumpdata",
                natural_foreign=True,
                exclude=REBUILT_BY_MIGRATE,
                output=partial,
                verbosity=0,
            )
        os.replace(partial, output)
    finally:
        Path(partial).unlink(missing_ok=True)
    return output


def site_import(*, source: Path | str, replace: bool = False) -> tuple[int, int]:
    """Make this site's database a copy of the one `site_export` wrote to `source`.

    Refuses a database that has articles or user accounts unless `replace` is given, then
    migrates it, empties it (the rows migrations add, such as the first disclaimer, too)
    and loads the file, the emptying and the loading in one transaction: a file that fails
    to load leaves the database as it was. Returns the articles and accounts it now holds.
    """
    source = Path(source).resolve()
    if not source.is_file():
        raise BackupError(f"There is no file {source}.")
    tables = connections["default"].introspection.table_names()
    if tables and "articles_article" not in tables:
        raise BackupError(
            f"The {database_label()} holds tables of something else ({len(tables)}); "
            "import into an empty database made for this site."
        )
    if not replace:
        _refuse_to_overwrite_content("Importing replaces all of it")
    call_command("migrate", interactive=False, verbosity=0)
    try:
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(source), verbosity=0)
    except Exception as error:
        raise BackupError(
            f"{source} could not be loaded, and the {database_label()} is as it was: {error}"
        ) from error
    # Rows loaded as they were saved send no change signals of their own (see
    # `page_cache.content_changed`): one change for the whole load.
    invalidate()
    articles, users = _content_counts()
    return articles or 0, users or 0


def database_label() -> str:
    """Which database the command works on, for messages: "PostgreSQL database "x" on h"."""
    database = connections["default"].settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"SQLite database {database['NAME']}"
    vendor = connections["default"].display_name
    return f'{vendor} database "{database["NAME"]}" on {database["HOST"] or "localhost"}'
