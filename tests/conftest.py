import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache


def pytest_configure(config):
    # WhiteNoise warns on every request handler when the collected-static folder is
    # missing, as it is in a fresh clone before `collectstatic`; tests serve no files.
    Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


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
    name hashed static files, from the manifest that collectstatic writes."""
    from tests.operations.commands import manage

    manage(os.environ.copy(), "collectstatic", "--noinput", "--verbosity", "0")
