"""Settings for the publication, read from the environment (and an optional `.env` file).

Every external service has an embedded default so that a fresh clone runs with nothing
installed; the environment variables documented in `.env.example` switch each one to the
real thing.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")


# --- Core -----------------------------------------------------------------------------

# No default: `make run` writes a generated key into `.env`; a missing key must fail loudly.
SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_prose_editor",
    "articles",
    "programs",
    "comments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves hashed, compressed static files from gunicorn itself: no separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers If-None-Match / If-Modified-Since with 304 for every page.
    "django.middleware.http.ConditionalGetMiddleware",
    # Outside the page cache, so cached pages carry the header too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the final 404 and only then looks for a moved page.
    "articles.redirects.RedirectFallbackMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Inside CSRF (to hand each reader a token of their own), outside everything that only
    # signed-in users need: a hit costs a cache read or two.
    "articles.page_cache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
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
else:
    # Persistent connections, checked before reuse so a restarted server is no outage.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Cache ----------------------------------------------------------------------------

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://publication")}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Room for every page of a mid-sized site; the default of 300 would churn.
    CACHES["default"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 5000

# Whole pages for anonymous readers (articles/page_cache.py). 0 switches it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_ALIAS = "default"
# With the in-process cache, workers agree on what is fresh through this file.
PAGE_CACHE_GENERATION_FILE = env.path(
    "PAGE_CACHE_GENERATION_FILE", default=VAR_DIR / "page-cache-generation"
)
# Saving any model of these apps makes cached pages stale...
PAGE_CACHE_APPS = ["articles", "programs", "comments"]
# ...except these, which no page shows as they are.
PAGE_CACHE_IGNORED_MODELS = []
# Paths never served from the page cache.
PAGE_CACHE_SKIP = ["/admin/", "/healthz", "/static/", "/media/"]
# Functions returning when the next scheduled change goes live (or None).
PAGE_CACHE_SCHEDULE_PROVIDERS = ["articles.page_cache.next_article_change"]
# Hidden form fields whose value is made afresh for each reader of a cached page.
PAGE_CACHE_REFRESHED_FIELDS = {"timestamp": "comments.moderation.refresh_form_token"}


# --- E-mail ---------------------------------------------------------------------------

vars().update(env.email("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="The Publication <editors@localhost>")
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


# --- Internationalisation -------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True


# --- Static and media files -----------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

STORAGES = {
    "default": {
        "BACKEND": env("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage"),
    },
    "staticfiles": {
        # Hashed names let browsers cache for a year; compressed copies save bandwidth.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
# Local media are served by the app itself (fine for one server); with object storage the
# storage's own URLs are used and this is switched off.
SERVE_MEDIA = env.bool(
    "SERVE_MEDIA", default=STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
)
# Uploads larger than this are refused before Pillow ever decodes them.
MAX_IMAGE_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024


# --- Logging --------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Expected 404s and bad input are not worth a log line each in production.
        "django.request": {"level": "ERROR"},
    },
}

# --- Discovery: feeds, sitemap, search, redirects --------------------------------------

# Models whose published pages get a 301 from their old address when the slug changes.
REDIRECT_ON_SLUG_CHANGE = ["articles.Article"]
# Longer queries are cut: nobody types more, and it bounds the work a query can cause.
SEARCH_MAX_QUERY_LENGTH = 200
SEARCH_RESULTS_PER_PAGE = 10
