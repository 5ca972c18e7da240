from urllib.parse import urlencode

from django import template
from django.urls import reverse

from articles.html import render_json_ld
from programs.models import Program
from programs.structured_data import program_course_data

register = template.Library()

HOME_BAND_COUNT = 3


@register.inclusion_tag("programs/_home_band.html", takes_context=True)
def programs_band(context):
    """The "Our programs" band on the home page: promoted programs, featured first."""
    programs = Program.objects.promoted().order_by("-is_featured", "sort_order", "title")
    return {"programs": list(programs[:HOME_BAND_COUNT]), "publication": context["publication"]}


@register.inclusion_tag("programs/_article_promotions.html", takes_context=True)
def article_promotions(context, article):
    """The labelled "From the publisher" block beside an article (nothing when the article
    or one of its topics opts out)."""
    return {
        "programs": Program.objects.for_article(article),
        "article": article,
        "publication": context["publication"],
    }


@register.simple_tag
def program_go_url(program, article=None, via=""):
    """The counted link to a program's enrolment page: `article` or `via` ("home", "list",
    "page") tells the report where the click came from."""
    url = reverse("programs:go", args=[program.slug])
    if article:
        return f"{url}?{urlencode({'from': article.slug})}"
    if via:
        return f"{url}?{urlencode({'via': via})}"
    return url


@register.simple_tag(takes_context=True)
def program_json_ld(context, program):
    """The program's schema.org `Course` as a JSON-LD script element."""
    return render_json_ld(
        program_course_data(
            program=program, request=context["request"], publication=context["publication"]
        )
    )
