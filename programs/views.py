import contextlib
import logging
from urllib.parse import urlsplit

from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from articles.models import Author

from .models import Program, Testimonial
from .services import click_record, is_automated

logger = logging.getLogger(__name__)

# Headings of the groups on /programs/, in the order they appear.
KIND_HEADINGS = {
    Program.Kind.COURSE: "Courses",
    Program.Kind.PROGRAM: "Programs",
    Program.Kind.ONE_TO_ONE_PLAN: "One-to-one plans",
    Program.Kind.OTHER: "More from us",
}


class ProgramListView(ListView):
    """All published programs, grouped by kind; closed ones last in their group."""

    template_name = "programs/program_list.html"
    context_object_name = "programs"

    def get_queryset(self):
        return Program.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programs = sorted(context["programs"], key=lambda program: program.is_enrolment_closed)
        context["groups"] = [
            (kind, heading, members)
            for kind, heading in KIND_HEADINGS.items()
            if (members := [program for program in programs if program.kind == kind])
        ]
        return context


class ProgramDetailView(DetailView):
    """A program's sales page. Staff who may edit programs also see drafts, under a
    preview banner; everyone else gets a 404 for those."""

    template_name = "programs/program_detail.html"
    context_object_name = "program"

    def get_queryset(self):
        return Program.objects.visible_to(self.request.user).prefetch_related(
            "modules",
            "faqs",
            Prefetch("instructors", queryset=Author.objects.with_page_flag()),
            Prefetch(
                "testimonials",
                queryset=Testimonial.objects.approved(),
                to_attr="approved_testimonials",
            ),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=not self.object.is_published, **kwargs)


# How long a click waits for SQLite's write lock (held by a long save or a backup) before
# the reader is sent on uncounted: a comment waits up to 20 s to be saved, a click must not.
CLICK_WRITE_WAIT_MS = 250


@contextlib.contextmanager
def _brief_wait_for_writes():
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        usual = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {CLICK_WRITE_WAIT_MS:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual):d}")


@never_cache
@require_safe
def program_go(request, slug):
    """Count a click on a program's button, then send the reader to its enrolment URL.

    Only the program's own URL is ever a target, so no parameter can make this an open
    redirect. HEAD requests, bots and browser prefetches are sent on without being
    counted, and a failed count never stops a reader from enrolling.
    """
    program = get_object_or_404(Program.objects.published(), slug=slug)
    if urlsplit(program.cta_url).scheme.lower() not in ("https", "http"):
        # Only a row written around the admin's checks could get here.
        logger.error("Program %s has an enrolment URL that is not http(s)", program.pk)
        raise Http404("This program has no enrolment page.")
    if request.method == "GET" and not is_automated(request):
        try:
            with _brief_wait_for_writes():
                click_record(
                    program=program,
                    article_slug=request.GET.get("from", ""),
                    via=request.GET.get("via", ""),
                )
        except DatabaseError:
            logger.exception("A click on program %s could not be counted", program.pk)
    response = HttpResponseRedirect(program.cta_url)
    response["X-Robots-Tag"] = "noindex"
    return response
