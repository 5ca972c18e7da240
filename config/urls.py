from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve as static_serve

from articles import views as article_views


def serve_media(request, path):
    """Uploaded files, from wherever MEDIA_ROOT points when the request comes."""
    return static_serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    # Configurable (ADMIN_URL), so the sign-in page is not where every bot looks for it.
    # Before the admin's own URLs, which would take "session/" for an app's name.
    path(f"{settings.ADMIN_URL}session/", article_views.staff_session, name="staff_session"),
    # In place of the admin's own "View on site" redirect, which asks for no permission:
    # the same pattern as its own, so no way of writing the number ("+6") reaches it.
    path(
        f"{settings.ADMIN_URL}r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(article_views.admin_view_on_site),
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", article_views.healthz, name="healthz"),
    path("programs/", include("programs.urls")),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve_media,
        ),
    ]

handler500 = "articles.views.server_error"
