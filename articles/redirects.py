"""Old addresses keep working: a redirects table filled when a published page moves.

When staff change the slug of a published article (or of any model named in the
`REDIRECT_ON_SLUG_CHANGE` setting: programs, topics), its old addresses are recorded and
answer 301 with the new ones (a topic's feed too). The middleware consults the table
only for requests that would otherwise be a 404, so a live page always wins over a stale
redirect and normal pages cost no query.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django_prose_editor.fields import ProseEditorField

from .models import PublicAddress, Redirect


@transaction.atomic
def redirect_record_move(*, old_path: str, new_path: str) -> Redirect | None:
    """Send `old_path` to `new_path` from now on.

    Earlier redirects that led to `old_path` are pointed straight at `new_path`, so a
    reader never follows a chain, and a redirect away from `new_path` (the page moved
    back to an address it had before) is dropped, so no address ever loops.
    """
    if old_path == new_path:
        return None
    Redirect.objects.filter(new_path=old_path).update(new_path=new_path)
    # The page lives at `new_path` now; this also drops a chain that came back to it.
    Redirect.objects.filter(old_path=new_path).delete()
    redirect, _ = Redirect.objects.update_or_create(
        old_path=old_path, defaults={"new_path": new_path}
    )
    return redirect


def _tracks_moves(model) -> bool:
    return model._meta.label in settings.REDIRECT_ON_SLUG_CHANGE


def _public_addresses(instance) -> list[str]:
    # Its page, and for some models more addresses of their own (a topic's feed).
    addresses = getattr(instance, "public_addresses", None)
    return addresses() if addresses else [instance.get_absolute_url()]


@receiver(pre_save, dispatch_uid="redirects_remember_published_address")
def remember_published_address(sender, instance, raw=False, **kwargs):
    """Before a tracked object is saved, note its public addresses if readers can see it."""
    if raw or instance.pk is None or not _tracks_moves(sender):
        return
    published = sender._default_manager.published().filter(pk=instance.pk).first()
    instance._published_addresses_before_save = _public_addresses(published) if published else []


@receiver(post_save, dispatch_uid="redirects_record_moved_address")
def record_moved_address(sender, instance, raw=False, **kwargs):
    """After a tracked object is saved: if readers can see it at new addresses, send the
    ones they saw it at before there, whether it moved in this save or while it was
    unpublished; remember where readers see it (or last saw it)."""
    before = getattr(instance, "_published_addresses_before_save", [])
    instance._published_addresses_before_save = []
    if raw or not _tracks_moves(sender):
        return
    if not _is_public(instance):
        # Taken down: readers must not learn a draft's new address, but the old ones are
        # kept for the day it is published again.
        if before:
            _remember(instance, before)
        return
    new_paths = _public_addresses(instance)
    # The addresses are this page's now: a redirect left from them by an earlier page
    # would take readers away from it once it is taken down.
    Redirect.objects.filter(old_path__in=new_paths).delete()
    remembered = list(
        PublicAddress.objects.of(instance).order_by("position").values_list("path", flat=True)
    )
    # Moved in this save, or else from where readers last saw it: it may have moved while
    # unpublished, or the row already held the new address before this save (an earlier
    # version being restored is written into the row first, to fill the form).
    old_paths = before if before and before != new_paths else remembered
    if len(old_paths) == len(new_paths):
        for old_path, new_path in zip(old_paths, new_paths, strict=True):
            redirect_record_move(old_path=old_path, new_path=new_path)
    if new_paths != remembered:
        _remember(instance, new_paths)


def _is_public(instance) -> bool:
    return type(instance)._default_manager.published().filter(pk=instance.pk).exists()


@transaction.atomic
def _remember(instance, paths):
    # An address is one page's at a time: a page renamed to an address another used to
    # have takes it over, and the other's memory of it goes.
    PublicAddress.objects.filter(path__in=paths).delete()
    PublicAddress.objects.of(instance).delete()
    content_type = ContentType.objects.get_for_model(instance)
    PublicAddress.objects.bulk_create(
        PublicAddress(content_type=content_type, object_id=instance.pk, path=path, position=n)
        for n, path in enumerate(paths)
    )


@receiver(post_delete, dispatch_uid="redirects_forget_public_address")
def forget_public_address(sender, instance, **kwargs):
    """A deleted page is gone: its old addresses answer 404, not a redirect to one."""
    if _tracks_moves(sender):
        PublicAddress.objects.of(instance).delete()
        Redirect.objects.filter(new_path__in=_public_addresses(instance)).delete()


# What `page_at` says of an address it cannot judge: an uploaded file, a page's counted
# link, an unsubscribe link. Readers may or may not be shown something there.
UNKNOWN = "unknown"


def page_at(path: str) -> str | None:
    """What readers are shown at `path` (a query or fragment aside), named for staff; None
    when they would get "page not found"; UNKNOWN when that is not for this to say. The
    site's pages without a part in their address (lists, search) always answer; those of
    a page that moves by its slug (REDIRECT_ON_SLUG_CHANGE) answer while it is published."""
    path = path.split("?")[0].split("#")[0]
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if not match.kwargs:
        return "one of the site's own pages"
    slug = match.kwargs.get("slug")
    if slug is None:
        return UNKNOWN
    found = None
    for label in settings.REDIRECT_ON_SLUG_CHANGE:
        model = apps.get_model(label)
        for page in model._default_manager.published().filter(slug=slug):
            if path in _public_addresses(page):
                return f"the published {model._meta.verbose_name} “{page}”"
            found = UNKNOWN  # a page of its own under that one's address (/go/)
    return found


def public_addresses_of(instance) -> list[str]:
    """The addresses where readers see `instance` now, or none if they cannot."""
    published = type(instance)._default_manager.published().filter(pk=instance.pk).first()
    return _public_addresses(published) if published else []


def public_addresses_of_each(queryset) -> list[list[str]]:
    """`public_addresses_of` for each row readers can see of `queryset`, in one query."""
    published = queryset.model._default_manager.published().filter(pk__in=queryset.values("pk"))
    return [_public_addresses(row) for row in published]


# Conditions in one query of `pages_linking_to`: SQLite refuses a WHERE of more than a
# thousand, which deleting a few hundred articles at once would otherwise need.
LINK_CONDITIONS_PER_QUERY = 600


def pages_linking_to(paths: list[str]) -> list:
    """The published pages (of REDIRECT_ON_SLUG_CHANGE's models) whose rich text links to
    one of `paths`, written with or without the site's host or the final slash."""
    found = {}
    for label in settings.REDIRECT_ON_SLUG_CHANGE:
        model = apps.get_model(label)
        texts = [field.name for field in model._meta.fields if isinstance(field, ProseEditorField)]
        if not texts:
            continue
        per_query = max(1, LINK_CONDITIONS_PER_QUERY // (6 * len(texts)))
        for start in range(0, len(paths), per_query):
            links = Q()
            for name in texts:
                for path in paths[start : start + per_query]:
                    # Where a link's address ends: its closing quote, a section or a query.
                    for end in ('"', "#", "?"):
                        links |= Q(**{f"{name}__contains": path + end})
                        links |= Q(**{f"{name}__contains": path.rstrip("/") + end})
            for page in model._default_manager.published().filter(links):
                found[label, page.pk] = page  # once, though it links to several
    return list(found.values())


def current_address(path: str) -> str | None:
    """Where the page readers knew at `path` is now, if it moved (a form opened before a
    rename still posts to the old address)."""
    # Printed or pasted, an address gains or loses its final slash: a redirect staff made
    # for "/summer-sale" answers "/summer-sale/" too (the exact one first, if both exist).
    other = path[:-1] if path.endswith("/") and path != "/" else f"{path}/"
    found = dict(
        Redirect.objects.filter(old_path__in=[path, other]).values_list("old_path", "new_path")
    )
    if found:
        return found.get(path, found.get(other))
    return redirect_for_public_address(path)


def redirect_for_public_address(path: str) -> str | None:
    """Where a page readers last saw at `path` lives now, if it is public again at another
    address (published again by its scheduled time, with no save to record the move);
    the redirect is recorded then."""
    address = PublicAddress.objects.filter(path=path).select_related("content_type").first()
    if address is None:
        return None
    model = address.content_type.model_class()
    page = model._default_manager.published().filter(pk=address.object_id).first()
    if page is None:
        return None
    paths = _public_addresses(page)
    if address.position >= len(paths) or paths[address.position] == path:
        return None
    redirect_record_move(old_path=path, new_path=paths[address.position])
    _remember(page, paths)
    return paths[address.position]


class RedirectFallbackMiddleware:
    """Answer a 404 with a 301 when the table knows where the page went, when the page
    readers last saw at that address is public again at another, or when the address is
    a page's own in other letter case."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        if "\x00" in request.path:
            return response  # never a stored address, and PostgreSQL refuses NUL in a query
        location = current_address(request.path)
        lower = request.path.lower()
        if location is None and lower != request.path:
            # Printed and retyped, an address gains capitals; the site's own are lower-case.
            page = page_at(lower)
            location = lower if page not in (None, UNKNOWN) else current_address(lower)
        if location is None:
            return response
        if query := request.META.get("QUERY_STRING", ""):
            # Before a section staff may have named ("/programs/sleep/#enrol"): after it,
            # the query would become part of the section's name, and none would open.
            path, hash_mark, section = location.partition("#")
            location = f"{path}{'&' if '?' in path else '?'}{query}{hash_mark}{section}"
        return HttpResponsePermanentRedirect(location)
