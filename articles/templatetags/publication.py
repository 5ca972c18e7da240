from django import template

from articles.html import render_html, render_json_ld

register = template.Library()


@register.filter
def rich_text(html):
    """Render staff-written rich text through the project's one sanitiser."""
    return render_html(html)


@register.filter
def json_ld(data):
    """Structured data for search engines, from a dict or list built in Python."""
    return render_json_ld(data)
