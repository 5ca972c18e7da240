from django import template

from articles.html import render_html

register = template.Library()


@register.filter
def rich_text(html):
    """Render staff-written rich text through the project's one sanitiser."""
    return render_html(html)
