"""The site as it runs in production: several gunicorn workers and several app servers
sharing one database (and, when configured, one Redis). Each test builds its own database
in a subprocess, so what the servers see is committed for real."""

import http.cookiejar
import os
import re
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from articles.gunicorn_process import GunicornServer
from tests.operations.commands import manage

BASE_DIR = Path(settings.BASE_DIR)
ARTICLE = "/articles/single-dose-psilocybin-dendritic-spines-mice/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMESTAMP = re.compile(r'name="timestamp" value="([^"]+)"')


@pytest.fixture
def site_env(tmp_path, static_files):
    """A fresh, migrated demo site in the same kind of database the suite runs on."""
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PAGE_CACHE_GENERATION_FILE": str(tmp_path / "page-cache-generation"),
        "DJANGO_SUPERUSER_PASSWORD": "a long staff password 1",
    }
    dropped = None
    if database["ENGINE"] == "django.db.backends.postgresql":
        import psycopg

        name = f"processes_{uuid.uuid4().hex[:10]}"
        admin_url = (
            f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/postgres"
        )
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{name}"
        )
        dropped = (admin_url, name)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "seed_demo")
    yield env
    if dropped:
        import psycopg

        admin_url, name = dropped
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Browser:
    """A reader or staff member: cookies kept, redirects not followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect
        )

    def get(self, url):
        with self.opener.open(url, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, url, data):
        request = urllib.request.Request(url, urllib.parse.urlencode(data, doseq=True).encode())
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def test_gunicorn_starts_cleanly_for_a_service_account_without_a_writable_home(
    tmp_path, static_files
):
    """No error in the log of a server run by an account whose home it cannot write, as
    for many system service accounts (gunicorn's control socket would want one)."""
    unwritable_home = tmp_path / "home-is-a-file"
    unwritable_home.touch()
    env = {
        "HOME": str(unwritable_home),
        "XDG_RUNTIME_DIR": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "PAGE_CACHE_GENERATION_FILE": str(tmp_path / "generation"),
    }
    log_path = tmp_path / "gunicorn.log"
    with GunicornServer(workers=1, env=env, log_path=log_path):
        pass  # up means /healthz answered 200
    assert "Booting worker" in log_path.read_text()
    assert "[ERROR]" not in log_path.read_text()


def test_a_comment_approved_on_one_server_appears_on_the_other_at_once(site_env, tmp_path):
    manage(
        site_env,
        "createsuperuser",
        "--noinput",
        "--username",
        "editor",
        "--email",
        "editor@example.org",
    )
    with (
        GunicornServer(workers=2, env=site_env, log_path=tmp_path / "a.log") as first,
        GunicornServer(workers=2, env=site_env, log_path=tmp_path / "b.log") as second,
    ):
        reader = Browser()
        _, page = reader.get(first.url + ARTICLE)
        time.sleep(2.1)  # the comment form refuses posts faster than two seconds
        status, _ = reader.post(
            first.url + ARTICLE + "comments/",
            {
                "csrfmiddlewaretoken": TOKEN.search(page).group(1),
                "timestamp": TIMESTAMP.search(page).group(1),
                "author_name": "Cross-server reader",
                "email": "cross-server@example.org",
                "body": "Posted through the first server, approved there too.",
            },
        )
        assert status == 302
        # Every worker of the second server caches the page without the comment.
        for _ in range(6):
            _, page = Browser().get(second.url + ARTICLE)
            assert "Posted through the first server" not in page

        staff = Browser()
        _, login = staff.get(first.url + f"/{settings.ADMIN_URL}login/")
        status, _ = staff.post(
            first.url + f"/{settings.ADMIN_URL}login/",
            {
                "csrfmiddlewaretoken": TOKEN.search(login).group(1),
                "username": "editor",
                "password": site_env["DJANGO_SUPERUSER_PASSWORD"],
                "next": f"/{settings.ADMIN_URL}",
            },
        )
        assert status == 302
        queue_url = first.url + f"/{settings.ADMIN_URL}comments/comment/?status__exact=pending"
        _, queue = staff.get(queue_url)
        assert "Cross-server reader" in queue
        # The demo's own pending comments are approved along with it.
        ids = re.findall(r'name="_selected_action" value="(\d+)"', queue)
        status, _ = staff.post(
            queue_url,
            {
                "csrfmiddlewaretoken": TOKEN.search(queue).group(1),
                "action": "approve",
                "_selected_action": ids,
            },
        )
        assert status == 302

        for _ in range(6):
            _, page = Browser().get(second.url + ARTICLE)
            assert "Posted through the first server" in page


def test_500_comments_from_50_readers_are_all_kept(site_env):
    output = manage(
        site_env, "stress_comments", "--comments", "500", "--clients", "50", "--workers", "4"
    ).stdout
    assert "lost: 0" in output
    assert "5xx: 0, 'database is locked' in the server log: 0" in output
