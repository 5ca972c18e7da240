from .models import DEFAULT_DISCLAIMER, Disclaimer, Publication


def publication(request):
    """The site name, tagline and disclaimer that every page's chrome shows."""
    disclaimer = Disclaimer.objects.current()
    return {
        "publication": Publication.load(),
        "disclaimer_text": disclaimer.text if disclaimer else DEFAULT_DISCLAIMER,
    }
