from django import template

register = template.Library()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, article):
    """The comment thread and form under an article."""
    return {"article": article}
