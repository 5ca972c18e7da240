import datetime
import re
from contextlib import contextmanager, suppress
from urllib.parse import urlsplit

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.validators import validate_slug
from django.db import models, router
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, is_valid_path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, slugify
from reversion.admin import VersionAdmin
from reversion.models import Version

from config.security import is_own_host

from .models import (
    DEFAULT_DISCLAIMER,
    DOI,
    Article,
    ArticleAuthor,
    ArticleUpdate,
    Author,
    Disclaimer,
    PublicAddress,
    Publication,
    Redirect,
    Source,
    Topic,
    bare_doi,
    bare_pubmed_id,
)
from .redirects import (
    UNKNOWN,
    page_at,
    pages_linking_to,
    public_addresses_of,
    public_addresses_of_each,
)
from .renditions import rendition_name, widths_for
from .versions import version_differences, version_forget_deleted, version_keep_unrecorded

DATE_MESSAGE = (
    "Enter the date as 2026-12-01 or 1 Dec 2026, or pick it from the calendar "
    "(not as 01/12/2026, which is a different day in the US than elsewhere)."
)
TIME_MESSAGE = "Enter the time on the 24-hour clock, as 14:30, or pick it from the clock."

# Form fields as staff meet them: a web address typed without "https://" gets it, rather
# than "http://", and one that is no address says what to paste; a date or time the form
# cannot read is answered with the forms it takes (config/formats/en), not "Enter a
# valid date.".
URL_MESSAGE = (
    "Enter the page's whole address, as the browser shows it: https://www.nature.com/articles/…"
)
# In place of Django's "Ensure this value has at most 200 characters (it has 258).".
LENGTH_MESSAGE = (
    "Please shorten this to %(limit_value)d characters or fewer (it has %(show_value)d)."
)
TEXT_FIELDS = {"error_messages": {"max_length": LENGTH_MESSAGE}}


class SiteDateTimeField(forms.SplitDateTimeField):
    """A date and time in the site's zone that takes back the moment it was shown as.

    In the hour the clocks go back, 01:30 comes twice, and Django refuses it as
    ambiguous: an article published then ("Published now" at 01:30 on that night) could
    not be saved again, to mend a typo, without moving its time. The form sets `shown`
    to the stored moment; the time as it was shown means that moment."""

    shown = None

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except forms.ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
            typed = datetime.datetime.combine(*data_list)
            # An add form's `?publish_at=` arrives as text: nothing was stored yet.
            if (
                isinstance(self.shown, datetime.datetime)
                and timezone.make_naive(self.shown).replace(microsecond=0) == typed
            ):
                return self.shown
            raise forms.ValidationError(clock_change_message(typed), code=error.code) from error


def clock_change_message(typed: datetime.datetime) -> str:
    """What to type instead of a time the clocks skip or repeat in the site's zone. Django
    says only that the time "may be ambiguous or it may not exist"; staff need to know
    which, and a time that works."""
    zone = timezone.get_current_timezone()
    earlier, later = typed.replace(tzinfo=zone, fold=0), typed.replace(tzinfo=zone, fold=1)
    day = f"{typed:%H:%M} on {typed.day} {typed:%B %Y} in {zone}"
    if earlier.utcoffset() < later.utcoffset():
        # Skipped: read with the offset of before the change, it is the moment the clocks
        # showed after it.
        meant = earlier.astimezone(datetime.UTC).astimezone(zone)
        return f"There is no {day}: the clocks go forward then. Did you mean {meant:%H:%M}?"
    repeat = earlier.utcoffset() - later.utcoffset()
    return (
        f"{day} comes twice, as the clocks go back then. Choose {typed - repeat:%H:%M} or "
        f"{typed + repeat:%H:%M}, or another time outside the repeated hour."
    )


STAFF_FIELDS = {
    # Subclasses (slugs, e-mail addresses) take their nearest class's entry.
    models.CharField: TEXT_FIELDS,
    models.TextField: TEXT_FIELDS,
    models.EmailField: TEXT_FIELDS,
    models.URLField: {
        "assume_scheme": "https",
        "error_messages": {"invalid": URL_MESSAGE, "max_length": LENGTH_MESSAGE},
    },
    models.DateField: {"error_messages": {"invalid": DATE_MESSAGE}},
    models.DateTimeField: {
        "form_class": SiteDateTimeField,
        "error_messages": {"invalid_date": DATE_MESSAGE, "invalid_time": TIME_MESSAGE},
    },
}


def image_thumbnail(image_field, size=60):
    """The smallest rendition (a list of 100 covers must not load 100 camera originals),
    or the original while its size is unknown."""
    if not image_field:
        return "—"
    if not image_field._committed:
        # Chosen in a form that came back to be corrected: not stored, so nothing to show.
        return "—"
    widths = widths_for(image_field.width if image_field.field.width_field else None)
    url = (
        image_field.storage.url(rendition_name(image_field.name, widths[0], "jpg"))
        if widths
        else image_field.url
    )
    return format_html(
        '<img src="{}" alt="" width="{}" loading="lazy" class="admin-thumbnail">', url, size
    )


class UploadNoticeMixin:
    """A form that comes back to be corrected has lost its chosen files: browsers never
    refill a file input. Staff are told, or they would save again without the image.
    And an image too small for where pages show it is saved with a warning: a 1-pixel
    cover would be stretched into a coloured block."""

    # The widths that stay sharp where pages show each image, on a phone's dense screen.
    sharp_widths: dict[str, int] = {}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for name, sharp in self.sharp_widths.items():
            field = obj._meta.get_field(name)
            # The width the save stored: reading the image's own would fetch the file
            # again (from object storage, on several servers).
            width = getattr(obj, field.width_field)
            if name in form.changed_data and width and width < sharp:
                self.message_user(
                    request,
                    f"The {field.verbose_name} is only {width:,} pixel{'s' if width != 1 else ''} "
                    f"wide, so pages will show it blurred: one at least {sharp:,} pixels wide "
                    "stays sharp.",
                    messages.WARNING,
                )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        if request.method == "POST" and request.FILES and context.get("errors"):
            names = ", ".join(upload.name for upload in request.FILES.values())
            messages.warning(
                request,
                f"Please choose {names} again before saving: a browser does not keep a "
                "chosen file when a form comes back to be corrected.",
            )
        return response


class NamedRowsCollector(NestedObjects):
    """Django's collector for delete pages, reading with each row the rows its name
    reads (`named_after`): a topic's page named each of its articles with a query of
    its own, 200 queries for a topic of 200 articles. Rows a page gives only as a
    number (`delete_pages_count_only`) are not read at all: its admin counts them."""

    def can_fast_delete(self, objs, from_field=None):
        # Only for showing the page: the deletion itself runs Django's own collector.
        model = objs._meta.model if hasattr(objs, "_meta") else getattr(objs, "model", None)
        cascades = from_field is None or from_field.remote_field.on_delete is models.CASCADE
        return cascades and getattr(model, "delete_pages_count_only", False)

    def related_objects(self, related_model, related_fields, objs):
        rows = super().related_objects(related_model, related_fields, objs)
        if named_after := getattr(related_model, "named_after", ()):
            # Not with no names: select_related() would follow every foreign key.
            rows = rows.select_related(*named_after)
        return rows


class NamedRowsDeletionMixin:
    """Delete pages whose queries do not grow with what they list: Django's
    `get_deleted_objects`, with `NamedRowsCollector`."""

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        if not objs:
            return [], {}, set(), []
        collector = NamedRowsCollector(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        perms_needed = set()

        def format_callback(obj):
            opts = obj._meta
            label = capfirst(opts.verbose_name)
            if not self.admin_site.is_registered(obj.__class__):
                return f"{label}: {obj}"
            model_admin = self.admin_site.get_model_admin(obj.__class__)
            if not model_admin.has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            try:
                url = reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=[quote(obj.pk)],
                )
            except NoReverseMatch:
                return f"{label}: {obj}"
            return format_html('{}: <a href="{}">{}</a>', label, url, obj)

        to_delete = collector.nested(format_callback)
        protected = [format_callback(obj) for obj in collector.protected]
        model_count = {
            model._meta.verbose_name_plural: len(rows)
            for model, rows in collector.model_objs.items()
        }
        return to_delete, model_count, perms_needed, protected


class ScheduledFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [
            ("live", "Live on the site"),
            ("scheduled", "Scheduled"),
            ("draft", "Draft"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        return queryset


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("never", "Never reviewed")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "never":
            return queryset.filter(last_reviewed__isnull=True)
        return queryset


class BylineFormSet(forms.BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        # Django's reads "Please correct the duplicate data for author.".
        authors = [form.cleaned_data.get("author") for form in self.forms if form.cleaned_data]
        twice = next((a for a in authors if a is not None and authors.count(a) > 1), None)
        who = str(twice) if twice else "An author"
        return f"{who} is in the byline twice: remove one of the two rows."


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    formset = BylineFormSet
    # In the article's form each line names an author; elsewhere (the delete page) it is
    # a byline credit, so no one reads it as the author's profile.
    verbose_name, verbose_name_plural = "author", "authors"
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "author" and field is not None:
            # As beside the reviewer: its ✖ reads as "take this author off the byline"
            # but opens the author's delete page; the row's own "Delete?" does that.
            field.widget.can_delete_related = False
        return field


class SourceForm(forms.ModelForm):
    """Staff paste DOIs and PubMed IDs in the shapes journals print them; links need the
    bare identifier. Only a value staff change is checked, so a source saved before these
    checks never stops its article from being saved."""

    def clean_doi(self):
        doi = bare_doi(self.cleaned_data["doi"])
        if "doi" in self.changed_data and doi and not DOI.fullmatch(doi):
            raise forms.ValidationError(
                'A DOI starts with "10.", then digits and a slash, e.g. 10.1016/j.x.1.'
            )
        return doi

    # Long enough for a PubMed link pasted from the browser: the ID is cut out of it.
    pubmed_id = forms.CharField(
        label="PubMed ID",
        max_length=300,
        required=False,
        help_text='The number, e.g. "34228959", or its PubMed link.',
        error_messages={"max_length": LENGTH_MESSAGE},
    )

    def clean_pubmed_id(self):
        pubmed_id = bare_pubmed_id(self.cleaned_data["pubmed_id"])
        if "pubmed_id" in self.changed_data and pubmed_id and not pubmed_id.isdigit():
            raise forms.ValidationError("A PubMed ID is a number, e.g. 34228959.")
        return pubmed_id


class SourceInline(admin.StackedInline):
    model = Source
    form = SourceForm
    extra = 0
    formfield_overrides = STAFF_FIELDS
    fields = [
        ("title", "position"),
        ("publisher", "url"),
        ("doi", "pubmed_id"),
        ("study_type", "species", "review"),
    ]


class UpdateNoteFormSet(forms.BaseInlineFormSet):
    """An update note tells readers when the article changed after it appeared; one
    dated before that, or still to come, is a slip (often of the year) that the page
    would print as it is. Only notes staff add or change are checked, so older notes
    never block a save."""

    def clean(self):
        super().clean()
        publish_at = self.instance.publish_at
        if publish_at is None:
            return
        appeared = timezone.localdate(publish_at)
        # A scheduled article's note may carry its publication day.
        latest = max(timezone.localdate(), appeared)
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            date = form.cleaned_data.get("date")
            if date and date < appeared:
                form.add_error(
                    "date",
                    f"The article appears on {date_format(appeared, 'j F Y')}: an update "
                    "cannot be dated before it. Check the year, or the publication date.",
                )
            elif date and date > latest:
                form.add_error(
                    "date",
                    f"{date_format(date, 'j F Y')} is still to come: an update is dated the "
                    "day it was made. Check the year.",
                )


class ArticleUpdateInline(admin.TabularInline):
    model = ArticleUpdate
    formset = UpdateNoteFormSet
    extra = 0
    formfield_overrides = STAFF_FIELDS


slug_pattern = re.compile(r"[-a-z0-9_]+")


def validate_web_address(value):
    """The last part of a page's address as the site makes them, with the one to use
    when staff typed words ("Sleep Memory 2025"), in place of Django's 'Enter a valid
    "slug"…'. Capitals too: addresses are matched as written, and links get retyped."""
    if value != value.lower() or not slug_pattern.fullmatch(value):
        suggestion = slugify(value)
        raise forms.ValidationError(
            "Use lower-case letters, numbers and hyphens only"
            + (f", such as “{suggestion}”." if suggestion else "."),
            code="web_address",
        )


class WebAddressMixin:
    """ "Slug" means nothing to most staff: its field says what it is and what changing
    it does."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug" and field is not None:
            field.label = "Web address (slug)"
            field.help_text = (
                "The last part of the page's address: lower-case letters, numbers and "
                "hyphens. Changed after the page is public, the old address keeps working "
                "and forwards to the new one."
            )
            field.validators = [
                validate_web_address if validator is validate_slug else validator
                for validator in field.validators
            ]
            # Django's own reads "Article with this Slug already exists."
            name = db_field.model._meta.verbose_name
            field.error_messages["unique"] = (
                f"Another {name} already has this web address: add a word or the year to "
                f"it to tell the two apart."
            )
        return field

    def save_model(self, request, obj, form, change):
        # Said once it is done: staff who rename a public page wonder about the links
        # already shared, newsletters sent and search results.
        seen_at = public_addresses_of(obj) if change else []
        moved_from = seen_at[0] if seen_at and "slug" in form.changed_data else None
        super().save_model(request, obj, form, change)
        moved_to = obj.get_absolute_url()
        if moved_from and Redirect.objects.filter(old_path=moved_from, new_path=moved_to).exists():
            self.message_user(
                request,
                f"The old address {moved_from} now forwards readers to {moved_to}: links "
                "already shared keep working.",
            )
        if seen_at and not public_addresses_of(obj):
            self.warn_of_links_to(request, seen_at, taken_down=1)

    def delete_model(self, request, obj):
        seen_at = public_addresses_of(obj)
        super().delete_model(request, obj)
        self.warn_of_links_to(request, seen_at, taken_down=1)

    def delete_queryset(self, request, queryset):
        seen_at = public_addresses_of_each(queryset)
        super().delete_queryset(request, queryset)
        self.warn_of_links_to(
            request,
            [path for paths in seen_at for path in paths],
            taken_down=sum(1 for paths in seen_at if paths),
        )

    def warn_of_links_to(self, request, paths, *, taken_down):
        """Taken down, a page leaves the links to it in other pages' text leading to "page
        not found", which staff would otherwise learn of from readers. `taken_down` is how
        many pages readers saw at `paths`."""
        pages = pages_linking_to(paths)
        if not pages:
            return
        links = [
            format_html(
                'the {} “<a href="{}">{}</a>”',
                page._meta.verbose_name,
                reverse(
                    f"admin:{page._meta.app_label}_{page._meta.model_name}_change", args=[page.pk]
                ),
                page,
            )
            for page in pages
        ]
        listed = links[0]
        if len(links) > 1:
            listed = format_html(
                "{} and {}",
                format_html_join(", ", "{}", ((link,) for link in links[:-1])),
                links[-1],
            )
        linking = "Published pages still link" if len(pages) > 1 else "A published page still links"
        self.message_user(
            request,
            format_html(
                "{} to {}: {}. Readers who follow those links now find “page not found”: "
                "change them or take them out.",
                linking,
                "them" if taken_down > 1 else "it",
                listed,
            ),
            messages.WARNING,
        )


class SavedSinceOpenedForm(forms.ModelForm):
    """Refuses to save over changes someone saved after this form was opened: Django saves
    every field of the form, so two editors of one article would each undo the other's
    work, and both be told "changed successfully".

    The form remembers the row's `updated_at` as it was opened. When the row has changed
    since, the form comes back with the editor's work in place and says who saved when;
    saving again then keeps this editor's version, as they were told it would."""

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # What `last_saved_at` (and the conflict's page) reads, read again before deciding.
    saved_fields = ["updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["opened_version"] = self.saved_version()

    def last_saved_at(self):
        """When the row this form saves over was last saved. A form restoring an earlier
        version holds that version, its time of saving among its values; what it saves
        over is still the row as last saved (`KeptVersionsAdmin`)."""
        return getattr(self.instance, "replaces_save_of", None) or self.instance.updated_at

    def saved_version(self):
        saved = self.last_saved_at()
        return saved.isoformat() if saved else ""

    def clean(self):
        cleaned_data = super().clean()
        # Only a form opened in the admin carries the version it was opened at.
        if not self.instance.pk or self.add_prefix("opened_version") not in self.data:
            return cleaned_data
        self.read_saved_row()
        current = self.saved_version()
        if cleaned_data.get("opened_version") != current:
            # The next save is a choice made knowingly: it goes through.
            self.data = self.data.copy()
            self.data[self.add_prefix("opened_version")] = current
            raise forms.ValidationError(self.conflict_message(), code="saved_since_opened")
        return cleaned_data

    def read_saved_row(self):
        """The row as saved now, locked until this save commits (the admin saves in one
        transaction): two editors saving at the same moment take turns, and the second
        is told of the first. The row was read when the request came in, before the
        form: on PostgreSQL another server's save may have committed since, where on
        SQLite the two transactions take turns whole."""
        model = type(self.instance)
        with suppress(model.DoesNotExist):  # deleted meanwhile: nothing to compare with
            self.instance.refresh_from_db(
                fields=self.saved_fields,
                from_queryset=model._base_manager.select_for_update(),
            )

    def conflict_message(self):
        from django.contrib.admin.models import LogEntry
        from django.contrib.contenttypes.models import ContentType

        last = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(self.instance),
                object_id=str(self.instance.pk),
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        who = (last.user.get_full_name() or last.user.get_username()) if last else "Someone"
        when = timezone.localtime(self.last_saved_at())
        name = self.instance._meta.verbose_name
        return (
            f"{who} saved this {name} at {when:%H:%M} {when.tzname()} on {when.day} "
            f"{when:%b}, after you opened this page: saving now would undo their changes. "
            f"Nothing was saved, and your changes are still here. To see theirs, open the "
            f"{name} in a new tab; to keep yours instead, save again."
        )


class KeptVersionsAdmin(VersionAdmin):
    """Every save from the admin is kept as a version, inline rows included
    (django-reversion). History lists the versions, newest first; a version's page shows
    it in the form, with what restoring it would change, and Save restores it.

    Who may view the model sees its versions; restoring is a save, and takes the
    permission to change it. It passes the same `SavedSinceOpenedForm` check as any save:
    over a save made after the version's page was opened, it asks first."""

    history_latest_first = True

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            self.keep_unrecorded(request, object_id, self.has_change_permission)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        # So that "Recover deleted" can bring back one never changed since versions were kept.
        if request.method == "POST":
            self.keep_unrecorded(request, object_id, self.has_delete_permission)
        return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # "Delete selected", confirmed: each is kept as from its own delete page, before
        # the library's revision around the list begins (kept inside it, they would go
        # with their rows).
        if (
            request.method == "POST"
            and request.POST.get("action") == "delete_selected"
            and request.POST.get("post")
            and self.has_delete_permission(request)
        ):
            selected = self.get_changelist_instance(request).get_queryset(request)
            if request.POST.get("select_across") != "1":
                selected = selected.filter(
                    pk__in=request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
                )
            for obj in selected:
                version_keep_unrecorded(instance=obj)
        if request.method == "POST" and self.list_editable and "_save" in request.POST:
            # Rows changed in the list (a program's order) are each kept as a version of
            # their own (`log_change`), not in one revision around the list: restoring one
            # of them would restore every other row saved with it, undoing colleagues'
            # later work on those unseen.
            context = {"has_change_permission": self.has_change_permission(request)}
            return super(VersionAdmin, self).changelist_view(
                request, context | (extra_context or {})
            )
        return super().changelist_view(request, extra_context)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if not reversion.is_active():  # a row saved from the list
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(entry.get_change_message())
                reversion.add_to_revision(obj)
        return entry

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A version just written back into the row (to show, restore or recover it) may
        # name what was deleted since: a topic, a related article, a byline's author.
        if object_id and (
            hasattr(request, "restores_version_of") or getattr(request, "recovers_deleted", False)
        ):
            version_forget_deleted(
                model=self.model, pk=unquote(object_id), inlines=self.kept_inlines()
            )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def keep_unrecorded(self, request, object_id, permission):
        # One query for a row with versions; only one without is loaded, to be kept.
        if Version.objects.get_for_object_reference(self.model, unquote(object_id)).exists():
            return
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and permission(request, obj):
            version_keep_unrecorded(instance=obj)

    def recover_view(self, request, version_id, extra_context=None):
        # The library takes any version by its number alone. Here only a deleted row of
        # this model may come back: through "Recover deleted articles", staff who may add
        # articles would otherwise bring back a deleted program, or roll a live one back.
        if self.has_add_permission(request):
            get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        request.recovers_deleted = True
        return super().recover_view(request, version_id, extra_context)

    def response_change(self, request, obj):
        if not getattr(request, "recovers_deleted", False):
            return super().response_change(request, obj)
        # Django's reads "was changed successfully", of a row that was gone.
        self.message_user(
            request,
            format_html(
                'The {} “<a href="{}">{}</a>” was recovered.',
                obj._meta.verbose_name,
                reverse(
                    f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
                ),
                obj,
            ),
            messages.SUCCESS,
        )
        return self.response_post_save_change(request, obj)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Checked before the library writes the version into the row (to show it in the
        # form, then rolled back), so that staff who may not see the row cause no write.
        live = self.get_object(request, unquote(object_id))
        if live is None:
            raise Http404  # a deleted one comes back through "Recover deleted"
        if not self.has_view_or_change_permission(request, live):
            raise PermissionDenied
        # Of this model only: the library finds a version by its number and object id.
        version = get_object_or_404(Version.objects.get_for_object(live), pk=version_id)
        request.replaces_save_of = live.updated_at
        saved = date_format(timezone.localtime(version.revision.date_created), "j M Y, H:i")
        request.restores_version_of = saved
        context = {
            "title": f"“{version.object_repr}” as saved on {saved}",
            "kept_version": version,
            "differences": version_differences(live, version, self.kept_inlines()),
        }
        response = super().revision_view(
            request, object_id, version_id, context | (extra_context or {})
        )
        if request.method == "POST" and response.status_code == 302:
            self.message_user(request, f"Restored the version saved on {saved}.")
        return response

    @contextmanager
    def create_revision(self, request):
        with super().create_revision(request):
            yield
            # In place of the library's own note, which dates the version in US style.
            if saved := getattr(request, "restores_version_of", None):
                reversion.set_comment(f"Restored the version saved on {saved}.")

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and hasattr(request, "replaces_save_of"):
            obj.replaces_save_of = request.replaces_save_of
        return obj

    def history_view(self, request, object_id, extra_context=None):
        context = {"inline_names": [label for label, key in self.kept_inlines()]}
        return super().history_view(request, object_id, context | (extra_context or {}))

    def kept_inlines(self):
        """This admin's inline rows, kept with the object: each kind's name, as the form
        names it, and the foreign key by which its rows point at the object."""
        return [
            (
                inline.verbose_name_plural or inline.model._meta.verbose_name_plural,
                next(
                    key
                    for key in inline.model._meta.concrete_fields
                    if key.many_to_one
                    and key.related_model is self.model
                    and (inline.fk_name is None or key.name == inline.fk_name)
                ),
            )
            for inline in self.inlines
        ]


class ArticleForm(SavedSinceOpenedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "publish_at" in self.fields:
            # Staff may be anywhere; the times here are the site's.
            zone = timezone.get_current_timezone_name()
            self.fields["publish_at"].help_text += f" Times are in the site's time zone, {zone}."
            self.fields["publish_at"].shown = self.initial.get("publish_at")


@admin.register(Article)
class ArticleAdmin(NamedRowsDeletionMixin, WebAddressMixin, UploadNoticeMixin, KeptVersionsAdmin):
    form = ArticleForm
    sharp_widths = {"cover_image": 1200}
    formfield_overrides = STAFF_FIELDS
    # "On the site" says what the status does (live, scheduled, hidden), so the status
    # has a filter and no column; dates are short and wrap (Django keeps its long ones on
    # one line), so the review and last change stay on a laptop's screen.
    list_display = [
        "title",
        "cover_thumbnail",
        "visibility",
        "publication_date",
        "is_featured",
        "review_state",
        "last_edited",
    ]
    list_display_links = ["title"]
    list_filter = [
        ScheduledFilter,
        "status",
        "is_featured",
        ReviewOverdueFilter,
        "topics",
        "comments_enabled",
    ]
    list_select_related = ["reviewed_by"]
    # "Which articles did she write?" is asked of the list when an author leaves or a
    # correction concerns them all.
    search_fields = ["title", "standfirst", "excerpt", "body", "slug", "authors__name"]
    search_help_text = "Finds words of the title or text, the web address, or an author's name."
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "related_picks", "reviewed_by"]
    readonly_fields = ["cover_preview", "created_at", "updated_at", "reading_time"]
    inlines = [ArticleAuthorInline, SourceInline, ArticleUpdateInline]
    save_on_top = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "reviewed_by" and field is not None:
            # Its ✖ reads as "clear this field" but opens the author's delete page.
            field.widget.can_delete_related = False
        return field

    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "excerpt"]}),
        (
            "Publishing",
            {
                "fields": [
                    ("status", "publish_at"),
                    ("is_featured", "comments_enabled", "promotions_enabled"),
                    "topics",
                    "related_picks",
                ]
            },
        ),
        (
            "Cover image",
            {
                "fields": [
                    "cover_image",
                    "cover_preview",
                    "cover_alt",
                    ("cover_caption", "cover_credit"),
                ]
            },
        ),
        (
            "Search and sharing",
            {"classes": ["collapse"], "fields": ["seo_description", "canonical_url"]},
        ),
        (
            "Medical review",
            {"fields": ["reviewed_by", ("last_reviewed", "next_review_due")]},
        ),
        (
            "Record",
            {
                "classes": ["collapse"],
                "fields": [("created_at", "updated_at"), "reading_time"],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        # "Publish at" is filled in when a draft is begun; publishing it days later without
        # touching that field means "now", not the day the draft was started. An article
        # readers have seen before (taken down for a correction) keeps its date.
        if (
            obj.status == Article.Status.PUBLISHED
            and "status" in form.changed_data
            and "publish_at" not in form.changed_data
            and obj.publish_at < timezone.now()
            and not (change and PublicAddress.objects.of(obj).exists())
        ):
            obj.publish_at = timezone.now()
            self.message_user(
                request,
                f"Published now, dated {timezone.localtime(obj.publish_at):%d %b %Y %H:%M %Z}. "
                "To show an earlier date, set “publish at”.",
            )
        super().save_model(request, obj, form, change)
        # "Changed successfully" does not say whether readers can see it.
        self.message_user(request, f"On the site: {self.visibility(obj)}.")

    @admin.display(description="Cover")
    def cover_thumbnail(self, article):
        return image_thumbnail(article.cover_image)

    @admin.display(description="Current cover")
    def cover_preview(self, article):
        return image_thumbnail(article.cover_image, size=240)

    @admin.display(description="Reading time")
    def reading_time(self, article):
        return f"{article.reading_minutes} min"

    @admin.display(description="Publish at", ordering="publish_at")
    def publication_date(self, article):
        return date_format(timezone.localtime(article.publish_at), "j M Y, H:i")

    @admin.display(description="Last edited", ordering="updated_at")
    def last_edited(self, article):
        return date_format(timezone.localtime(article.updated_at), "j M Y, H:i")

    @admin.display(description="On the site")
    def visibility(self, article):
        if article.is_published:
            return "Live"
        if article.is_scheduled:
            return f"Scheduled for {timezone.localtime(article.publish_at):%d %b %Y %H:%M %Z}"
        return "Hidden (draft)"

    @admin.display(description="Review")
    def review_state(self, article):
        if article.review_overdue:
            return format_html(
                '<strong class="review-overdue">Overdue since {}</strong>', article.next_review_due
            )
        if article.last_reviewed:
            return f"Reviewed {article.last_reviewed:%d %b %Y}"
        return "—"


@admin.register(Author)
class AuthorAdmin(NamedRowsDeletionMixin, WebAddressMixin, UploadNoticeMixin, admin.ModelAdmin):
    sharp_widths = {"photo": 240}
    formfield_overrides = STAFF_FIELDS
    list_display = ["name", "credentials", "photo_thumbnail"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="Photo")
    def photo_thumbnail(self, author):
        return image_thumbnail(author.photo, size=40)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Two people may share a name, so it is allowed; but more often it is the same
        # person added twice, and readers would find their articles split over two pages.
        if "name" not in form.changed_data:
            return
        namesake = Author.objects.filter(name__iexact=obj.name).exclude(pk=obj.pk).first()
        if namesake:
            self.message_user(
                request,
                format_html(
                    'Another author is already called “{}” (<a href="{}">open them</a>): '
                    "readers will see two people of that name. If it is the same person, "
                    "credit that author and delete this one; if not, add credentials so "
                    "readers can tell them apart.",
                    namesake.name,
                    reverse("admin:articles_author_change", args=[namesake.pk]),
                ),
                messages.WARNING,
            )

    def view_on_site(self, author):
        # Readers get a page only once the person is credited on a published article;
        # before that the link would lead staff to a "not found" page.
        if Author.objects.published().filter(pk=author.pk).exists():
            return author.get_absolute_url()
        return None


@admin.register(Topic)
class TopicAdmin(NamedRowsDeletionMixin, WebAddressMixin, admin.ModelAdmin):
    formfield_overrides = STAFF_FIELDS
    list_display = ["name", "slug", "is_sensitive"]
    list_filter = ["is_sensitive"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class DisclaimerForm(forms.ModelForm):
    def clean_effective_from(self):
        # Only versions not yet shown have this field; a date in the past would claim
        # readers saw words they never saw.
        effective_from = self.cleaned_data["effective_from"]
        if effective_from < timezone.localdate():
            raise forms.ValidationError(
                "A version takes effect today or later, so the record of what readers saw "
                "on each date stays true."
            )
        return effective_from


@admin.register(Disclaimer)
class DisclaimerAdmin(admin.ModelAdmin):
    """Versions are kept forever; a version already shown to readers cannot be edited,
    so staff publish a change by adding a new version, dated today or later."""

    form = DisclaimerForm
    formfield_overrides = STAFF_FIELDS
    readonly_fields = ["created_at"]
    list_display = ["__str__", "effective_from", "state", "created_at"]
    date_hierarchy = "effective_from"

    def get_queryset(self, request):
        shown = Disclaimer.objects.current()
        return (
            super()
            .get_queryset(request)
            .annotate(is_shown=models.Q(pk=shown.pk if shown else None))
        )

    @admin.display(description="On the site", ordering="effective_from")
    def state(self, disclaimer):
        if disclaimer.is_shown:
            return "Shown now"
        return "Earlier version" if disclaimer.is_in_effect() else "Scheduled"

    def has_delete_permission(self, request, obj=None):
        # A version readers have seen is part of the record; one still to come may be
        # withdrawn.
        return (
            obj is not None
            and not obj.is_in_effect()
            and super().has_delete_permission(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        # Shown without Save buttons: a version readers have seen stays as it was.
        in_effect = obj is not None and obj.is_in_effect()
        return not in_effect and super().has_change_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        # Django's refusal would be "ask for the permission", which no one can give.
        disclaimer = self.get_object(request, object_id)
        if (
            disclaimer is not None
            and disclaimer.is_in_effect()
            and self.has_view_permission(request, disclaimer)
        ):
            messages.warning(
                request,
                "A version readers have seen cannot be deleted: it is part of the record.",
            )
            return redirect("admin:articles_disclaimer_change", disclaimer.pk)
        return super().delete_view(request, object_id, extra_context)

    def get_changeform_initial_data(self, request):
        # A change is usually a sentence or two: the new version starts from the text
        # readers see now, not from an empty box.
        current = Disclaimer.objects.current()
        return {"text": current.text if current else DEFAULT_DISCLAIMER}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        disclaimer = self.get_object(request, object_id)
        if request.method == "GET" and disclaimer is not None and disclaimer.is_in_effect():
            messages.info(
                request,
                format_html(
                    "Readers have seen this version, so it is kept as it was. To change the "
                    'disclaimer, <a href="{}">add a new version</a>: it starts from the text '
                    "shown now.",
                    reverse("admin:articles_disclaimer_add"),
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)


class SingleRowAdmin(admin.ModelAdmin):
    """For a SingleRowModel: the admin's link opens the one row's form, with the defaults
    until someone saves it (saving makes the row). Staff allowed to change it need no
    permission to add, and nobody adds a second row or deletes it."""

    formfield_overrides = STAFF_FIELDS

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        info = self.opts.app_label, self.opts.model_name
        return redirect(reverse("admin:{}_{}_change".format(*info), args=[1]))

    def get_object(self, request, object_id, from_field=None):
        return self.model.load() if str(object_id) == "1" else None

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(SingleRowAdmin):
    list_display = ["site_name", "tagline"]


class RedirectForm(forms.ModelForm):
    """Addresses as staff paste them: a full address of this site (copied from the
    browser) becomes its path, and an old path missing the slash that the site's own
    pages end with gets it, since the site adds that slash before any redirect is
    looked up, and the redirect would never be reached."""

    def clean_old_path(self):
        path = self._own_path(self.cleaned_data["old_path"])
        if not path.endswith("/") and not is_valid_path(path) and is_valid_path(f"{path}/"):
            path += "/"
        return path

    def clean_new_path(self):
        return self._own_path(self.cleaned_data["new_path"])

    def clean(self):
        cleaned = super().clean()
        # The table is read only when an address would be "not found": from a page that
        # answers, a redirect is never used, however long it stays in the list.
        old_path = cleaned.get("old_path")
        earlier = Redirect.objects.exclude(pk=self.instance.pk).filter(old_path=old_path).first()
        if earlier is not None:
            # In place of Django's "Redirect with this Old address already exists.".
            self.add_error(
                "old_path",
                f"Readers at {old_path} are already sent to {earlier.new_path}: change that "
                "redirect in the list instead of adding another.",
            )
        elif old_path and (page := page_at(old_path)) not in (None, UNKNOWN):
            self.add_error(
                "old_path",
                f"Readers are shown {page} at this address, and a page that is there always "
                "comes before a redirect. Unpublish it or change its web address first "
                "(a changed address sends its readers on by itself).",
            )
        return cleaned

    def _own_path(self, value):
        address = urlsplit(value.strip())
        if address.scheme in ("http", "https") and is_own_host(address.hostname):
            return address.path + (f"?{address.query}" if address.query else "")
        return value.strip()


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Added by themselves when a published page's address changes; staff may add more."""

    form = RedirectForm
    formfield_overrides = STAFF_FIELDS
    list_display = ["old_path", "new_path", "created_at"]
    search_fields = ["old_path", "new_path"]
    readonly_fields = ["created_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Saved all the same: the page may be a draft about to be published.
        if page_at(obj.new_path) is None:
            self.message_user(
                request,
                f"No page answers at {obj.new_path} yet, so readers sent there see “page not "
                "found” until one is published there.",
                messages.WARNING,
            )
