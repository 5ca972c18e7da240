"""Whole-page cache for anonymous readers, safe for pages that carry a comment form.

What makes a naive page cache wrong here, and what this one does instead:

- A page holds a CSRF token. The cached copy keeps a slot where the token was and
  each reader gets a token of their own on the way out, so a second visitor's comment is
  never refused.
- Some output belongs to one reader (the "awaiting moderation" notice, staff previews,
  messages). All of it lives in the session, so any request that carries a session
  cookie, and any response that sets one, bypasses the cache.
- A change must show at once in every worker and every app server. Entries are keyed by a
  *generation* that every save of published content bumps after its transaction commits.
  With a shared cache (Redis) the generation lives in the cache; with the embedded
  per-process memory cache, which cannot see another process's writes, it lives in a small
  file beside the database, so all workers on the machine agree.
- A scheduled article or promotion must appear on time without a save: an entry never
  outlives the next scheduled change.
- A cache that cannot be reached (Redis down) costs speed, never a page or a save: pages
  are rendered afresh and the failure is logged, once a minute. After a failure a process
  leaves the cache alone for a few seconds, so a host that does not answer at all costs
  its timeout once, not on every call of every page; a change that process saved
  meanwhile makes pages stale once it reaches the cache again.
"""

import datetime
import hashlib
import logging
import os
import re
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.middleware.http import ConditionalGetMiddleware
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.http import http_date
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

from config.compression import accepts_gzip, deflate_segment, gzip_member

logger = logging.getLogger(__name__)

CSRF_FIELD = "csrfmiddlewaretoken"
# Pages, and the feeds, sitemap and robots.txt that readers' apps and crawlers poll.
CACHED_CONTENT_TYPES = (
    "text/html",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/plain",
)
MIN_COMPRESSED_LENGTH = 200
# Part of every entry's key: entries of an earlier shape, still in a shared cache after a
# deploy, are never read.
ENTRY_FORMAT = 2
GENERATION_KEY = "page-cache:generation"
NEXT_CHANGE_SECONDS = 3600


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _uses_process_memory():
    return isinstance(_cache(), LocMemCache)


class CacheUnreachable(Exception):
    """The shared cache did not answer; the caller carries on without it."""


_last_reported = 0.0
# After a failure, calls from this process fail at once for this long.
RETRY_AFTER_SECONDS = 5
_unreachable_until = 0.0
# A change saved while the cache was out of reach: the generation is bumped when it
# answers again (until then other servers may show pages from before the change).
_bump_missed = False


# What a cache server that is down or out of reach raises: sockets and files give OSError,
# the Redis client its own errors. Anything else is a bug, and is not hidden as an outage.
UNREACHABLE_ERRORS = (OSError, RedisError)


def _clock():
    return time.monotonic()


def _shared_cache(method, *args, **kwargs):
    """One call to the shared cache, raising CacheUnreachable when the cache is out of
    reach and logging that once a minute."""
    global _last_reported, _unreachable_until
    if _clock() < _unreachable_until:
        raise CacheUnreachable
    try:
        return getattr(_cache(), method)(*args, **kwargs)
    except UNREACHABLE_ERRORS as error:
        _unreachable_until = _clock() + RETRY_AFTER_SECONDS
        if _clock() - _last_reported > 60:
            _last_reported = _clock()
            logger.error("The cache cannot be reached; pages are rendered afresh: %r", error)
        raise CacheUnreachable from error


# --- The generation ---------------------------------------------------------------------


def current_generation() -> str:
    if _uses_process_memory():
        path = Path(settings.PAGE_CACHE_GENERATION_FILE)
        try:
            return path.read_text()
        except FileNotFoundError:
            return bump_generation()
    if _bump_missed:
        generation = bump_generation()
        if _bump_missed:
            raise CacheUnreachable
        return generation
    generation = _shared_cache("get", GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        # add() so two servers starting at once settle on one value.
        if not _shared_cache("add", GENERATION_KEY, generation, timeout=None):
            generation = _shared_cache("get", GENERATION_KEY, generation)
    return generation


def bump_generation() -> str:
    """Make every cached page stale, in every worker and on every server."""
    generation = uuid.uuid4().hex
    if _uses_process_memory():
        path = Path(settings.PAGE_CACHE_GENERATION_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written then renamed, so a reader never sees a half-written value.
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as handle:
            handle.write(generation)
        os.replace(handle.name, path)
    else:
        # The save goes ahead: a cache that lost its connection may still hold pages from
        # before it, until this process reaches it again or they expire.
        global _bump_missed
        try:
            _shared_cache("set", GENERATION_KEY, generation, timeout=None)
            _bump_missed = False
        except CacheUnreachable:
            _bump_missed = True
    return generation


def content_changed(sender, **kwargs):
    """Signal receiver: published content changed, so cached pages are stale."""
    if kwargs.get("raw"):
        return  # a fixture load, row by row: `import_site` invalidates once at the end
    label = sender._meta.label
    if label in settings.PAGE_CACHE_IGNORED_MODELS:
        return
    if sender._meta.app_label not in settings.PAGE_CACHE_APPS:
        return
    # A model may know that this change shows on no public page (a held comment).
    if not getattr(kwargs.get("instance"), "changes_public_pages", True):
        return
    invalidate()


def invalidate():
    """Make cached pages stale now and again once the current transaction commits.

    Called for every save and delete of published content; writes that send no model
    signals (QuerySet.update, bulk_create) call it themselves. The second bump closes a
    race: a worker that rendered old rows between the first bump and the commit would
    otherwise have stored them under the new generation.
    """
    bump_generation()
    transaction.on_commit(bump_generation)


def connect_signals():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_changed, dispatch_uid=f"page_cache_{id(signal)}")


# --- Scheduled changes ------------------------------------------------------------------


def next_article_change():
    """When the next scheduled article goes live, or None."""
    Article = apps.get_model("articles", "Article")
    scheduled = Article.objects.scheduled().order_by("publish_at").only("publish_at").first()
    return scheduled.publish_at if scheduled else None


def next_disclaimer_change():
    """When a disclaimer version dated in the future takes effect, or None."""
    Disclaimer = apps.get_model("articles", "Disclaimer")
    upcoming = (
        Disclaimer.objects.filter(effective_from__gt=timezone.localdate())
        .order_by("effective_from")
        .first()
    )
    if upcoming is None:
        return None
    return timezone.make_aware(
        datetime.datetime.combine(upcoming.effective_from, datetime.time.min)
    )


def next_new_year():
    """Local midnight on 1 January: every footer's copyright year changes then."""
    next_year = timezone.localdate().year + 1
    return timezone.make_aware(datetime.datetime(next_year, 1, 1))


def seconds_until_next_change(generation, timeout=None) -> int:
    """How long an entry may live: `timeout` (the page cache's by default), or less when
    something scheduled is due sooner."""
    if timeout is None:
        timeout = settings.PAGE_CACHE_SECONDS
    key = f"page-cache:{generation}:next-change"
    due = _shared_cache("get", key)
    now = time.time()
    if due is None or (due and due <= now):
        moments = [
            moment
            for provider in settings.PAGE_CACHE_SCHEDULE_PROVIDERS
            if (moment := import_string(provider)()) is not None
        ]
        due = min(moments).timestamp() if moments else 0
        # Kept for the generation's life: it is checked against the clock on each read.
        _shared_cache("set", key, due, NEXT_CHANGE_SECONDS)
    if due:
        timeout = min(timeout, max(0, int(due - now)))
    return timeout


def cached_for_generation(name, compute):
    """`compute()`, kept until published content next changes (a save anywhere, or the
    next scheduled moment): for small site-wide rows that every page reads."""
    if settings.SITE_ROWS_CACHE_SECONDS <= 0:
        return compute()
    try:
        generation = current_generation()
        key = f"page-cache:{generation}:{name}"
        stored = _shared_cache("get", key)
    except CacheUnreachable:
        return compute()
    if stored is not None and stored[0] > time.time():
        return stored[1]
    try:
        # Before computing, as for pages (see PageCacheMiddleware.respond).
        expires_at = time.time() + seconds_until_next_change(
            generation, settings.SITE_ROWS_CACHE_SECONDS
        )
    except CacheUnreachable:
        return compute()
    value = compute()
    try:
        if (timeout := int(expires_at - time.time())) > 0:
            _shared_cache("set", key, (expires_at, value), timeout)
    except CacheUnreachable:
        pass
    return value


# --- The middleware ---------------------------------------------------------------------


def _is_page_number(value):
    # Written out, not int(): Python refuses to read a number of over 4,300 digits.
    return re.fullmatch(r"[1-9][0-9]{0,8}", value) is not None


def reads_query(request, *names):
    """Views call this for the PAGE_CACHE_QUERY_PARAMETERS they read (a list's "page"): a
    page that ignores ?page=7 is not stored once more for it, and for every other number."""
    request.page_cache_reads = {*getattr(request, "page_cache_reads", ()), *names}


class PageCacheMiddleware:
    """Serve anonymous GET requests for public pages from the cache.

    Sits after CsrfViewMiddleware (to hand out tokens) and before everything that only
    signed-in users need, so a cache hit costs one or two cache reads.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.respond(request)
        # Made for this reader (their "awaiting moderation" notice, their sign-in, or a
        # page not stored here for its query, with their own form token): no shared cache
        # on the way may keep it, whatever it does with Vary. Stored pages say no-cache.
        personal = settings.SESSION_COOKIE_NAME in request.COOKIES or (
            request.method in ("GET", "HEAD")
            and (not self.is_cacheable_query(request) or self.has_unread_query(request))
        )
        if personal and "Cache-Control" not in response:
            patch_cache_control(response, private=True)
        return response

    def respond(self, request):
        if not self.is_cacheable_request(request):
            return self.get_response(request)
        try:
            generation = current_generation()
            key = self.cache_key(generation, request)
            entry = _shared_cache("get", key)
        except CacheUnreachable:
            return self.get_response(request)
        # The expiry is kept in the entry too: a scheduled moment must end it exactly,
        # whatever the cache backend does with its own timeouts.
        if entry is not None and entry["expires_at"] > time.time():
            return self.response_from_entry(request, entry)
        # Read before the page is rendered: a page whose articles were read a moment
        # before a scheduled publication, and stored a moment after, would otherwise be
        # kept until the next scheduled change, without the article that just went live.
        try:
            expires_at = time.time() + seconds_until_next_change(generation)
        except CacheUnreachable:
            expires_at = 0
        response = self.get_response(request)
        if not self.is_cacheable_response(request, response):
            return response
        entry = self.entry_from_response(response)
        try:
            if (timeout := int(expires_at - time.time())) > 0:
                entry["expires_at"] = expires_at
                _shared_cache("set", key, entry, timeout)
        except CacheUnreachable:
            pass
        gzipped = self.sends_gzip(request, entry)
        if gzipped:
            # Compressed from the entry's segments: the page is compressed once.
            response.content = self.content(entry, lambda field, value: value, gzipped)
            response["Content-Encoding"] = "gzip"
            response["Content-Length"] = len(response.content)
        self.add_validators(request, response, entry, gzipped)
        return response

    def is_cacheable_request(self, request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not any(request.path.startswith(prefix) for prefix in settings.PAGE_CACHE_SKIP)
            and self.is_cacheable_query(request)
        )

    def is_cacheable_query(self, request):
        """Free text (a search, a reply link's comment number) is rendered afresh, never
        stored: every value would make an entry of its own, so a crawler or a script
        could fill the cache with copies and push real pages out. A page number is kept
        only as pages write it (`2`, not `02`, `+2` or `page=2&page=2`), for the same
        reason."""
        if any(name in request.GET for name in settings.PAGE_CACHE_BYPASS_PARAMETERS):
            return False
        return all(
            len(values) == 1 and _is_page_number(values[0])
            for name, values in request.GET.lists()
            if name in settings.PAGE_CACHE_QUERY_PARAMETERS
        )

    def is_cacheable_response(self, request, response):
        if response.status_code != 200 or response.streaming:
            return False
        if self.has_unread_query(request):
            return False
        if not response.get("Content-Type", "").startswith(CACHED_CONTENT_TYPES):
            return False
        if "private" in response.get("Cache-Control", "") or "no-store" in response.get(
            "Cache-Control", ""
        ):
            return False
        # A session begun by this request means output for this reader alone.
        if settings.SESSION_COOKIE_NAME in response.cookies:
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)

    def has_unread_query(self, request):
        kept = {name for name in request.GET if name in settings.PAGE_CACHE_QUERY_PARAMETERS}
        return bool(kept - getattr(request, "page_cache_reads", set()))

    def cache_key(self, generation, request):
        # Scheme and host too: canonical links, feeds and the sitemap give absolute
        # addresses, and a site answering on two names must not swap them. Of the query,
        # only what pages read: a newsletter's ?utm_source= shares the page's entry, and
        # a made-up ?x=1, ?x=2... cannot push real pages out of the cache.
        kept = sorted(
            (name, value)
            for name, values in request.GET.lists()
            if name in settings.PAGE_CACHE_QUERY_PARAMETERS
            for value in values
        )
        address = request.build_absolute_uri(request.path) + "?" + urlencode(kept)
        digest = hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()
        return f"page-cache:{generation}:{ENTRY_FORMAT}:{digest}"

    def entry_from_response(self, response):
        """The page as byte chunks around its per-reader form values, so that a hit only
        joins bytes: the CSRF token and the fields in PAGE_CACHE_REFRESHED_FIELDS (a signed
        "form served at" time) are issued afresh for each reader. Each chunk is kept
        compressed too, for browsers that accept gzip."""
        content = response.content.decode()
        fields = "|".join(
            re.escape(name) for name in (CSRF_FIELD, *settings.PAGE_CACHE_REFRESHED_FIELDS)
        )
        parts, stable, last = [], [], 0
        for match in re.finditer(rf'name="({fields})" value="([^"]*)"', content):
            value_start = match.start(2)
            parts.append(content[last:value_start].encode())
            parts.append((match.group(1), match.group(2)))
            stable.append(content[last:value_start])
            last = match.end(2)
        parts.append(content[last:].encode())
        stable.append(content[last:])
        etag = hashlib.md5("".join(stable).encode(), usedforsecurity=False).hexdigest()
        return {
            "parts": parts,
            # Like GZipMiddleware, not for bodies too short to gain from it (robots.txt).
            "deflated": None
            if len(content) < MIN_COMPRESSED_LENGTH
            else [deflate_segment(part) if isinstance(part, bytes) else None for part in parts],
            "content_type": response["Content-Type"],
            "etag": f'"{etag}"',
            # When the entry was made, not a feed's own newest date: an article taken off
            # the feed would make that date go back and readers keep the stale copy.
            "last_modified": time.time(),
            "headers": {
                name: value
                for name, value in response.items()
                if name.lower() in ("content-language", "link", "x-robots-tag")
            },
        }

    def sends_gzip(self, request, entry):
        return accepts_gzip(request) and entry["deflated"] is not None

    def add_validators(self, request, response, entry, gzipped):
        # Browsers revalidate each time (the page may hold a per-reader token) and get 304s.
        response["Cache-Control"] = "no-cache"
        patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
        etag, last_modified = self.validators(request, entry)
        # A compressed copy is another representation of the page: its tag is weak, as
        # Django's GZipMiddleware makes it, and still matches the plain one's.
        response["ETag"] = f"W/{etag}" if gzipped else etag
        response["Last-Modified"] = http_date(last_modified)

    def validators(self, request, entry):
        """The ETag and Last-Modified time that let this reader's browser keep its copy
        (a 304).

        A page with a form carries values made for one reader at one time: a CSRF token
        that matches the reader's CSRF cookie, and a signed "served at" time that
        expires. So its ETag names the cookie's secret (keyed, never the secret itself)
        and a window that moves on every PAGE_CACHE_FORM_REVALIDATE_SECONDS: a copy
        made for another cookie (cleared, or changed by signing in) or at another time
        is sent afresh, and a confirmed copy's form always works."""
        if len(entry["parts"]) == 1:  # no per-reader values
            return entry["etag"], entry["last_modified"]
        window = settings.PAGE_CACHE_FORM_REVALIDATE_SECONDS
        number = int(time.time() // window)
        # CsrfViewMiddleware puts the cookie's secret here; get_token() a new one.
        secret = request.META.get("CSRF_COOKIE", "")
        reader = salted_hmac("page-cache.reader", secret).hexdigest()[:16]
        return (
            f'{entry["etag"][:-1]}-{number}-{reader}"',
            max(entry["last_modified"], number * window),
        )

    def content(self, entry, value_for, gzipped):
        """The page's bytes, with `value_for(field, cached_value)` in each per-reader slot;
        gzipped from the stored segments, the per-reader values left uncompressed."""
        chunks = [
            part if isinstance(part, bytes) else value_for(*part).encode()
            for part in entry["parts"]
        ]
        if gzipped:
            return gzip_member(chunks, entry["deflated"])
        return b"".join(chunks)

    def response_from_entry(self, request, entry):
        gzipped = self.sends_gzip(request, entry)
        etag, last_modified = self.validators(request, entry)
        conditional = get_conditional_response(request, etag=etag, last_modified=int(last_modified))
        if conditional is not None:
            self.add_validators(request, conditional, entry, gzipped)
            return conditional
        token = None

        def value_for(field, cached_value):
            nonlocal token
            if field == CSRF_FIELD:
                token = token or get_token(request)
                return token
            return import_string(settings.PAGE_CACHE_REFRESHED_FIELDS[field])(cached_value)

        response = HttpResponse(
            self.content(entry, value_for, gzipped), content_type=entry["content_type"]
        )
        for name, value in entry["headers"].items():
            response[name] = value
        if gzipped:
            response["Content-Encoding"] = "gzip"
        response["X-Page-Cache"] = "hit"
        self.add_validators(request, response, entry, gzipped)
        return response


class NotModifiedMiddleware(ConditionalGetMiddleware):
    """Django's ConditionalGetMiddleware, which also clears the `Content-Length: 0` that
    CommonMiddleware gives the page cache's own 304s. HTTP allows a 304 no length but the
    full page's, and a proxy that copies the header onto its stored copy of the page
    would go on serving it empty."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if response.status_code == 304:
            del response["Content-Length"]
        return response
