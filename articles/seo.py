"""What search engines and link previews read: canonical URLs, sharing images, JSON-LD.

Every builder returns plain dicts; templates print them with the `json_ld` filter, the
one place structured data becomes HTML. Builders read only what the page's view has
already loaded (prefetched authors, topics and sources), so they add no query.
"""

from django.urls import reverse

from .renditions import rendition_name, widths_for

SCHEMA_CONTEXT = "https://schema.org"
# Search engines show about this many characters of a description.
DESCRIPTION_LENGTH = 160
# Link previews want about 1200 pixels across; larger files are slow to fetch.
SHARING_IMAGE_WIDTH = 1200


def absolute_url(request, location: str) -> str:
    return request.build_absolute_uri(location)


def canonical_url(request, page_number=None) -> str:
    """This page's own address: no query string except a page number past the first."""
    url = absolute_url(request, request.path)
    return f"{url}?page={page_number}" if page_number and page_number > 1 else url


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """`text` cut to at most `limit` characters at a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def article_description(article) -> str:
    """The search description staff wrote, or the start of the excerpt (or body)."""
    return article.seo_description or shorten(article.summary)


def article_canonical_url(request, article) -> str:
    """Where search engines should send readers: the override when the article first
    appeared elsewhere, otherwise its own address here."""
    return article.canonical_url or absolute_url(request, article.get_absolute_url())


def sharing_image(request, image, width, height, alt="") -> dict | None:
    """A link-preview image with its size: the widest JPEG rendition up to 1200 pixels,
    or the original when its size is not known."""
    if not image:
        return None
    if not (width and height):
        return {"url": absolute_url(request, image.url), "alt": alt}
    fitting = [candidate for candidate in widths_for(width) if candidate <= SHARING_IMAGE_WIDTH]
    if not fitting:
        return {
            "url": absolute_url(request, image.url),
            "width": width,
            "height": height,
            "alt": alt,
        }
    sized = max(fitting)
    return {
        "url": absolute_url(request, image.storage.url(rendition_name(image.name, sized, "jpg"))),
        "width": sized,
        "height": round(height * sized / width),
        "alt": alt,
    }


def organization(request, publication) -> dict:
    return {
        "@type": "Organization",
        "name": publication.site_name,
        "url": absolute_url(request, reverse("articles:home")),
    }


def person(author, url=None) -> dict:
    """`url`: the author's page, for the authors and reviewers of published articles (a
    program's instructor may have none)."""
    data = {"@type": "Person", "name": author.name}
    if url:
        data["url"] = url
    if author.credentials:
        data["honorificSuffix"] = author.credentials
    return data


def credited_person(request, author) -> dict:
    return person(author, absolute_url(request, author.get_absolute_url()))


def profile_data(request, author, *, canonical, image) -> dict:
    """An author's page as schema.org `ProfilePage` about a `Person`: who wrote and who
    reviewed a health article is what readers and search engines weigh it by."""
    about = credited_person(request, author)
    if author.bio:
        about["description"] = author.bio
    if image:
        about["image"] = image["url"]
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "ProfilePage",
        "url": canonical,
        "mainEntity": about,
    }


def website_data(request, publication) -> dict:
    """The site itself, with the search box search engines may offer under its name."""
    search_url = absolute_url(request, reverse("articles:search"))
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "WebSite",
        "name": publication.site_name,
        "description": publication.tagline,
        "url": absolute_url(request, reverse("articles:home")),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search_url}?q={{search_term}}"},
            "query-input": "required name=search_term",
        },
    }


def breadcrumb_data(request, trail) -> dict:
    """`trail` is a list of (name, location) pairs from the home page down to this page."""
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute_url(request, location),
            }
            for position, (name, location) in enumerate(trail, start=1)
        ],
    }


def article_breadcrumbs(article) -> list[tuple[str, str]]:
    trail = [("Home", reverse("articles:home"))]
    topics = list(article.topics.all())
    if topics:
        trail.append((topics[0].name, topics[0].get_absolute_url()))
    else:
        trail.append(("Articles", reverse("articles:list")))
    trail.append((article.title, article.get_absolute_url()))
    return trail


def citation(source) -> dict:
    is_news = source.study_type == source.StudyType.NEWS_REPORT
    data = {
        "@type": "NewsArticle" if is_news else "ScholarlyArticle",
        "name": source.title,
        "publisher": {"@type": "Organization", "name": source.publisher},
    }
    links = [link for link in (source.url, source.doi_url, source.pubmed_url) if link]
    if links:
        data["url"] = links[0]
    if len(links) > 1:
        data["sameAs"] = links[1:]
    return data


def article_data(request, article, publication, *, description, canonical, image) -> dict:
    """An article as schema.org `Article` and `MedicalWebPage` at once: the page type
    carries the medical review (`reviewedBy`, `lastReviewed`), the article type the
    authorship, dates and the studies it cites."""
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": ["Article", "MedicalWebPage"],
        "@id": f"{canonical}#article",
        "url": canonical,
        "mainEntityOfPage": canonical,
        "headline": article.title,
        "description": description,
        "inLanguage": "en",
        "datePublished": article.publish_at.isoformat(),
        "dateModified": article.last_changed.isoformat(),
        "wordCount": article.word_count,
        "isAccessibleForFree": True,
        "publisher": organization(request, publication),
    }
    authors = article.ordered_authors()
    if authors:
        data["author"] = [credited_person(request, author) for author in authors]
    else:
        data["author"] = organization(request, publication)
    topics = [topic.name for topic in article.topics.all()]
    if topics:
        data["articleSection"] = topics[0]
        data["keywords"] = topics
    if image:
        image_object = {"@type": "ImageObject", "url": image["url"]}
        if "width" in image:
            image_object |= {"width": image["width"], "height": image["height"]}
        data["image"] = [image_object]
    if article.reviewed_by and article.last_reviewed:  # as the page names the reviewer
        data["reviewedBy"] = credited_person(request, article.reviewed_by)
    if article.last_reviewed:
        data["lastReviewed"] = article.last_reviewed.isoformat()
    sources = list(article.sources.all())
    if sources:
        data["citation"] = [citation(source) for source in sources]
    return data
