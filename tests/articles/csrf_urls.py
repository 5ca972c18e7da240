"""A page with a form, to check that cached pages hand each reader a working token."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

FORM_PAGE = engines["django"].from_string(
    '<!doctype html><title>Form</title><form method="post">{% csrf_token %}'
    '<button type="submit">Send</button></form>'
)


def form_page(request):
    if request.method == "POST":
        return HttpResponse("accepted")
    return HttpResponse(FORM_PAGE.render({}, request))


urlpatterns = [
    path("form/", form_page),
    path("", include("config.urls")),
]
