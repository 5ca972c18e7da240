"""Lets the admin's own pages run under the site's Content-Security-Policy unchanged."""

from django import template
from django.conf import settings
from js_asset import Media

register = template.Library()


@register.filter
def with_csp_nonce(media, request):
    """Form media whose inline parts (django-prose-editor's import map) carry this
    response's CSP nonce; other media are returned as they are."""
    nonce = getattr(request, "csp_nonce", None)
    if isinstance(media, Media) and nonce is not None:
        return media.with_nonce(nonce)
    return media


@register.simple_tag
def keepalive_seconds():
    """How often a form holding unsaved work tells the server its editor is still there:
    well within the staff idle limit (SESSION_COOKIE_AGE)."""
    return max(1, settings.SESSION_COOKIE_AGE // 4)
