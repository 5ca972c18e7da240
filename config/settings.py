"""Settings for the publication, read from the environment (and an optional `.env` file).

Every external service has an embedded default so that a fresh clone runs with nothing
installed; the environment variables documented in `.env.example` switch each one to the
real thing.
"""

import datetime
import logging
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_prose_editor.config import html_tags
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")


def env_list(name, default):
    """A comma-separated value, each item stripped: "example.org, www.example.org"."""
    return [item.strip() for item in env.list(name, default=default) if item.strip()]


_TRUE_WORDS = {"true", "on", "ok", "y", "yes", "1"}
_FALSE_WORDS = {"false", "off", "n", "no", "0", ""}


def env_bool(name, default):
    """A yes-or-no setting. Anything else refuses to start: django-environ reads any word
    it does not know ("ture") as false, which for PRODUCTION means a site without HTTPS."""
    value = env.str(name, default=str(default)).strip().lower()
    if value not in _TRUE_WORDS | _FALSE_WORDS:
        raise ImproperlyConfigured(
            f"{name}={env.str(name)!r} is neither true nor false: write true or false."
        )
    return value in _TRUE_WORDS


def env_int(name, default, *, minimum=None, too_small=""):
    """A whole number. Anything else ("10m", "1y") refuses to start with a message that
    names the variable, where int() would name only the value; so does one under
    `minimum`, saying what it would do (`too_small`)."""
    value = env.str(name, default=str(default))
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a whole number: write it in digits ({name}={default})."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(
            f"{name}={value!r} is less than {minimum}, {too_small}: write {minimum} or more "
            f"({name}={default})."
        )
    return number


def env_service_url(name, default):
    """A service's address (DATABASE_URL, CACHE_URL, EMAIL_URL). A password with `/`, `?`
    or `#` in it, written as it is, ends the host part there: PostgreSQL's address fails
    with a message about its port, and Redis's quietly becomes a socket file that does not
    exist, leaving every page uncached. Refused with a message that says how to write it.
    An @ after the host part means it was cut short, also when the password holds an @
    before the / (p@ss/word): the host would then be what lies between them."""
    url = env.str(name, default=default)
    parts = urlsplit(url)
    if parts.netloc and "@" in url.partition(parts.netloc)[2]:
        raise ImproperlyConfigured(
            f"{name} has a user name or password with / ? or # in it: write them as %2F %3F "
            "%23 (and % as %25): a password ab/cd is written ab%2Fcd."
        )
    return url


def env_project_path(name, default):
    """A file or folder; a relative one is taken from the project folder (as
    .env.example writes them), so a command run from elsewhere, by cron say, uses the
    same files as the site."""
    path = Path(env(name, default=str(default)))
    return path if path.is_absolute() else BASE_DIR / path


# --- Core -----------------------------------------------------------------------------

# No default: `make run` writes a generated key into `.env`; a missing or empty key (an
# `.env` copied from `.env.example` as it stands) must fail loudly, not on the first page.
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is empty. Give it a value in .env or in the environment: the key this "
        "site's other servers use, since all must share one, or for a new site a long "
        "random one (`make install` writes one into .env unless PRODUCTION is true)."
    )
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
# The admin's address; another path keeps it out of the reach of drive-by password guessing.
ADMIN_URL = env("ADMIN_URL", default="admin/").strip("/ ") + "/"
if ADMIN_URL == "/":
    # Read as the site's root, which the home page holds: the admin had no address at all.
    raise ImproperlyConfigured(
        "ADMIN_URL is empty, which leaves the admin with no address: write a path of its "
        "own (ADMIN_URL=admin/), or leave the line out."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_prose_editor",
    # Security: failed sign-in tracking and the Content-Security-Policy header.
    "axes",
    "csp",
    # Every saved version of articles and programs, for staff to compare and restore.
    "reversion",
    "articles",
    "programs",
    "comments",
]

MIDDLEWARE = [
    # First: e-mails queued while a request is served go out once the reader has the page.
    "config.after_response.AfterResponseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static and media files carry the policy headers too.
    "config.security.ContentSecurityPolicyMiddleware",
    "config.security.CrossOriginResourcePolicyMiddleware",
    # Load balancers ask by the server's own address: answered before any Host check
    # (CommonMiddleware's), with the policy headers above.
    "config.security.HealthCheckMiddleware",
    # Serves hashed, compressed static files from gunicorn itself: no separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside WhiteNoise (its files come compressed) and outside the ETag middleware (which
    # must see the plain page); cached pages come compressed from the page cache itself.
    "config.compression.TextGZipMiddleware",
    # Answers If-None-Match / If-Modified-Since with 304 for every page.
    "articles.page_cache.NotModifiedMiddleware",
    # Outside the page cache, so cached pages carry the header too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Inside CSRF (to hand each reader a token of their own), outside everything that only
    # signed-in users need: a hit costs a cache read or two.
    "articles.page_cache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Turns a locked-out sign-in into the lockout page (innermost but for the 404 fallback).
    "axes.middleware.AxesMiddleware",
    # Last, so it sees the final 404 and only then looks for a moved page.
    "articles.redirects.RedirectFallbackMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.publication",
            ],
        },
    },
]


# --- Database -------------------------------------------------------------------------

_database_url = env_service_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
# With two slashes the path's first folder is read as a host and dropped with a mere
# warning (sqlite://var/db.sqlite3 is ./db.sqlite3), or the whole name is
# (sqlite://db.sqlite3 is a database in memory, gone with each connection): the site
# would run on another database than the one it was given, an empty one.
if (
    urlsplit(_database_url).scheme == "sqlite"
    and not _database_url.startswith("sqlite:///")
    and _database_url != "sqlite://:memory:"
):
    raise ImproperlyConfigured(
        f"DATABASE_URL={_database_url!r} names no database file: write sqlite:/// and the "
        "path, three slashes before a path in the project folder (sqlite:///var/db.sqlite3), "
        "four before a full one (sqlite:////srv/db.sqlite3)."
    )
DATABASES = {"default": env.db_url_config(_database_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] != ":memory:":
        DATABASES["default"]["NAME"] = str(BASE_DIR / DATABASES["default"]["NAME"])
    DATABASES["default"]["OPTIONS"] = {
        # Web traffic writes concurrently: WAL lets readers run beside one writer,
        # IMMEDIATE takes the write lock up front so a transaction never fails half-way
        # on upgrade, and busy_timeout waits for the lock instead of "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA foreign_keys=ON;"
        ),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that stops answering (packets dropped, not refused) would hold each
    # request until gunicorn's 30-second timeout, and /healthz would answer too late for a
    # load balancer: a connection is given 5 seconds to open, and one whose packets go
    # unanswered for 10 is dropped. Options in the URL (?connect_timeout=, in seconds, as
    # libpq reads it; tcp_user_timeout in milliseconds) win.
    for option, value in {"connect_timeout": 5, "tcp_user_timeout": 10_000}.items():
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(option, value)
# Persistent connections; PostgreSQL's are checked before reuse, so a restarted server
# is no outage (Django has nothing to check for SQLite). With SQLite too: a connection
# per request re-runs the pragmas above and re-reads the schema, 0.7 ms each time.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Cache ----------------------------------------------------------------------------

CACHES = {
    "default": env.cache_url_config(
        env_service_url("CACHE_URL", default="locmemcache://publication")
    )
}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Room for every page of a mid-sized site; the default of 300 would churn.
    CACHES["default"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 5000
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # An unreachable Redis must cost a page a second, not hang the worker until gunicorn
    # ends the request; a URL's own ?socket_timeout= wins.
    for option in ("socket_connect_timeout", "socket_timeout"):
        CACHES["default"].setdefault("OPTIONS", {}).setdefault(option, 1)

# Whole pages for anonymous readers (articles/page_cache.py). 0 switches it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_ALIAS = "default"
# With the in-process cache, workers agree on what is fresh through this file.
PAGE_CACHE_GENERATION_FILE = env_project_path(
    "PAGE_CACHE_GENERATION_FILE", default=VAR_DIR / "page-cache-generation"
)
# Saving any model of these apps makes cached pages stale (not the kept versions of
# articles and programs: django-reversion keeps them in rows of its own app, and keeping
# one changes no page)...
PAGE_CACHE_APPS = ["articles", "programs", "comments"]
# ...except these, which no page shows as they are.
PAGE_CACHE_IGNORED_MODELS = []
# Paths never served from the page cache.
PAGE_CACHE_SKIP = [f"/{ADMIN_URL}", "/healthz", "/static/", "/media/"]
# The query parameters that change what a cached page shows; any other (utm_source, ...)
# is served the page's own entry. A page that comes to read another must be listed here,
# or below if its values are free text.
PAGE_CACHE_QUERY_PARAMETERS = ["page"]
# Parameters with free-text values: such a request is rendered afresh and not stored.
PAGE_CACHE_BYPASS_PARAMETERS = ["q", "reply_to"]
# Functions returning when the next scheduled change goes live (or None).
PAGE_CACHE_SCHEDULE_PROVIDERS = [
    "articles.page_cache.next_article_change",
    "articles.page_cache.next_disclaimer_change",
    "articles.page_cache.next_new_year",
    "programs.schedule.next_promotion_change",
    "comments.schedule.next_comments_closing",
]
# Site-wide rows every page reads (publication settings, disclaimer, comment notes) and
# each article's rendered comment thread, kept this long at most; any save of content or
# scheduled change replaces them sooner. 0 switches this off.
SITE_ROWS_CACHE_SECONDS = env_int("SITE_ROWS_CACHE_SECONDS", default=3600)
# Hidden form fields whose value is made afresh for each reader of a cached page.
PAGE_CACHE_REFRESHED_FIELDS = {"timestamp": "comments.moderation.refresh_form_token"}
# How long a browser's copy of a page with a form may be confirmed (304) at most: half
# the two hours the comment form's signed time is good for.
PAGE_CACHE_FORM_REVALIDATE_SECONDS = 3600


# --- Programs -------------------------------------------------------------------------

# A counted click changes no page, so it must not empty the page cache.
PAGE_CACHE_IGNORED_MODELS += ["programs.ProgramClick"]


# --- E-mail ---------------------------------------------------------------------------

_email = env.email_url_config(env_service_url("EMAIL_URL", default="consolemail://"))
# Port 465 speaks TLS from the first byte, where STARTTLS (what django-environ makes of
# "smtps://") waits for a greeting that never comes; and an address without a port is
# sent to the port its scheme's security uses, not to 25, which most providers refuse.
if _email.get("EMAIL_PORT") == 465 and _email.get("EMAIL_USE_TLS"):
    _email |= {"EMAIL_USE_TLS": False, "EMAIL_USE_SSL": True}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") and not _email.get("EMAIL_PORT"):
    _email["EMAIL_PORT"] = (
        465 if _email.get("EMAIL_USE_SSL") else 587 if _email.get("EMAIL_USE_TLS") else 25
    )
vars().update(_email)
# E-mails go out once a response is sent, by the worker that sent it and still inside
# gunicorn's 30-second limit for the request: a stalled SMTP server must give up well
# before it, or the worker is killed with the e-mails unsent.
# 0 does not mean "no limit": Python refuses a socket with no wait at all, so no e-mail
# would ever leave.
EMAIL_TIMEOUT = env_int(
    "EMAIL_TIMEOUT", default=10, minimum=1, too_small="with which no e-mail could be sent"
)
# An address alone is sent under the publication's name (comments.notifications).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="editors@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


# --- Authentication -------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Where signing in leads when the link's `next` is unsafe or empty: Django's default,
# /accounts/profile/, is no page here.
LOGIN_REDIRECT_URL = "admin:index"


# --- Internationalisation -------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
# The site and its admin are in English only: without the translation machinery every
# date, label and form field on a page is a little cheaper (Django's own advice).
USE_I18N = False
USE_TZ = True
# Dates typed in the admin: year-month-day or with the month's name, never 01/12/2026,
# which means a different day on each side of the Atlantic (config/formats/en).
FORMAT_MODULE_PATH = ["config.formats"]


# --- Static and media files -----------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = env_project_path("MEDIA_ROOT", default=VAR_DIR / "media")

STORAGES = {
    "default": {
        "BACKEND": env("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage"),
    },
    "staticfiles": {
        # Hashed names let browsers cache for a year; compressed copies save bandwidth.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
# Several app servers share uploads through S3-compatible object storage (AWS S3,
# Cloudflare R2, MinIO, ...): set MEDIA_STORAGE=storages.backends.s3.S3Storage and these.
# The class's older name, which many guides still give, is the same class.
_S3_STORAGE_CLASSES = ["storages.backends.s3.S3Storage", "storages.backends.s3boto3.S3Boto3Storage"]
if STORAGES["default"]["BACKEND"] in _S3_STORAGE_CLASSES:
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": env("S3_BUCKET"),
        "endpoint_url": env("S3_ENDPOINT_URL", default=None),
        "region_name": env("S3_REGION", default=None),
        "access_key": env("S3_ACCESS_KEY_ID", default=None),
        "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
        # A CDN or public bucket domain serves the files; signed URLs would defeat caching.
        # The host name alone: storages writes https:// before it, so "https://cdn/" would
        # make every image address "https://https://cdn//...".
        "custom_domain": env("S3_CUSTOM_DOMAIN", default="").split("://")[-1].strip("/") or None,
        "querystring_auth": False,
        "file_overwrite": False,
        "default_acl": None,
    }
# Local media are served by the app itself (fine for one server); with object storage the
# storage's own URLs are used and this is switched off.
SERVE_MEDIA = env_bool(
    "SERVE_MEDIA", default=STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
)
# Uploads larger than this are refused before Pillow ever decodes them.
MAX_IMAGE_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
# Each frame costs time of its own to check and re-encode, however small: 10 MB of 1-pixel
# frames is 400,000 of them, minutes of work for one save.
MAX_IMAGE_FRAMES = 1000
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024


# --- Rich-text editor -----------------------------------------------------------------

# What a paste keeps (static/js/admin-rich-text-paste.js), an extension the editor loads
# itself ("PastedContent" in articles/models.py). It adds no tag of its own: the body's
# allowlist stays the one in articles/html.py.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/admin-rich-text-paste.js")],
        "extensions": {"PastedContent": html_tags([])},
    },
]


# --- Logging --------------------------------------------------------------------------

# Checked here: logging itself would stop the start with "Unable to configure root
# logger", naming neither the variable nor the word.
LOG_LEVEL = env("LOG_LEVEL", default="INFO").strip().upper()
if LOG_LEVEL not in logging.getLevelNamesMapping():
    raise ImproperlyConfigured(
        f"LOG_LEVEL={env('LOG_LEVEL')!r} is not a log level: write DEBUG, INFO, WARNING, "
        "ERROR or CRITICAL (LOG_LEVEL=INFO)."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Like gunicorn's own lines, so one log reads as one story: when, which worker, what.
    "formatters": {
        "plain": {
            "format": "[{asctime}] [{process}] [{levelname}] {name}: {message}",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
            "style": "{",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Expected 404s and bad input are not worth a log line each in production.
        "django.request": {"level": "ERROR"},
    },
}


# --- Comments -------------------------------------------------------------------------
# The fixed figures (2 s to 2 h form timestamp, 15 s and 5 per 10 min flood limits,
# 15/30-day retention) are in comments/moderation.py; word lists are edited in the admin.

# Who gets one e-mail per comment held for moderation (comma-separated addresses).
COMMENTS_MODERATOR_EMAILS = env_list("COMMENTS_MODERATOR_EMAILS", default=[])
# Articles stop taking comments this many days after publication; 0 never closes them.
COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", default=0)
# A first comment from an e-mail address waits for a moderator.
COMMENTS_HOLD_FIRST_COMMENT = env_bool("COMMENTS_HOLD_FIRST_COMMENT", default=True)
# A comment with this many links or more waits for a moderator.
COMMENTS_HOLD_LINKS = env_int("COMMENTS_HOLD_LINKS", default=2)
# How long after posting a commenter may still edit their comment, from the browser they
# posted it in; 0 turns editing off.
COMMENTS_EDIT_MINUTES = env_int("COMMENTS_EDIT_MINUTES", default=15)
# Flood-control bookkeeping, the moderation lists and the record of confirmation links
# sent change no page.
PAGE_CACHE_IGNORED_MODELS += [
    "comments.SenderActivity",
    "comments.ModerationTerm",
    "comments.ConfirmationLinkSent",
]


# --- Discovery: feeds, sitemap, search, redirects --------------------------------------

# Models whose published pages get a 301 from their old address when the slug changes.
REDIRECT_ON_SLUG_CHANGE = [
    "articles.Article",
    "articles.Author",
    "articles.Topic",
    "programs.Program",
]
# Where those pages were last seen changes no page.
PAGE_CACHE_IGNORED_MODELS += ["articles.PublicAddress"]
# Longer queries are cut: nobody types more, and it bounds the work a query can cause.
SEARCH_MAX_QUERY_LENGTH = 200
SEARCH_RESULTS_PER_PAGE = 10


# --- Production profile ---------------------------------------------------------------

# `make run` serves plain http://127.0.0.1:8000; a real deployment sits behind an HTTPS
# proxy. PRODUCTION=true switches on everything that only works over HTTPS (Secure,
# `__Host-` cookies, HSTS, the redirect to https) and refuses to start on guessed values.
PRODUCTION = env_bool("PRODUCTION", default=False)
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("PRODUCTION=true and DEBUG=true: debug pages leak secrets.")
    if not env_list("ALLOWED_HOSTS", default=[]):
        raise ImproperlyConfigured(
            "PRODUCTION=true needs ALLOWED_HOSTS, the host names this site answers to "
            "(for example ALLOWED_HOSTS=example.org,www.example.org)."
        )

# gunicorn marks a request as https from the proxy's X-Forwarded-Proto, and only when the
# proxy's address is in FORWARDED_ALLOW_IPS; so SECURE_PROXY_SSL_HEADER stays unset and no
# client can claim https by sending the header itself.
SECURE_SSL_REDIRECT = PRODUCTION
# Load balancers probe the health check over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", default=31_536_000) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
# Consent to the browsers' preload list; the domain is listed only once someone submits it.
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
# `__Host-` cookies are refused by browsers unless Secure, host-only and for path /, so a
# sibling subdomain can never plant or overwrite them; they need https, hence production only.
SESSION_COOKIE_NAME = "__Host-sessionid" if PRODUCTION else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if PRODUCTION else "csrftoken"


# --- Security -------------------------------------------------------------------------

# Headers on every response (the policy itself is below).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# Uploaded images and static files may be shown by other sites (feed readers).
CROSS_ORIGIN_SHARED_PATHS = [
    path for path in [MEDIA_URL, "/" + STATIC_URL.lstrip("/")] if path.startswith("/")
]
X_FRAME_OPTIONS = "DENY"

# Cookies: never readable by scripts, not sent on cross-site posts. Messages live in the
# session, so no extra cookie is set for them.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A failed check brings a comment back with its text, not Django's bare 403 page.
CSRF_FAILURE_VIEW = "config.security.csrf_failure"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Staff are signed out after this many idle minutes; each request starts the clock again.
# 0 does not mean "never": the session cookie would expire as it is set.
SESSION_COOKIE_AGE = (
    env_int(
        "STAFF_IDLE_MINUTES",
        default=120,
        minimum=1,
        too_small="which would sign staff out as soon as they sign in",
    )
    * 60
)
SESSION_SAVE_EVERY_REQUEST = True


# Content-Security-Policy: only this site's own files, scripts and styles, plus an inline
# block carrying this response's nonce (`request.csp_nonce`); nothing from other hosts but
# the publisher's own media storage, when uploads live in object storage.
def _origin(url):
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


_media_storage = STORAGES["default"].get("OPTIONS", {})
_MEDIA_ORIGINS = {_origin(MEDIA_URL), _origin(_media_storage.get("endpoint_url"))}
if _media_storage.get("custom_domain"):
    _MEDIA_ORIGINS.add(f"https://{_media_storage['custom_domain']}")
elif _media_storage.get("bucket_name") and not _media_storage.get("endpoint_url"):
    # Amazon S3's own addresses for the bucket, with and without the region.
    _bucket = _media_storage["bucket_name"]
    _MEDIA_ORIGINS.add(f"https://{_bucket}.s3.amazonaws.com")
    if _media_storage.get("region_name"):
        _MEDIA_ORIGINS.add(f"https://{_bucket}.s3.{_media_storage['region_name']}.amazonaws.com")
_MEDIA_ORIGINS = sorted(filter(None, _MEDIA_ORIGINS))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, *_MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# django-axes: five failed sign-ins for one user name from one address lock that pair
# for 15 minutes; a successful sign-in clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"
# No banner on every start; failed sign-ins and lockouts are still logged.
AXES_VERBOSE = False
# Behind the proxy every request comes from its address; see config/security.py.
AXES_CLIENT_IP_CALLABLE = "config.security.sign_in_network"
# A user name longer than axes's column is cut to it, not a server error on PostgreSQL.
AXES_USERNAME_CALLABLE = "config.security.sign_in_username"
# Proxies whose X-Forwarded-For is believed: the same list gunicorn trusts.
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", default=["127.0.0.1"])

# Where `manage.py backup` writes its archives.
BACKUP_DIR = env_project_path("BACKUP_DIR", default=VAR_DIR / "backups")
