"""`manage.py backup` and `manage.py restore`: nothing committed is lost, even when the
backup runs while readers are writing comments, and a hostile or wrong archive is
refused with a message."""

import contextlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles import backups
from comments.models import Comment
from tests.factories import make_article

ROOT = Path(settings.BASE_DIR)

SEED = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from tests.factories import image_file, make_article, make_comment
article = make_article(slug="backed-up", cover_alt="Neurons")
article.cover_image.save("cover.png", image_file())
make_comment(article)
print(article.cover_image.name)
"""

# Writes one comment per transaction until told to stop, reporting each after its commit.
WRITER = """
import os, sys, django
django.setup()
from articles.models import Article
from tests.factories import make_comment
article = Article.objects.get(slug="backed-up")
while not os.path.exists(sys.argv[1]):
    comment = make_comment(article)
    print("committed", comment.pk, flush=True)
"""


def site_environment(folder: Path, name: str) -> dict:
    """A site of its own: SQLite file, media folder, in-process cache, no e-mail sent."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / name}.sqlite3",
        "MEDIA_ROOT": str(folder / f"{name}-media"),
        "CACHE_URL": "locmemcache://backup-test",
        "EMAIL_URL": "memorymail://",
        "PAGE_CACHE_GENERATION_FILE": str(folder / f"{name}-generation"),
        "BACKUP_DIR": str(folder / f"{name}-backups"),
        "PRODUCTION": "false",
    }


def manage(environment, *arguments, check=True):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=check,
        timeout=120,
    )


def python(environment, code, *arguments):
    return subprocess.run(
        [sys.executable, "-c", code, *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


def comment_ids(database: Path) -> list[int]:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        rows = connection.execute(f"SELECT id FROM {Comment._meta.db_table} ORDER BY id")
        return [row[0] for row in rows]


def test_backup_while_comments_are_written_restores_every_committed_row(tmp_path):
    site = site_environment(tmp_path, "site")
    cover_name = python(site, SEED).stdout.strip()
    stop = tmp_path / "stop-writing"
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop)],
        cwd=ROOT,
        env=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as writer:
        committed = []

        def collect():
            for line in writer.stdout:
                if line.startswith("committed "):
                    committed.append(int(line.split()[1]))

        collector = threading.Thread(target=collect, daemon=True)
        collector.start()
        try:
            deadline = time.monotonic() + 60
            while len(committed) < 20 and time.monotonic() < deadline:
                time.sleep(0.05)
            committed_before_backup = list(committed)
            backup = manage(site, "backup", "--output-dir", str(tmp_path / "backups"))
            committed_during_backup = len(committed) - len(committed_before_backup)
            time.sleep(0.3)
        finally:
            stop.touch()
            writer.wait(timeout=60)
            collector.join(timeout=10)
        errors = writer.stderr.read()
    assert writer.returncode == 0, errors
    assert len(committed_before_backup) >= 20, "the writer never got going"
    assert committed_during_backup > 0, "the backup did not overlap with writing"

    (archive,) = (tmp_path / "backups").glob("backup-*.tar.gz")
    assert str(archive) in backup.stdout
    restored = site_environment(tmp_path, "restored")
    result = manage(restored, "restore", str(archive))
    assert "Restored the database (1 article, 0 user accounts) and" in result.stdout

    ids = comment_ids(tmp_path / "restored.sqlite3")
    # Every comment committed before the backup began is there...
    assert set(committed_before_backup) <= set(ids)
    # ...and the snapshot is one moment: the first comments up to some point, no gaps,
    # nothing that was never committed.
    assert ids == list(range(ids[0], ids[0] + len(ids)))
    assert set(ids) <= set(committed) | {ids[0]}
    original = Path(site["MEDIA_ROOT"]) / cover_name
    copy = Path(restored["MEDIA_ROOT"]) / cover_name
    assert copy.read_bytes() == original.read_bytes()

    again = manage(restored, "restore", str(archive), check=False)
    assert again.returncode != 0
    assert "already has 1 article(s) and 0 user account(s)." in again.stderr
    assert "--replace" in again.stderr


def test_restore_on_a_new_machine_keeps_the_database_private_and_the_old_one_at_hand(
    tmp_path,
):
    """Restored by a shell whose umask lets everyone read new files, the database (e-mail
    addresses, password hashes) is still its owner's alone; and a --replace keeps the
    database it overwrote, with the command to bring it back."""
    site = site_environment(tmp_path, "site")
    python(site, SEED)
    manage(site, "backup")
    (archive,) = Path(site["BACKUP_DIR"]).glob("backup-*.tar.gz")

    new_machine = site_environment(tmp_path / "new" / "var", "db")
    old_umask = os.umask(0o022)
    try:
        manage(new_machine, "restore", str(archive))
    finally:
        os.umask(old_umask)
    database = tmp_path / "new" / "var" / "db.sqlite3"
    assert oct(database.stat().st_mode & 0o777) == "0o600"
    assert oct(database.parent.stat().st_mode & 0o777) == "0o700"

    python(new_machine, SEED.replace('slug="backed-up"', 'slug="written-since"'))
    replaced = manage(new_machine, "restore", "--replace", str(archive)).stdout
    (safety,) = Path(new_machine["BACKUP_DIR"]).glob("backup-*.tar.gz")
    assert f"The database as it was before is kept in {safety}" in replaced
    assert f"restore --replace {safety}` brings it back" in replaced
    back = manage(new_machine, "restore", "--replace", str(safety)).stdout
    assert "Restored the database (2 articles, 0 user accounts)" in back


def test_a_damaged_archive_or_database_is_explained_and_changes_nothing(tmp_path):
    site = site_environment(tmp_path, "site")
    python(site, SEED)
    manage(site, "backup")
    (archive,) = Path(site["BACKUP_DIR"]).glob("backup-*.tar.gz")
    cut_short = tmp_path / "cut-short.tar.gz"
    cut_short.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    garbage = archive_with(
        tmp_path, {"db.sqlite3": b"x" * 4096}, {"format": 1, "database": "db.sqlite3"}
    )
    target = site_environment(tmp_path, "target")
    python(target, SEED)
    for broken, message in [
        (cut_short, f"{cut_short} is damaged (cut short in a copy, or corrupted)"),
        (garbage, f"The database in {garbage} is damaged"),
    ]:
        failed = manage(target, "restore", "--replace", str(broken), check=False)
        assert failed.returncode == 1
        assert message in failed.stderr
        assert "Nothing was changed" in failed.stderr
        assert "Traceback" not in failed.stderr
        assert len(comment_ids(tmp_path / "target.sqlite3")) == 1


def test_a_failed_backup_leaves_no_partial_archive(settings, tmp_path, monkeypatch):
    """Run nightly, a backup that fails must not leave a file that no clean-up removes."""
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", str(tmp_path / "missing.sqlite3"))
    with pytest.raises(CommandError, match="There is no database at"):
        call_command("backup", "--output-dir", str(tmp_path / "out"))
    assert [path.name for path in (tmp_path / "out").iterdir()] == []


def test_run_by_cron_with_verbosity_0_a_backup_that_succeeds_prints_nothing(settings, tmp_path):
    """Cron mails whatever a job prints: a nightly "written" would bury the one failure."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "covers").mkdir(parents=True)
    (settings.MEDIA_ROOT / "covers" / "a.jpg").write_bytes(b"picture")
    out = io.StringIO()
    call_command(
        "backup", "--media-only", "--output-dir", str(tmp_path / "out"), "-v", "0", stdout=out
    )
    assert out.getvalue() == ""
    assert len(list((tmp_path / "out").glob("backup-*.tar.gz"))) == 1


def test_two_backups_begun_in_the_same_second_both_write_whole_archives(
    settings, tmp_path, monkeypatch, time_machine
):
    """Cron's nightly backup and one run by hand at that moment share a dated name: the
    archive left under it must still open, and neither run may fail."""
    time_machine.move_to("2026-05-01 02:30:00", tick=False)
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "covers").mkdir(parents=True)
    for number in range(3):
        (settings.MEDIA_ROOT / "covers" / f"{number}.jpg").write_bytes(os.urandom(50_000))
    # The first run stops after its first file until the second has finished.
    second_done, first_paused = threading.Event(), threading.Event()
    keep_regular_files = backups._regular_files_only

    def pause_once(member):
        if threading.current_thread().name == "first" and not first_paused.is_set():
            first_paused.set()
            second_done.wait(timeout=30)
        return keep_regular_files(member)

    monkeypatch.setattr(backups, "_regular_files_only", pause_once)
    output = tmp_path / "out"
    arguments = ["backup", "--media-only", "--output-dir", str(output)]
    failures = []

    def first_run():
        try:
            call_command(*arguments, stdout=io.StringIO())
        except Exception as error:
            failures.append(error)

    first = threading.Thread(target=first_run, name="first")
    first.start()
    assert first_paused.wait(timeout=30)
    call_command(*arguments, stdout=io.StringIO())
    second_done.set()
    first.join(timeout=30)

    assert failures == []
    assert [path.name for path in output.iterdir()] == ["backup-2026-05-01-023000.tar.gz"]
    with tarfile.open(output / "backup-2026-05-01-023000.tar.gz") as tar:
        names = tar.getnames()
        assert {f"media/covers/{number}.jpg" for number in range(3)} <= set(names)
        for name in names:
            if name.endswith(".jpg"):
                tar.extractfile(name).read()


def archive_with(tmp_path, members: dict, manifest=None) -> Path:
    path = tmp_path / "crafted.tar.gz"
    manifest = manifest or {"format": 1, "created_at": "2026-01-01T00:00:00+00:00"}
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            if data is None:
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            else:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data or b""))
    return path


@pytest.mark.parametrize(
    "member",
    ["../outside.txt", "/etc/cron.d/evil", "media/../../outside.txt", "settings.py"],
)
def test_restore_refuses_archives_that_would_write_elsewhere(tmp_path, member):
    archive = archive_with(tmp_path, {member: b"evil"})
    with pytest.raises(CommandError, match=re.escape(f"contains '{member}', which no backup")):
        call_command("restore", str(archive), "--media-only")
    assert not (tmp_path.parent / "outside.txt").exists()


def test_restore_refuses_links_in_the_media(tmp_path):
    archive = archive_with(tmp_path, {"media/covers/link.jpg": None})
    with pytest.raises(CommandError, match=re.escape("contains 'media/covers/link.jpg'")):
        call_command("restore", str(archive), "--media-only")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not an archive at all", "is not a backup archive"),
        (None, "is not a backup made by `manage.py backup`"),
    ],
)
def test_restore_explains_a_file_that_is_not_a_backup(tmp_path, content, message):
    path = tmp_path / "download.tar.gz"
    if content is None:
        with tarfile.open(path, "w:gz") as tar:
            tar.addfile(tarfile.TarInfo("readme.txt"), io.BytesIO(b""))
    else:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path))


def test_restore_explains_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        call_command("restore", str(tmp_path / "nothing.tar.gz"))


@pytest.mark.django_db
def test_restore_never_overwrites_a_site_with_content_unasked(tmp_path):
    make_article()
    archive = archive_with(tmp_path, {"db.sqlite3": b""}, {"format": 1, "database": "db.sqlite3"})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        message = r"already has 1 article\(s\)"
    else:
        message = "This site's database is PostgreSQL"
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(archive))


def test_postgresql_sites_are_told_to_use_pg_dump(monkeypatch, tmp_path):
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    with pytest.raises(CommandError, match="back it up with pg_dump"):
        call_command("backup", "--output-dir", str(tmp_path))


def test_media_only_backup_holds_the_media_and_no_database(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "covers").mkdir(parents=True)
    (settings.MEDIA_ROOT / "covers" / "a.jpg").write_bytes(b"picture")
    call_command("backup", "--media-only", "--output-dir", str(tmp_path / "out"))

    (archive,) = (tmp_path / "out").glob("*.tar.gz")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "media/covers/a.jpg"} <= names
    assert "db.sqlite3" not in names


READ_PAGE = """
import django
django.setup()
from django.test import Client
print(Client(HTTP_HOST="127.0.0.1").get("/articles/backed-up/").content.decode())
"""
RENAME = """
import django
django.setup()
from articles.models import Article
article = Article.objects.get(slug="backed-up")
article.title = "Renamed after the backup"
article.save()
"""


def test_a_restored_site_shows_no_page_cached_before_the_restore(tmp_path, static_files):
    """With a cache shared by processes (Redis, or here a file cache), pages cached before
    the restore would otherwise go on showing the site as it was just before it."""
    site = site_environment(tmp_path, "site") | {"CACHE_URL": f"filecache://{tmp_path}/cache"}
    python(site, SEED)
    manage(site, "backup", "--output-dir", str(tmp_path / "backups"))
    python(site, RENAME)
    assert "Renamed after the backup" in python(site, READ_PAGE).stdout
    (archive,) = (tmp_path / "backups").glob("*.tar.gz")

    manage(site, "restore", str(archive), "--replace")
    assert "Renamed after the backup" not in python(site, READ_PAGE).stdout


def test_media_in_object_storage_is_not_archived_here(settings, tmp_path, capsys):
    """It says so, and succeeds: the README's nightly script for a PostgreSQL site goes
    on to delete old dumps only if it does, and would otherwise fill the disk."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "publication-media"},
        },
    }
    call_command("backup", "--media-only", "--output-dir", str(tmp_path))
    assert "Back up the bucket with the storage provider's own tools" in capsys.readouterr().out
    call_command("backup", "--media-only", "--output-dir", str(tmp_path), verbosity=0)
    assert capsys.readouterr().out == ""  # as cron runs it: nothing to mail
    assert not list(tmp_path.glob("*.tar.gz"))


def test_media_are_not_restored_into_a_folder_nothing_reads(settings, tmp_path):
    """With uploads in object storage, the archive's files would land under MEDIA_ROOT
    while the site reads the bucket: the command says so instead of reporting success."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "covers").mkdir(parents=True)
    (settings.MEDIA_ROOT / "covers" / "a.jpg").write_bytes(b"picture")
    call_command("backup", "--media-only", "--output-dir", str(tmp_path / "out"))
    (archive,) = (tmp_path / "out").glob("*.tar.gz")
    settings.MEDIA_ROOT = tmp_path / "restored"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "publication-media"},
        },
    }
    with pytest.raises(CommandError, match="copy the archive's media/ folder into the bucket"):
        call_command("restore", str(archive), "--media-only")
    assert not (tmp_path / "restored").exists()
