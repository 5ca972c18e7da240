from .models import DEFAULT_DISCLAIMER, Disclaimer, Publication
from .page_cache import cached_for_generation


def _chrome():
    disclaimer = Disclaimer.objects.current()
    return {
        "publication": Publication.load(),
        "disclaimer_text": disclaimer.text if disclaimer else DEFAULT_DISCLAIMER,
    }


def publication(request):
    """The site name, tagline and disclaimer that every page's chrome shows; read from
    the database once per change of content, not on every page."""
    return cached_for_generation("chrome", _chrome)
