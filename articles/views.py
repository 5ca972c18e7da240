import functools
import logging
import time
from http import HTTPStatus
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.db import DatabaseError, connection
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from comments.selectors import with_approved_comment_counts

from . import page_cache
from . import search as site_search
from .context_processors import publication
from .models import DEFAULT_DISCLAIMER, Article, Author, Publication, Topic

logger = logging.getLogger(__name__)

HOME_LATEST_COUNT = 6


def home(request):
    """The front page: the newest featured article, then the latest others."""
    articles = with_approved_comment_counts(Article.objects.published().for_listing())
    featured = articles.filter(is_featured=True).first()
    latest = articles.exclude(pk=featured.pk) if featured else articles
    return render(
        request,
        "articles/home.html",
        {"featured": featured, "latest": latest[:HOME_LATEST_COUNT]},
    )


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 10

    def get_queryset(self):
        return with_approved_comment_counts(Article.objects.published().for_listing())

    def paginate_queryset(self, queryset, page_size):
        page_cache.reads_query(self.request, "page")
        return super().paginate_queryset(queryset, page_size)


class TopicArticleListView(ArticleListView):
    template_name = "articles/topic_detail.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return super().get_queryset().filter(topics=self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class AuthorArticleListView(ArticleListView):
    """An author's page: who they are, the articles they wrote and, on the first page,
    the newest of those they reviewed as the medical reviewer."""

    template_name = "articles/author_detail.html"
    reviewed_shown = 20

    def get_queryset(self):
        self.author = get_object_or_404(Author.objects.published(), slug=self.kwargs["slug"])
        return super().get_queryset().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(author=self.author, **kwargs)
        reviewed = Article.objects.published().medically_reviewed().filter(reviewed_by=self.author)
        if context["page_obj"].number == 1:
            shown = list(reviewed.order_by("-publish_at", "-pk")[: self.reviewed_shown])
            context["reviewed_articles"] = shown
            context["reviewed_count"] = (
                reviewed.count() if len(shown) == self.reviewed_shown else len(shown)
            )
        return context


class ArticleDetailView(DetailView):
    """One article. Staff who may edit articles also see drafts and scheduled ones,
    under a preview banner; everyone else gets a 404 for those."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).for_page()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**article_page_context(self.request, self.object), **kwargs)


def article_page_context(request, article):
    """What the article page shows besides the article itself. Views elsewhere that
    render the page again (the comment form with its errors) use it too."""
    related = article.related_articles()
    # The article's topics and its related cards' topics, in one query.
    prefetch_related_objects([article, *related], "topics")
    return {
        "is_preview": not article.is_published,
        "related_articles": related,
    }


# When each health check last logged its failure: load balancers probe every few seconds,
# and one traceback a minute says as much as one a probe.
_outage_logged_at = {}


def _log_outage(check, message, *args, log=logger.exception):
    now, last = time.monotonic(), _outage_logged_at.get(check)
    if last is None or now - last >= 60:
        _outage_logged_at[check] = now
        log(message, *args)


@functools.cache
def uncollected_static_files():
    """The site's own static files missing from the manifest `collectstatic` wrote, such
    as every file after an update deployed without it: any page naming one answers 500.
    Fixed for the life of the process, as is the manifest the process read."""
    if settings.DEBUG or not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []  # names are not hashed (`make dev`): nothing to collect first
    collected = staticfiles_storage.hashed_files
    names = (
        path.relative_to(folder).as_posix()
        for folder in map(Path, settings.STATICFILES_DIRS)
        for path in folder.rglob("*")
        if path.is_file()
    )
    # collectstatic leaves out hidden and backup files (its default ignore patterns).
    return sorted(
        name
        for name in names
        if name not in collected
        and not any(part.startswith(".") for part in name.split("/"))
        and not name.endswith("~")
    )


@never_cache
def healthz(request):
    """For load balancers: 200 while the database answers and the static files are
    collected, 503 when not (every page would fail).

    The cache is reported too, but without it pages are only slower (they are rendered
    afresh), so a cache outage answers 200 "degraded": every server shares the cache, and
    a 503 would have the load balancer take them all out at once."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        _log_outage("database", "Health check: the database does not answer")
        checks["database"] = "unavailable"
    try:
        cache.set("healthz", "ok", 10)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "unavailable"
    except Exception:
        _log_outage("cache", "Health check: the cache does not answer")
        checks["cache"] = "unavailable"
    missing = uncollected_static_files()
    checks["static"] = f"{len(missing)} files not collected" if missing else "ok"
    if missing:
        _log_outage(
            "static",
            "Health check: static files not collected (run manage.py collectstatic and "
            "restart): %s",
            ", ".join(missing[:5]),
            log=logger.error,
        )
    if checks["database"] != "ok" or missing:
        status, code = "unavailable", HTTPStatus.SERVICE_UNAVAILABLE
    else:
        status = "ok" if checks["cache"] == "ok" else "degraded"
        code = HTTPStatus.OK
    return JsonResponse({"status": status, **checks}, status=code)


@never_cache
def staff_session(request):
    """For admin-keepalive.js on a form with unsaved work: counts as activity (the session
    is saved on every request), and says whether the editor is still signed in, with the
    form token to send, which signing in again in another tab changes."""
    user = request.user
    if not (user.is_active and user.is_staff):
        # An answer, not an error: the page asked whether, and shows what to do.
        return JsonResponse({"signed_in": False})
    return JsonResponse({"signed_in": True, "csrf_token": get_token(request)})


def admin_view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" redirect, for staff who may see that kind of row in the
    admin. Django's own answers any staff member with any row's address: a Moderator, who
    may not open articles, would learn the address of every draft and scheduled one."""
    # Digits only: the database would also take "+6", " 6" or "٦" for 6.
    if not (content_type_id.isascii() and content_type_id.isdigit()):
        raise Http404
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    if model is None or not any(
        request.user.has_perm(
            f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"
        )
        for action in ("view", "change")
    ):
        raise PermissionDenied
    return shortcut(request, content_type_id, object_id)


def server_error(request):
    """The 500 page, with the site chrome and disclaimer even when the database is down."""
    # Rendered without context processors, which may be what failed; templates and
    # tags that read the request still get it.
    context = {
        "request": request,
        "disclaimer_text": DEFAULT_DISCLAIMER,
        "publication": Publication(),
        "search_max_length": site_search.box_max_length(),
    }
    try:
        context.update(publication(request))
    except Exception:
        logger.exception("The error page could not load the current disclaimer")
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render(context))


def search(request):
    """Search results for `?q=`: programs first (there are few), then ranked articles,
    and a corrected query when there are few of either."""
    query = site_search.read_query(request.GET.get("q", ""))
    context = {
        "query": query,
        "articles": [],
        "programs": [],
        "page_obj": None,
    }
    if query:
        paginator = Paginator(
            site_search.search_article_ids(query), settings.SEARCH_RESULTS_PER_PAGE
        )
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        context["page_obj"] = page
        context["articles"] = site_search.article_results(list(page.object_list), query)
        if page.number == 1:
            context["programs"] = site_search.program_results(query)
            context["suggestion"] = site_search.suggestion(
                query, paginator.count + len(context["programs"])
            )
        if not page.object_list and not context["programs"]:
            context["topics"] = Topic.objects.filter(
                articles__in=Article.objects.published()
            ).distinct()
    return render(request, "articles/search.html", context)


def robots_txt(request):
    """Crawlers may read every public page; the sitemap lists them all. The admin is not
    named: this file is public, and a moved ADMIN_URL listed here would be no secret. Its
    pages carry their own "noindex" meta tag."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('articles:search')}",
        # Enrolment buttons pass through a click counter that is no page of its own.
        "Disallow: /programs/*/go/",
        # Each comment's no-JavaScript "Reply" link is the article page again.
        "Disallow: /*?reply_to=",
        "Disallow: /*&reply_to=",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    """Browsers and crawlers ask for /favicon.ico on every page that names no icon (the
    admin, feeds); a 404 there fills logs and consoles."""
    return redirect(static("img/favicon.svg"), permanent=True)
