from django import template

register = template.Library()


@register.inclusion_tag("programs/_home_band.html", takes_context=True)
def programs_band(context):
    """The "Our programs" band on the home page."""
    return {"programs": []}


@register.inclusion_tag("programs/_article_promotions.html", takes_context=True)
def article_promotions(context, article):
    """The labelled "From the publisher" block beside an article."""
    return {"programs": [], "article": article}
