import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from articles.admin import (
    STAFF_FIELDS,
    TEXT_FIELDS,
    KeptVersionsAdmin,
    NamedRowsDeletionMixin,
    SavedSinceOpenedForm,
    UploadNoticeMixin,
    WebAddressMixin,
    image_thumbnail,
)

from .models import FAQ, Module, Program, ProgramClick, Testimonial
from .services import REPORT_DAYS, click_report

CHART_WIDTH = 600
CHART_HEIGHT = 120
CHART_TOP = 16  # room for the label of the busiest day
SOURCE_BAR_WIDTH = 160


class PromotionFilter(admin.SimpleListFilter):
    title = "promotion"
    parameter_name = "promotion"

    def lookups(self, request, model_admin):
        return [
            ("now", "Promoted now"),
            ("upcoming", "Starts later"),
            ("ended", "Ended (enrolment closed)"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "now":
            return queryset.promoted(on=today)
        if self.value() == "upcoming":
            return queryset.filter(promote_from__gt=today)
        if self.value() == "ended":
            return queryset.filter(promote_until__lt=today)
        return queryset


class ModuleInline(admin.StackedInline):
    model = Module
    extra = 0
    fields = [("title", "position"), "summary"]
    formfield_overrides = STAFF_FIELDS | {
        models.TextField: TEXT_FIELDS | {"widget": AdminTextareaWidget({"rows": 2})}
    }


class FAQInline(admin.StackedInline):
    model = FAQ
    extra = 0
    fields = [("question", "position"), "answer"]
    formfield_overrides = STAFF_FIELDS | {
        models.TextField: TEXT_FIELDS | {"widget": AdminTextareaWidget({"rows": 3})}
    }


class TestimonialInline(admin.StackedInline):
    model = Testimonial
    extra = 0
    fields = [("name", "role", "position"), "quote", "is_approved"]
    formfield_overrides = STAFF_FIELDS | {
        models.TextField: TEXT_FIELDS | {"widget": AdminTextareaWidget({"rows": 3})}
    }


def clicks_since(since: datetime.date):
    """Clicks per program since `since`, as a subquery (no join that could multiply rows)."""
    return Coalesce(
        Subquery(
            ProgramClick.objects.filter(program=OuterRef("pk"), clicked_on__gte=since)
            .order_by()
            .values("program")
            .annotate(count=Count("pk"))
            .values("count"),
            output_field=models.IntegerField(),
        ),
        0,
    )


class ProgramForm(SavedSinceOpenedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.price is not None:
            self.initial["price"] = self.instance.price_in_currency_digits
        # The field's own "no more than 3 decimal places" would be wrong for most
        # currencies; the model says how many the chosen one has.
        self.fields["price"].error_messages["max_decimal_places"] = (
            "This price has too many decimal places for its currency."
        )
        # A number box drops a decimal comma as it is typed: "390,50" reached the server
        # as 39050 and was saved. Plain text reaches it as typed, and is refused.
        self.fields["price"].widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 14})
        # The field's own "Enter a valid URL." would say nothing of what is wrong.
        self.fields["cta_url"].error_messages["invalid"] = (
            "Enter the full address where readers enrol, as the browser shows it: "
            "https://, then the site's name, with no spaces (https://learn.example.org/course)."
        )
        self.fields["hours_per_week"].error_messages |= {
            "invalid": "Write the hours as a number, with a point for a half: 2.5 or 3.",
            "max_decimal_places": "Write the hours with one decimal at most: 2.5, not 2.25.",
            "max_whole_digits": "That is more hours than a week has.",
            # Four digits in all: 123.25 is refused for its decimals, not its size.
            "max_digits": "Write the hours with one decimal at most, up to 168.",
        }
        self.fields["price"].error_messages["max_whole_digits"] = (
            "This price is too large; check for a missing decimal point."
        )
        self.fields["duration_weeks"].error_messages["invalid"] = (
            "Write the duration as a whole number of weeks, such as 6."
        )
        self.fields["price"].error_messages["invalid"] = (
            "Write the price as a plain number, with a point before the cents and no "
            "thousands separator or currency sign: 390.50 or 1200."
        )

    def _post_clean(self):
        # A price the field refused is not also "missing" to the program's own checks.
        refused = list(self.errors.get("price", []))
        super()._post_clean()
        if refused:
            self._errors["price"] = self.error_class(refused)


@admin.register(Program)
class ProgramAdmin(NamedRowsDeletionMixin, WebAddressMixin, UploadNoticeMixin, KeptVersionsAdmin):
    form = ProgramForm
    sharp_widths = {"image": 900}
    list_display = [
        "title",
        "kind",
        "status",
        "is_featured",
        "price_shown",
        "promotion",
        "clicks_30_days",
        "sort_order",
    ]
    list_editable = ["sort_order"]
    list_filter = ["status", "kind", "format", "is_featured", PromotionFilter, "topics"]
    search_fields = ["title", "tagline", "summary", "slug", "instructors__name"]
    search_help_text = (
        "Finds words of the title or summary, the web address, or an instructor's name."
    )
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["instructors", "topics"]
    readonly_fields = ["image_preview", "click_report", "created_at", "updated_at"]
    inlines = [ModuleInline, FAQInline, TestimonialInline]
    save_on_top = True
    formfield_overrides = STAFF_FIELDS
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "tagline", "summary", "description"]}),
        (
            "Key facts",
            {
                "fields": [
                    "format",
                    ("duration_weeks", "workload", "hours_per_week"),
                    ("pricing", "price", "currency"),
                    "start_date",
                ]
            },
        ),
        ("Enrolment button", {"fields": [("cta_label", "cta_url")]}),
        ("People and topics", {"fields": ["instructors", "topics"]}),
        (
            "Publishing and promotion",
            {
                "description": "Published programs have a page at /programs/. They are "
                "promoted on the home page and beside articles from the first to the last "
                "day of the promotion window; after its last day the page says enrolment "
                "is closed.",
                "fields": [
                    "status",
                    ("promote_from", "promote_until"),
                    ("is_featured", "sort_order"),
                ],
            },
        ),
        ("Image", {"fields": ["image", "image_preview", "image_alt"]}),
        (f"Clicks in the last {REPORT_DAYS} days", {"fields": ["click_report"]}),
        ("Record", {"classes": ["collapse"], "fields": [("created_at", "updated_at")]}),
    ]

    def get_queryset(self, request):
        since = timezone.localdate() - datetime.timedelta(days=REPORT_DAYS - 1)
        return super().get_queryset(request).annotate(clicks_30_days=clicks_since(since))

    @admin.display(description=f"Clicks ({REPORT_DAYS} days)", ordering="clicks_30_days")
    def clicks_30_days(self, program):
        return program.clicks_30_days

    @admin.display(description="Promotion")
    def promotion(self, program):
        today = timezone.localdate()
        start, end = program.promote_from, program.promote_until
        if end and end < today:
            return f"Ended {end:%d %b %Y}"
        if start and start > today:
            window = f"Starts {start:%d %b %Y}" + (f", until {end:%d %b %Y}" if end else "")
        else:
            window = f"Now, until {end:%d %b %Y}" if end else "Now, no end date"
        # A draft is promoted nowhere, whatever its window says.
        if program.status != Program.Status.PUBLISHED:
            return f"Not promoted (draft); window: {window}"
        return window

    @admin.display(description="Price")
    def price_shown(self, program):
        return program.price_display

    def get_deleted_objects(self, objs, request):
        """The delete page names a program's counted clicks in one line, with their
        number: as lines of their own they were 81 for a popular program, and reading
        each click to list it took seconds once they ran to tens of thousands."""
        objs = list(objs)
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        clicks = dict(
            ProgramClick.objects.filter(program__in=objs)
            .values("program")
            .annotate(count=Count("pk"))
            .values_list("program", "count")
        )
        if not clicks:
            return to_delete, model_count, perms_needed, protected
        model_count[ProgramClick._meta.verbose_name_plural] = sum(clicks.values())
        plural = capfirst(ProgramClick._meta.verbose_name_plural)
        # Each program's line, followed by the list of what goes with it, if anything.
        programs = []
        for item in to_delete:
            if isinstance(item, list) and programs:
                programs[-1][1].extend(item)
            else:
                programs.append((item, []))
        if len(programs) != len(objs):
            # Not one line per program (never seen): the clicks in all, at the end.
            total = f"{plural}: {sum(clicks.values())}, the programs' click counts"
            return [*to_delete, total], model_count, perms_needed, protected
        listed = []
        for (line, with_it), program in zip(programs, objs, strict=True):
            if count := clicks.get(program.pk):
                with_it.append(f"{plural}: {count}, the program's click counts")
            listed += [line, with_it] if with_it else [line]
        return listed, model_count, perms_needed, protected

    # Said back after a save from the form (not from the list's order column): whether
    # readers can see the program, and its price as they will read it, so a slip in the
    # amount is seen at once.
    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, self.on_the_site(obj))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self.message_user(request, self.on_the_site(obj))
        return super().response_change(request, obj)

    def on_the_site(self, program):
        # "at $390", but "free" and "price on request": not "at Free".
        if program.pricing == Program.Pricing.PRICED and program.price is not None:
            price = f"at {program.price_display}"
        else:
            price = program.price_display.lower()
        if program.status != Program.Status.PUBLISHED:
            return f"On the site: hidden (draft); {price} once published."
        today = timezone.localdate()
        start, end = program.promote_from, program.promote_until
        if end and end < today:
            promotion = f"its promotion ended on {date_format(end, 'j M Y')}"
        elif start and start > today:
            promotion = f"promoted from {date_format(start, 'j M Y')}"
        else:
            promotion = "promoted now"
        if not (end and end < today):
            promotion += f", until {date_format(end, 'j M Y')}" if end else ", with no end date"
        return f"On the site: live, {price}; {promotion}."

    @admin.display(description="Current image")
    def image_preview(self, program):
        return image_thumbnail(program.image, size=240)

    @admin.display(description="Clicks")
    def click_report(self, program):
        if program.pk is None:
            return "Clicks on this program's buttons are counted here once it is saved."
        report = click_report(program=program)
        return render_to_string(
            "programs/admin/_click_report.html",
            {"report": report, **chart(report)},
        )


def chart(report):
    """Coordinates for the inline SVG bar charts of a click report."""
    busiest = report.busiest_day or 1
    slot = CHART_WIDTH / len(report.days)
    usable = CHART_HEIGHT - CHART_TOP
    bars = []
    for index, (day, clicks) in enumerate(report.days):
        height = round(usable * clicks / busiest, 1)
        bars.append(
            {
                "day": day,
                "clicks": clicks,
                "x": round(index * slot + 1, 1),
                "y": round(CHART_HEIGHT - height, 1),
                "width": round(slot - 2, 1),
                "height": height,
            }
        )
    # A share of all the clicks, written out (screen readers read no bar) and drawn to
    # the same scale: 17 of 84 clicks is a fifth of a bar, not a whole one.
    total = report.total or 1
    sources = [
        {
            "source": source,
            "percent": round(100 * source.clicks / total),
            "width": max(1, round(SOURCE_BAR_WIDTH * source.clicks / total)),
        }
        for source in report.sources
    ]
    return {
        "bars": bars,
        "sources": sources,
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "label_y": CHART_TOP - 4,
        "source_bar_width": SOURCE_BAR_WIDTH,
    }
