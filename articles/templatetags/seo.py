"""Tags that print what search engines and link previews read (see articles/seo.py)."""

from django import template
from django.urls import reverse

from articles import seo

register = template.Library()


def _meta(context, *, title, description, canonical, kind="website", image=None, **extra):
    return {
        "publication": context["publication"],
        "meta": {
            "title": title,
            # One text for search results and sharing cards alike, cut to a snippet.
            "description": seo.shorten(description),
            "canonical": canonical,
            "kind": kind,
            "image": image,
            **extra,
        },
    }


@register.inclusion_tag("includes/_meta.html", takes_context=True)
def page_meta(
    context, title="", description="", image=None, image_width=None, image_height=None, image_alt=""
):
    """Canonical link, Open Graph and Twitter card tags for an ordinary page. Without
    arguments it describes the site as a whole."""
    request, publication = context.get("request"), context.get("publication")
    if request is None or publication is None:
        # The 500 page renders without the request or context processors.
        return {"meta": None}
    page = context.get("page_obj")
    return _meta(
        context,
        title=title or publication.site_name,
        description=description or publication.tagline,
        canonical=seo.canonical_url(request, page.number if page else None),
        image=seo.sharing_image(request, image, image_width, image_height, image_alt),
    )


@register.inclusion_tag("includes/_meta.html", takes_context=True)
def home_meta(context):
    """The site's own tags, and the WebSite data with its search box."""
    request, publication = context["request"], context["publication"]
    return _meta(
        context,
        title=publication.site_name,
        description=publication.tagline,
        canonical=seo.canonical_url(request),
        structured_data=[seo.website_data(request, publication)],
    )


@register.inclusion_tag("includes/_meta.html", takes_context=True)
def topic_meta(context, topic):
    request, publication = context["request"], context["publication"]
    page = context.get("page_obj")
    trail = [("Home", reverse("articles:home")), (topic.name, topic.get_absolute_url())]
    numbered = f" (page {page.number})" if page and page.number > 1 else ""
    return _meta(
        context,
        title=f"{topic.name}{numbered} · {publication.site_name}",
        description=seo.shorten(topic.description or topic.name),
        canonical=seo.canonical_url(request, page.number if page else None),
        structured_data=[seo.breadcrumb_data(request, trail)],
        feed={
            "title": f"{topic.name} · {publication.site_name}",
            "url": reverse("articles:topic_feed", args=[topic.slug]),
        },
    )


@register.inclusion_tag("includes/_meta.html", takes_context=True)
def author_meta(context, author):
    """An author's page: their profile as structured data, and their photo for sharing."""
    request, publication = context["request"], context["publication"]
    page = context.get("page_obj")
    canonical = seo.canonical_url(request, page.number if page else None)
    image = seo.sharing_image(
        request, author.photo, author.photo_width, author.photo_height, author.name
    )
    numbered = f" (page {page.number})" if page and page.number > 1 else ""
    about = ", ".join(part for part in (author.name, author.credentials) if part)
    return _meta(
        context,
        title=f"{author.name}{numbered} · {publication.site_name}",
        description=author.bio or f"{about}: articles on {publication.site_name}.",
        canonical=canonical,
        kind="profile",
        image=image,
        structured_data=[
            seo.profile_data(request, author, canonical=canonical, image=image),
            seo.breadcrumb_data(
                request,
                [("Home", reverse("articles:home")), (author.name, author.get_absolute_url())],
            ),
        ],
    )


@register.inclusion_tag("includes/_meta.html", takes_context=True)
def article_meta(context, article):
    """Everything about one article: sharing tags with its cover, Article JSON-LD with
    authors, review and sources, and its breadcrumb trail."""
    request, publication = context["request"], context["publication"]
    description = seo.article_description(article)
    canonical = seo.article_canonical_url(request, article)
    image = seo.sharing_image(
        request, article.cover_image, article.cover_width, article.cover_height, article.cover_alt
    )
    return _meta(
        context,
        title=article.title,
        description=description,
        canonical=canonical,
        kind="article",
        image=image,
        published=article.publish_at,
        modified=article.last_changed,
        tags=[topic.name for topic in article.topics.all()],
        structured_data=[
            seo.article_data(
                request,
                article,
                publication,
                description=description,
                canonical=canonical,
                image=image,
            ),
            seo.breadcrumb_data(request, seo.article_breadcrumbs(article)),
        ],
    )
