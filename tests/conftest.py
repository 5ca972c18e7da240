import fcntl
import json
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache


def pytest_configure(config):
    if django_settings.PRODUCTION:
        # Every test empties the cache it is given: on a live site, its pages and memos.
        pytest.exit(
            "PRODUCTION is true here: the tests empty the cache at CACHE_URL and would "
            "take a live site's with them. Run them from a development checkout.",
            returncode=2,
        )
    # WhiteNoise warns on every request handler when the collected-static folder is
    # missing, as it is in a fresh clone before `collectstatic`; tests serve no files.
    Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    _own_redis_database_per_test_worker()


def _collected_static_is_current(manifest):
    from django.contrib.staticfiles.finders import get_finders

    if not manifest.exists():
        return False
    collected_at = manifest.stat().st_mtime
    collected = json.loads(manifest.read_text()).get("paths", {})
    return all(
        path.replace(os.sep, "/") in collected
        and os.path.getmtime(storage.path(path)) < collected_at
        for finder in get_finders()
        for path, storage in finder.list(["CVS", ".*", "*~"])
    )


# Redis has 16 databases unless configured otherwise.
REDIS_LAST_DATABASE = 15


def _own_redis_database_per_test_worker():
    """`make test` runs a test worker per core (pytest-xdist), and every test empties the
    cache: with one Redis database the workers would empty each other's mid-test. Each
    gets a database of its own, CACHE_URL's for the first and the next ones for the
    others, as do the servers its tests start (from CACHE_URL)."""
    from django.test.utils import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("CACHE_URL", "")
    if not worker.startswith("gw") or not url.startswith(("redis://", "rediss://")):
        return
    address = urlsplit(url)
    database = int(address.path.strip("/") or 0) + int(worker[2:])
    if database > REDIS_LAST_DATABASE:
        pytest.exit(
            f"Test worker {worker} would need Redis database {database}, past the last "
            f"({REDIS_LAST_DATABASE}): run fewer workers (PYTEST_ARGS=--numprocesses=2) or "
            "give CACHE_URL a lower database number.",
            returncode=1,
        )
    url = urlunsplit(address._replace(path=f"/{database}"))
    os.environ["CACHE_URL"] = url
    caches = {**django_settings.CACHES}
    caches["default"] = {**caches["default"], "LOCATION": url}
    override_settings(CACHES=caches).enable()


@pytest.fixture(autouse=True)
def _isolated_site(settings, tmp_path, monkeypatch):
    """Every test writes media to its own folder and starts with an empty cache, which
    no earlier test has left marked as out of reach."""
    from articles import page_cache

    monkeypatch.setattr(page_cache, "_unreachable_until", 0.0)
    monkeypatch.setattr(page_cache, "_bump_missed", False)
    settings.MEDIA_ROOT = tmp_path / "media"
    # Staff accounts are made in many tests; a deliberately slow hasher would dominate.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "page-cache-generation"
    # Hashed static names need `collectstatic`; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # In-process requests serve no static files. Without this, each test client's
    # WhiteNoise walks the collected folder as it starts, and fails on a file that a
    # collectstatic in another test worker (for its gunicorn) is rewriting meanwhile.
    settings.WHITENOISE_AUTOREFRESH = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in as a superuser, as staff who run the site are."""
    user = django_user_model.objects.create_superuser(
        "editor", "editor@example.com", "correct-horse-battery"
    )
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture(scope="module")
def static_files():
    """For tests that run the site in another process (gunicorn, manage.py): its pages
    name hashed static files, from the manifest that collectstatic writes.

    Collected once for all test workers: collecting rewrites the manifest, and a server
    another worker started meanwhile would find none."""
    from tests.operations.commands import manage

    root = Path(django_settings.STATIC_ROOT)
    with open(root.parent / "collectstatic.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _collected_static_is_current(root / "staticfiles.json"):
            manage(os.environ.copy(), "collectstatic", "--noinput", "--verbosity", "0")
