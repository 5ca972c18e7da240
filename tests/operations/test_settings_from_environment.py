"""Settings as an operator writes them: in the environment or in .env, following
.env.example."""

import os
import runpy
import subprocess
from pathlib import Path
from unittest import mock

import environ
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tests.security.conftest import load_settings

BASE_DIR = Path(settings.BASE_DIR)


def test_comma_separated_lists_may_have_spaces():
    loaded = load_settings(
        ALLOWED_HOSTS="example.org, www.example.org",
        CSRF_TRUSTED_ORIGINS="https://example.org, https://www.example.org",
        COMMENTS_MODERATOR_EMAILS="ed@example.org , mo@example.org",
        FORWARDED_ALLOW_IPS="10.0.0.5, 10.0.1.0/24",
    )
    assert loaded["ALLOWED_HOSTS"] == ["example.org", "www.example.org"]
    assert loaded["CSRF_TRUSTED_ORIGINS"] == ["https://example.org", "https://www.example.org"]
    assert loaded["COMMENTS_MODERATOR_EMAILS"] == ["ed@example.org", "mo@example.org"]
    assert loaded["FORWARDED_ALLOW_IPS"] == ["10.0.0.5", "10.0.1.0/24"]


def test_relative_paths_from_env_example_are_taken_from_the_project_folder(tmp_path):
    """So a command run from another folder (by cron) uses the site's own files."""
    os.chdir(tmp_path)
    try:
        loaded = load_settings(
            DATABASE_URL="sqlite:///var/db.sqlite3",
            MEDIA_ROOT="var/media",
            BACKUP_DIR="var/backups",
            PAGE_CACHE_GENERATION_FILE="var/page-cache-generation",
        )
    finally:
        os.chdir(BASE_DIR)
    assert loaded["DATABASES"]["default"]["NAME"] == str(BASE_DIR / "var" / "db.sqlite3")
    assert loaded["MEDIA_ROOT"] == BASE_DIR / "var" / "media"
    assert loaded["BACKUP_DIR"] == BASE_DIR / "var" / "backups"
    assert loaded["PAGE_CACHE_GENERATION_FILE"] == BASE_DIR / "var" / "page-cache-generation"
    absolute = load_settings(DATABASE_URL=f"sqlite:///{tmp_path}/site.sqlite3")
    assert absolute["DATABASES"]["default"]["NAME"] == f"{tmp_path}/site.sqlite3"


@pytest.mark.parametrize(
    "address", ["sqlite://var/db.sqlite3", "sqlite://db.sqlite3", "sqlite:var/db.sqlite3"]
)
def test_a_sqlite_address_that_names_no_file_is_refused(address):
    """Read as written, these were ./db.sqlite3 (after a warning that "var" was ignored),
    a database in memory that every connection starts empty, and ./ar/db.sqlite3: the
    site, `migrate` and `restore` quietly worked on another database than the site's."""
    with pytest.raises(ImproperlyConfigured, match="names no database file: write sqlite:///"):
        load_settings(DATABASE_URL=address)


@pytest.mark.parametrize("value", ["", "/", " "])
def test_an_empty_admin_address_is_refused(value):
    """The admin would have had no address at all: the site's root is the home page."""
    with pytest.raises(ImproperlyConfigured, match="ADMIN_URL is empty"):
        load_settings(ADMIN_URL=value)
    assert load_settings(ADMIN_URL="/staff/")["ADMIN_URL"] == "staff/"


def test_log_level_may_be_written_in_lower_case():
    assert load_settings(LOG_LEVEL="debug")["LOGGING"]["root"]["level"] == "DEBUG"
    assert load_settings(LOG_LEVEL="warn")["LOGGING"]["root"]["level"] == "WARN"


@pytest.mark.parametrize("value", ["verbose", "10", "info,debug"])
def test_a_log_level_that_is_none_is_refused_by_its_name(value):
    """logging's own refusal reads "Unable to configure root logger", naming neither the
    variable nor the word to change."""
    with pytest.raises(ImproperlyConfigured, match=f"LOG_LEVEL='{value}' is not a log level"):
        load_settings(LOG_LEVEL=value)


def test_a_stalled_mail_or_cache_server_cannot_hold_a_request_for_long():
    defaults = load_settings(CACHE_URL="redis://127.0.0.1:6379/1")
    assert defaults["EMAIL_TIMEOUT"] == 10
    assert defaults["CACHES"]["default"]["OPTIONS"]["socket_timeout"] == 1
    assert defaults["CACHES"]["default"]["OPTIONS"]["socket_connect_timeout"] == 1
    assert load_settings(EMAIL_TIMEOUT="5")["EMAIL_TIMEOUT"] == 5


def test_a_database_host_that_stops_answering_cannot_hold_a_request_for_long():
    database = load_settings(DATABASE_URL="postgres://site@db.example.org/site")["DATABASES"]
    assert database["default"]["OPTIONS"] == {"connect_timeout": 5, "tcp_user_timeout": 10_000}
    given = load_settings(DATABASE_URL="postgres://site@db.example.org/site?connect_timeout=2")
    assert given["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 2


@pytest.mark.parametrize(
    ("address", "port", "starttls", "tls_from_the_start"),
    [
        ("smtp+tls://site:secret@mail.example.org:587", 587, True, False),
        ("smtp+tls://site:secret@mail.example.org", 587, True, False),
        ("smtp+ssl://site:secret@mail.example.org", 465, False, True),
        ("smtps://site:secret@mail.example.org:465", 465, False, True),
        ("smtp://mail.example.org", 25, False, False),
    ],
)
def test_an_smtp_address_reaches_the_port_and_security_it_names(
    address, port, starttls, tls_from_the_start
):
    """An address without a port, or "smtps://" on port 465, still sends mail: a
    provider's submission port, and TLS from the start where the port speaks only that."""
    loaded = load_settings(EMAIL_URL=address)
    assert loaded["EMAIL_PORT"] == port
    assert bool(loaded.get("EMAIL_USE_TLS")) is starttls
    assert bool(loaded.get("EMAIL_USE_SSL")) is tls_from_the_start


def test_gunicorn_reads_the_same_env_file(tmp_path):
    """HOST, PORT, WEB_CONCURRENCY and FORWARDED_ALLOW_IPS set in .env reach gunicorn,
    and nothing of .env reaches the environment its workers inherit: their settings read
    .env afresh, so a changed value takes effect at the next reload (HUP)."""
    env_file = tmp_path / ".env"
    env_file.write_text(
        "HOST=10.0.0.2\nPORT=9123\nWEB_CONCURRENCY=3\nFORWARDED_ALLOW_IPS=10.0.0.5\n"
        "ALLOWED_HOSTS=example.org\n"
    )
    read = []
    real_read_env = environ.Env.read_env.__func__

    def read_env(cls, path):
        read.append(path)
        real_read_env(cls, env_file)

    names = {"HOST", "PORT", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "ALLOWED_HOSTS"}
    without_them = {name: value for name, value in os.environ.items() if name not in names}
    # patch.dict puts the environment back as it was, whatever the config file set.
    with (
        mock.patch.dict(os.environ, without_them, clear=True),
        mock.patch.object(environ.Env, "read_env", classmethod(read_env)),
    ):
        config = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))
        inherited = dict(os.environ)
    assert read == [BASE_DIR / ".env"]
    assert (config["bind"], config["workers"]) == ("10.0.0.2:9123", 3)
    # Also as a server listening on :: (HOST=::) sees an IPv4 proxy.
    assert config["forwarded_allow_ips"] == "10.0.0.5,::ffff:10.0.0.5/128"
    assert inherited == without_them


@pytest.mark.parametrize(
    ("host", "bind"),
    [("::", "[::]:8000"), ("[::1]", "[::1]:8000"), ("0.0.0.0", "0.0.0.0:8000")],  # noqa: S104
)
def test_gunicorn_binds_ipv6_addresses_as_written(host, bind):
    """HOST=:: as an operator writes it: gunicorn needs the brackets before the port."""
    with (
        mock.patch.dict(os.environ, {"HOST": host, "PORT": "8000"}),
        mock.patch("environ.Env.read_env"),
    ):
        config = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))
    assert config["bind"] == bind


@pytest.mark.parametrize("workers", ["0", "four", "-2"])
def test_gunicorn_refuses_a_worker_count_it_cannot_serve_with(workers):
    """WEB_CONCURRENCY=0 started a server that listened and never answered, /healthz
    included; a word stopped it with a bare "invalid literal for int()"."""
    with (
        mock.patch.dict(os.environ, {"WEB_CONCURRENCY": workers}),
        mock.patch("environ.Env.read_env"),
        pytest.raises(ValueError, match=f"WEB_CONCURRENCY='{workers}': write the number"),
    ):
        runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))


@pytest.mark.parametrize(
    "trusted", [["127.0.0.1"], ["127.0.0.0/8"], ["10.0.0.5", "127.0.0.1"], ["*"]]
)
def test_the_reader_address_is_taken_from_a_trusted_proxy_however_it_is_listed(
    rf, settings, trusted
):
    from config.security import client_ip

    settings.FORWARDED_ALLOW_IPS = trusted
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "203.0.113.9"
    stranger = rf.get("/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(stranger) == ("203.0.113.9" if trusted == ["*"] else "192.0.2.7")
    # A server listening on :: sees the same IPv4 proxy as ::ffff:127.0.0.1.
    mapped = rf.get("/", REMOTE_ADDR="::ffff:127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(mapped) == "203.0.113.9"


def test_a_shell_reads_env_example_as_the_site_does():
    """The PostgreSQL backup script loads .env with cron's `sh`: a value the shell cut
    short would leave it without DATABASE_URL, making no backup."""
    shell = subprocess.run(
        ["sh", "-c", "set -a && . ./.env.example && set +a && env -0"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    )
    from_shell = dict(item.split("=", 1) for item in shell.stdout.split("\0") if "=" in item)
    with mock.patch.dict(os.environ, {}, clear=True):
        environ.Env.read_env(BASE_DIR / ".env.example")
        from_site = dict(os.environ)
    assert "DEFAULT_FROM_EMAIL" in from_site
    for name, value in from_site.items():
        assert from_shell.get(name) == value, name


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("DATABASE_URL", "postgres://site:ab/cd@db.example.org:5432/site"),
        ("DATABASE_URL", "postgres://site:ab?cd@db.example.org:5432/site"),
        ("CACHE_URL", "redis://:ab/cd@cache.example.org:6379/1"),
        ("CACHE_URL", "redis://:ab#cd@cache.example.org:6379/1"),
        ("EMAIL_URL", "smtp+tls://site:ab/cd@mail.example.org:587"),
        # An @ before the / too: the address still ends at the /, at a host "cd".
        ("DATABASE_URL", "postgres://site:ab@cd/ef@db.example.org:5432/site"),
        ("CACHE_URL", "redis://:ab@cd/ef@cache.example.org:6379/1"),
        ("EMAIL_URL", "smtp+tls://site@example.org:ab/cd@mail.example.org:587"),
    ],
)
def test_a_password_that_would_cut_a_service_address_short_is_refused(name, address):
    """A generated password often holds `/`: written as it is, it ends the host part, and
    Redis would be looked for at a socket file, leaving every page uncached in silence."""
    with pytest.raises(ImproperlyConfigured, match=f"{name} has a user name or password") as error:
        load_settings(**{name: address})
    assert "ab/cd@" not in str(error.value)  # the message never repeats the password


def test_a_password_written_with_percent_escapes_reaches_each_service():
    loaded = load_settings(
        DATABASE_URL="postgres://site:ab%2Fc%3Fd%23e@db.example.org:5432/site",
        CACHE_URL="redis://:ab%2Fcd@cache.example.org:6379/1",
        EMAIL_URL="smtp+tls://site:ab%2Fcd@mail.example.org:587",
    )
    database = loaded["DATABASES"]["default"]
    assert (database["HOST"], database["PASSWORD"]) == ("db.example.org", "ab/c?d#e")
    # Django hands the address to redis-py, which decodes the password itself.
    assert loaded["CACHES"]["default"]["LOCATION"] == "redis://:ab%2Fcd@cache.example.org:6379/1"
    assert (loaded["EMAIL_HOST"], loaded["EMAIL_HOST_PASSWORD"]) == ("mail.example.org", "ab/cd")
    # A Redis socket file and a SQLite file are no passwords.
    socket = load_settings(CACHE_URL="redis://:secret@/run/redis/redis.sock")
    assert socket["CACHES"]["default"]["LOCATION"] == "unix://:secret@/run/redis/redis.sock"
    sqlite = load_settings(DATABASE_URL="sqlite:////srv/site@example/db.sqlite3")
    assert sqlite["DATABASES"]["default"]["NAME"] == "/srv/site@example/db.sqlite3"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HSTS_SECONDS", "1y"),
        ("STAFF_IDLE_MINUTES", "2h"),
        ("PAGE_CACHE_SECONDS", "10m"),
        ("CONN_MAX_AGE", "None"),
        ("EMAIL_TIMEOUT", "10.5"),
    ],
)
def test_a_number_written_otherwise_is_refused_by_its_name(name, value):
    """A bare "invalid literal for int()" leaves an operator searching .env for the value."""
    with pytest.raises(ImproperlyConfigured, match=f"{name}='{value}' is not a whole number"):
        load_settings(**{name: value})


@pytest.mark.parametrize(
    ("name", "value", "consequence"),
    [
        ("STAFF_IDLE_MINUTES", "0", "which would sign staff out as soon as they sign in"),
        ("STAFF_IDLE_MINUTES", "-30", "which would sign staff out as soon as they sign in"),
        ("EMAIL_TIMEOUT", "0", "with which no e-mail could be sent"),
    ],
)
def test_a_zero_that_cannot_mean_no_limit_is_refused_by_its_name(name, value, consequence):
    """Elsewhere 0 switches a limit off (PAGE_CACHE_SECONDS, COMMENTS_EDIT_MINUTES); here
    it would expire every staff session as it is set, leaving nobody able to sign in, or
    fail every e-mail ("Non-blocking socket (timeout=0) is not supported") in the log only."""
    with pytest.raises(ImproperlyConfigured, match=f"{name}='{value}' is less than 1, ") as error:
        load_settings(**{name: value})
    assert consequence in str(error.value)
    assert f"({name}=" in str(error.value)  # the default, to write instead
    assert load_settings(**{name: "1"})  # the least that works still starts
