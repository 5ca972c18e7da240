"""What `make` does to a checkout before anything runs: the secret key and `var/`."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(folder, *targets, env=None, check=True):
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "PRODUCTION"}
    }
    return subprocess.run(
        ["make", "-s", *targets],
        cwd=folder,
        capture_output=True,
        text=True,
        check=check,
        env=environment | (env or {}),
    )


@pytest.fixture
def checkout(tmp_path):
    shutil.copy(Path(settings.BASE_DIR) / "Makefile", tmp_path)
    return tmp_path


def test_a_env_made_by_hand_without_a_key_gets_one_and_keeps_its_settings(checkout):
    """An operator who copied .env.example first would otherwise see the site refuse to
    start for want of SECRET_KEY."""
    env = checkout / ".env"
    env.write_text("# SECRET_KEY=\nDEBUG=false\nPORT=9000")  # no final newline
    make(checkout, "secret-key")
    lines = env.read_text().splitlines()
    assert lines[:3] == ["# SECRET_KEY=", "DEBUG=false", "PORT=9000"]
    assert lines[3].startswith("SECRET_KEY=") and len(lines[3]) > 50
    assert stat.S_IMODE(env.stat().st_mode) == 0o600

    make(checkout, "secret-key")
    assert env.read_text().splitlines() == lines


def test_no_key_is_written_when_the_environment_sets_one(checkout):
    """A service manager that sets SECRET_KEY is the key's one home: a second key in .env
    would be the one that cron jobs, reading .env alone, signed with."""
    make(checkout, "secret-key", env={"SECRET_KEY": "k" * 50})
    assert not (checkout / ".env").exists()


@pytest.mark.parametrize("where", ["file", "environment"])
def test_a_production_site_is_given_no_key_of_its_own(checkout, where):
    """Every server of a production site must carry the same key, or readers and staff
    signed in on one are refused by the next: rather than a new key on each server,
    `make` stops and says where the key goes."""
    env = checkout / ".env"
    env.write_text("PRODUCTION=true\nDATABASE_URL=postgres://db/site\n" if where == "file" else "")
    done = make(
        checkout, "secret-key", env={"PRODUCTION": "true"} if where != "file" else {}, check=False
    )
    assert done.returncode != 0
    assert "no SECRET_KEY is set: put the key this site's other servers use in .env" in done.stderr
    assert "SECRET_KEY" not in env.read_text()


def test_a_key_written_with_export_is_kept(checkout):
    """`export SECRET_KEY=...` (a .env also sourced by a shell) is the site's key to the
    settings: a second key added after it would take its place, signing everyone out and,
    with several servers, refusing readers whose form came from another."""
    env = checkout / ".env"
    env.write_text("export SECRET_KEY=" + "k" * 50 + "\n")
    make(checkout, "secret-key")
    assert env.read_text() == "export SECRET_KEY=" + "k" * 50 + "\n"


@pytest.mark.parametrize(
    "line", ['PRODUCTION="true"', "PRODUCTION='yes'", "export PRODUCTION=true"]
)
def test_a_production_site_is_recognised_as_the_settings_read_env(checkout, line):
    """The settings take quoted values and `export` lines as they are meant: so does
    make, which gives a production server no key of its own."""
    env = checkout / ".env"
    env.write_text(line + "\n")
    done = make(checkout, "secret-key", check=False)
    assert done.returncode != 0
    assert "PRODUCTION is true and no SECRET_KEY is set" in done.stderr
    assert env.read_text() == line + "\n"


def test_a_env_made_by_hand_is_made_the_owners_alone(checkout):
    """Copied from .env.example with a key and passwords filled in, it was readable by
    every account on the server."""
    env = checkout / ".env"
    env.write_text("SECRET_KEY=" + "k" * 50 + "\nEMAIL_URL=smtp+tls://site:secret@mail:587\n")
    env.chmod(0o644)
    make(checkout, "secret-key")
    assert stat.S_IMODE(env.stat().st_mode) == 0o600


def test_the_database_folder_is_readable_by_its_owner_only(checkout):
    """Even when collectstatic or the tests made it first, as anyone could read it."""
    (checkout / "var" / "static").mkdir(parents=True)
    (checkout / "var").chmod(0o755)
    make(checkout, "var")
    assert stat.S_IMODE((checkout / "var").stat().st_mode) == 0o700
    assert (checkout / "var" / "media").is_dir()
    # An operator whose web server reads the media says so.
    make(checkout, "var", "VAR_MODE=750")
    assert stat.S_IMODE((checkout / "var").stat().st_mode) == 0o750


def test_the_database_stays_the_owners_when_the_web_server_reads_var(checkout):
    """With VAR_MODE=750 the web server's group may list var/ (to serve var/media), but
    not read the database a plain `manage.py migrate` made readable to all."""
    (checkout / "var").mkdir()
    for name in ["db.sqlite3", "db.sqlite3-wal"]:
        (checkout / "var" / name).touch(mode=0o644)
    make(checkout, "var", "VAR_MODE=750")
    for name in ["db.sqlite3", "db.sqlite3-wal"]:
        assert stat.S_IMODE((checkout / "var" / name).stat().st_mode) == 0o600


def test_the_suite_will_not_run_on_a_production_site():
    """Every test empties the cache it is given: run with a live site's .env, the suite
    would empty that site's Redis, so it stops before the first test and says why."""
    environment = os.environ | {
        "PRODUCTION": "true",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "example.org",
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", "-k", "no_such_test"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert run.returncode == 2
    assert "PRODUCTION is true here: the tests empty the cache at CACHE_URL" in run.stderr
