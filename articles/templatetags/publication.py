from django import template
from django.utils.html import format_html

from articles.html import render_html, render_json_ld
from articles.renditions import srcset

register = template.Library()


@register.filter
def rich_text(html):
    """Render staff-written rich text through the project's one sanitiser."""
    return render_html(html)


@register.filter
def json_ld(data):
    """Structured data for search engines, from a dict or list built in Python."""
    return render_json_ld(data)


@register.simple_tag
def picture(image, width, height, alt, sizes="100vw", eager=False, css_class=""):
    """A responsive <picture>: WebP renditions, JPEG fallbacks, the stored size so the
    page does not shift while loading, and lazy loading unless it is above the fold."""
    if not image:
        return ""
    loading, priority = ("eager", "high") if eager else ("lazy", "auto")
    if not width or not height:
        return format_html(
            '<img class="{}" src="{}" alt="{}" loading="{}" fetchpriority="{}" decoding="async">',
            css_class,
            image.url,
            alt,
            loading,
            priority,
        )
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img class="{}" src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
        'loading="{}" fetchpriority="{}" decoding="async"></picture>',
        srcset(image, width, "webp"),
        sizes,
        css_class,
        image.url,
        srcset(image, width, "jpg"),
        sizes,
        width,
        height,
        alt,
        loading,
        priority,
    )
