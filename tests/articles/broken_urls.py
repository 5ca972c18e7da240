"""The site's URLconf plus a view that fails, to exercise the 500 page."""

from django.urls import path

from config.urls import handler500  # noqa: F401 - the error handler under test
from config.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("deliberate failure for the 500 page test")


# The whole site's routes, so the page chrome can link to every section.
urlpatterns = [
    path("boom/", broken_view),
    *site_urlpatterns,
]
