"""An operator outgrows SQLite: `export_site` on the old site, `import_site` into an empty
PostgreSQL database, and the site goes on there with every row, account, comment and kept
version."""

import json
import lzma
import os
import re
import sqlite3
import urllib.request
import uuid

import psycopg
import pytest
from django.conf import settings

from articles.gunicorn_process import GunicornServer
from articles.models import DEFAULT_DISCLAIMER
from tests.operations.commands import manage

ARTICLE = "/articles/single-dose-psilocybin-dendritic-spines-mice/"
# Every row, ids and all, in one order: what two databases must agree on.
ALL_ROWS = (
    "import json; from django.core import serializers; from django.apps import apps; "
    "models = [m for m in apps.get_models() "
    "if m._meta.app_label != 'contenttypes' and m._meta.label != 'auth.Permission']; "
    "rows = [json.loads(serializers.serialize('json', m._default_manager.order_by('pk'), "
    "use_natural_foreign_keys=True)) for m in models]; "
    "print(json.dumps(rows, sort_keys=True))"
)
# Django's JSON keeps times to the millisecond, and writes a time within the first
# millisecond of its second as "…:05.000" where it read one with microseconds, but as
# "…:05" once the export has rounded it: the same time, written two ways.
WHOLE_SECOND = re.compile(r'(T\d\d:\d\d:\d\d)\.000(?=Z"|[+-]\d\d:\d\d"|")')


def all_rows(env):
    return WHOLE_SECOND.sub(r"\1", shell(env, ALL_ROWS))


def shell(env, code):
    return manage(env, "shell", "--verbosity", "0", "--command", code).stdout


def postgres_server():
    """Where to make the new database: the suite's own PostgreSQL when it runs on one,
    else PG_URL (which .ci/run sets for both of its runs), else this machine's default."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
        return f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}"
    url = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return url.rsplit("/", 1)[0]


@pytest.fixture
def postgres_database():
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


def test_a_sqlite_site_moves_to_postgresql_with_every_row_as_it_was(
    tmp_path, postgres_database, static_files
):
    """Ids, passwords, group permissions, deleted rows and comments all arrive unchanged,
    new rows carry on the numbering, and a failed load leaves the database as it was."""
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
    # What staff did on the old site: an account that left (a gap in the ids), a group,
    # a role whose permissions they changed, a deleted row of the kind migrations make.
    shell(
        old,
        "from django.contrib.auth.models import Group, Permission, User; "
        "from comments.models import ModerationTerm; "
        "User.objects.create_user('left', 'left@x.org', 'x').delete(); "
        "editor = User.objects.create_user('editor', 'e@x.org', 'a long staff password 1'); "
        "group = Group.objects.create(name='Reviewers'); "
        "group.permissions.set(Permission.objects.filter(codename__endswith='_article')); "
        "editor.groups.add(group); "
        "Group.objects.get(name='Moderators').permissions.clear(); "
        "ModerationTerm.objects.order_by('pk').first().delete()",
    )
    # Kept versions of every article, for staff to restore on the new site too.
    manage(old, "createinitialrevisions", "articles.Article", "--verbosity", "0")

    export = tmp_path / "site.json.xz"
    manage(old, "export_site", str(export))
    assert export.stat().st_mode & 0o077 == 0  # e-mail addresses and password hashes
    imported = manage(new, "import_site", str(export)).stdout
    assert f'into the PostgreSQL database "{postgres_database.rsplit("/", 1)[1]}"' in imported

    old_rows = all_rows(old)
    assert all_rows(new) == old_rows
    models = {row["model"] for rows in json.loads(old_rows) for row in rows}
    assert {"comments.comment", "auth.user", "programs.programclick", "reversion.version"} <= models

    checks = shell(
        new,
        "from django.contrib.auth.models import User; "
        "from articles.models import Article; from comments.models import Comment; "
        "editor = User.objects.get(username='editor'); "
        "print(editor.pk, editor.check_password('a long staff password 1'), "
        "editor.has_perm('articles.change_article')); "
        "article = Article.objects.get(slug='single-dose-psilocybin-dendritic-spines-mice'); "
        "Comment.objects.create(article=article, author_name='After', email='a@x.org', "
        "body='Posted after the move.', status=Comment.Status.APPROVED); print('saved')",
    )
    assert checks.split() == ["2", "True", "True", "saved"]

    with (
        GunicornServer(workers=1, env=new) as server,
        urllib.request.urlopen(server.url + ARTICLE, timeout=30) as response,
    ):
        page = response.read().decode()
    assert "Posted after the move." in page
    assert DEFAULT_DISCLAIMER.split(".")[0] in page

    # A database with content is not replaced by mistake, nor by a file that fails to load.
    refused = manage(new, "import_site", str(export), check=False)
    assert refused.returncode != 0
    assert "already has" in refused.stderr and "--replace" in refused.stderr
    broken = tmp_path / "broken.json.xz"
    broken.write_bytes(lzma.compress(lzma.decompress(export.read_bytes())[:-500]))
    failed = manage(new, "import_site", str(broken), "--replace", check=False)
    assert failed.returncode != 0
    assert "is as it was" in failed.stderr
    assert "Posted after the move." in all_rows(new)

    manage(new, "import_site", str(export), "--replace")
    assert all_rows(new) == old_rows


def test_an_export_is_refused_a_name_it_would_not_write(tmp_path):
    """dumpdata would write "site.zip" uncompressed under another name, readable by all."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}"}
    result = manage(env, "export_site", str(tmp_path / "exports" / "site.zip"), check=False)
    assert result.returncode != 0
    assert "site.zip.json.xz" in result.stderr
    assert not (tmp_path / "exports").exists()


def test_an_import_refuses_a_database_that_belongs_to_something_else(tmp_path):
    """A mistyped DATABASE_URL must not fill another application's database with ours."""
    other = tmp_path / "shop.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    export = tmp_path / "site.json"
    export.write_text("[]")
    result = manage(
        {**os.environ, "DATABASE_URL": f"sqlite:///{other}"},
        "import_site",
        str(export),
        check=False,
    )
    assert result.returncode != 0
    assert "holds tables of something else" in result.stderr
    with sqlite3.connect(other) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    assert tables == [("orders",)]


@pytest.mark.django_db
def test_an_export_can_run_inside_a_transaction_of_its_own_caller(tmp_path):
    """On PostgreSQL the export asks for one snapshot; inside a caller's transaction (as
    in this test) it reads that transaction's, and still writes every row."""
    from articles.backups import site_export
    from tests.factories import make_article

    make_article(title="Exported from inside a transaction")
    export = site_export(output=tmp_path / "site.json")
    rows = json.loads(export.read_text())
    assert any(row["fields"].get("title") == "Exported from inside a transaction" for row in rows)
