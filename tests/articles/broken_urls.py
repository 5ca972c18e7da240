"""A URLconf with a view that fails, to exercise the 500 page."""

from django.urls import include, path

from config.urls import handler500  # noqa: F401 - the error handler under test


def broken_view(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [
    path("boom/", broken_view),
    path("", include("articles.urls")),
]
