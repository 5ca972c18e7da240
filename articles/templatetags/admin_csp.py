"""Lets the admin's own pages run under the site's Content-Security-Policy unchanged."""

from django import template
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
