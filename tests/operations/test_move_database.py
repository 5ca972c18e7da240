"""An operator outgrows SQLite: `export_site` on the old site, `import_site` into an empty
PostgreSQL database, and the site goes on there with every row, account and comment."""

import json
import os
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from articles.gunicorn_process import GunicornServer
from tests.operations.commands import manage

BASE_DIR = Path(settings.BASE_DIR)
ARTICLE = "/articles/single-dose-psilocybin-dendritic-spines-mice/"
COUNT_ROWS = (
    "import json; from django.apps import apps; "
    "print(json.dumps({m._meta.label: m._default_manager.count() for m in apps.get_models()}))"
)


def shell(env, code):
    return manage(env, "shell", "--verbosity", "0", "--command", code).stdout


def postgres_server():
    """Where to make the new database: the suite's own PostgreSQL when it runs on one,
    else PG_URL (which .ci/run sets for both of its runs), else this machine's default."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
    url = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return url.rsplit("/", 1)[0]


@pytest.fixture
def postgres_database():
    psycopg = pytest.importorskip("psycopg")
    server = postgres_server()
    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        reason = f"moving to PostgreSQL needs a PostgreSQL server at {server} ({error})"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run this test, but {reason}", pytrace=False)
        pytest.skip(reason)
    name = f"move_{uuid.uuid4().hex[:10]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{server}/{name}"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_sqlite_site_moves_to_postgresql_with_everything_in_it(
    tmp_path, postgres_database, static_files
):
    common = {
        **os.environ,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SUPERUSER_PASSWORD": "a long staff password 1",
    }
    common.pop("CACHE_URL", None)  # each site its own in-process cache
    old = {
        **common,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "PAGE_CACHE_GENERATION_FILE": str(tmp_path / "old-generation"),
    }
    new = {
        **common,
        "DATABASE_URL": postgres_database,
        "PAGE_CACHE_GENERATION_FILE": str(tmp_path / "new-generation"),
    }
    manage(old, "migrate", "--noinput", "--verbosity", "0")
    manage(old, "seed_demo")
    manage(old, "createsuperuser", "--noinput", "--username", "editor", "--email", "e@x.org")
    # What staff changed on the old site, including deleting rows that migrations make.
    shell(
        old,
        "from django.contrib.auth.models import Group, Permission, User; "
        "from comments.models import ModerationTerm; "
        "group = Group.objects.create(name='Editors'); "
        "group.permissions.set(Permission.objects.filter(codename__endswith='_article')); "
        "User.objects.get(username='editor').groups.add(group); "
        "ModerationTerm.objects.order_by('pk').first().delete()",
    )

    export = tmp_path / "site.json.xz"
    manage(old, "export_site", str(export))
    assert export.stat().st_mode & 0o077 == 0  # e-mail addresses and password hashes
    imported = manage(new, "import_site", str(export))
    assert "user account" in imported.stdout

    old_rows = json.loads(shell(old, COUNT_ROWS))
    new_rows = json.loads(shell(new, COUNT_ROWS))
    assert new_rows == old_rows
    assert new_rows["comments.Comment"] > 0

    # Staff sign in with their old password and keep their group; new rows get new ids.
    checks = shell(
        new,
        "from django.contrib.auth.models import User; "
        "from articles.models import Article; from comments.models import Comment; "
        "editor = User.objects.get(username='editor'); "
        "print(editor.check_password('a long staff password 1')); "
        "print(editor.has_perm('articles.change_article')); "
        "article = Article.objects.get(slug='single-dose-psilocybin-dendritic-spines-mice'); "
        "Comment.objects.create(article=article, author_name='After', email='a@x.org', "
        "body='Posted after the move.', status=Comment.Status.APPROVED); print('saved')",
    )
    assert checks.split() == ["True", "True", "saved"]

    with (
        GunicornServer(workers=1, env=new) as server,
        urllib.request.urlopen(server.url + ARTICLE, timeout=30) as response,
    ):
        page = response.read().decode()
    assert "Posted after the move." in page
    assert "not medical advice" in page

    # A database with content is not replaced by mistake.
    again = manage(new, "import_site", str(export), check=False)
    assert again.returncode != 0
    assert "already has" in again.stderr and "--replace" in again.stderr
    manage(new, "import_site", str(export), "--replace")
    assert json.loads(shell(new, COUNT_ROWS)) == old_rows
