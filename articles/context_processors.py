from django.db.models import Subquery

from .models import DEFAULT_DISCLAIMER, Disclaimer, Publication
from .page_cache import cached_for_generation
from .search import box_max_length


def _chrome():
    """The publication settings and the disclaimer in effect, in one query."""
    in_effect = Disclaimer.objects.in_effect().values("text")[:1]
    publication = Publication.objects.filter(pk=1).annotate(disclaimer=Subquery(in_effect)).first()
    if publication is None:  # staff have not saved the settings yet
        publication = Publication(pk=1)
        publication.disclaimer = in_effect.values_list("text", flat=True).first()
    return {
        "publication": publication,
        "disclaimer_text": publication.disclaimer or DEFAULT_DISCLAIMER,
    }


def publication(request):
    """The site name, tagline and disclaimer that every page's chrome shows; read from
    the database once per change of content, not on every page. And the search box's
    length limit, which the header and the results page share."""
    return {
        **cached_for_generation("chrome", _chrome),
        "search_max_length": box_max_length(),
    }
