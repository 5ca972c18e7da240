import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME, ActionForm
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.http import HttpResponse
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from articles.admin import STAFF_FIELDS, SavedSinceOpenedForm, SingleRowAdmin
from articles.models import Article

from . import notifications
from .models import Comment, CommentSettings, ModerationTerm
from .selectors import comments_export_text
from .services import (
    comment_ask_to_confirm,
    comment_published,
    comment_set_status,
    comment_stop_emails,
    comments_erase,
)

# How much of a thread a comment's page shows around it: threads are rarely deeper, and
# a comment with more replies than this is one to read on the public page.
THREAD_CONTEXT_DEPTH = 20
THREAD_CONTEXT_REPLIES = 50
# What the page asking "erase these comments?" lists of them at most.
ERASE_COMMENTS_SHOWN = 50
ERASE_ADDRESSES_SHOWN = 10
# Articles the queue's "article" filter names at most.
ARTICLE_FILTER_LIMIT = 30


class ArticleFilter(admin.SimpleListFilter):
    """The articles with comments awaiting moderation, the ones a moderator works
    through, and the one chosen. Every article with comments was a list of thousands of
    links, read in full (bodies too) on every page of the queue; any article's comments
    are one click away from the "article" column."""

    title = "article"
    # Django's own name for the filter, so links made before keep working.
    parameter_name = "article__id__exact"

    def lookups(self, request, model_admin):
        awaiting = Comment.objects.pending().filter(article=OuterRef("pk"))
        articles = list(
            Article.objects.filter(Exists(awaiting))
            .order_by("title")
            .values_list("pk", "title")[:ARTICLE_FILTER_LIMIT]
        )
        chosen = self._chosen_id()
        if chosen is not None and chosen not in {pk for pk, _ in articles}:
            articles += Article.objects.filter(pk=chosen).values_list("pk", "title")
        return [(str(pk), title) for pk, title in articles]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        chosen = self._chosen_id()
        # An address edited by hand names no article: an empty list, not a server error.
        return queryset.filter(article_id=chosen) if chosen is not None else queryset.none()

    def _chosen_id(self):
        value = self.value() or ""
        # "²" is a digit to str.isdigit(), and no number to int().
        return int(value) if value.isascii() and value.isdigit() else None


class CommentForm(SavedSinceOpenedForm):
    """A moderator's decision is on the text they read: when its author edits the comment
    after the page was opened, nothing is saved, and the page comes back with the new
    text in place of the old (and the moderator's other choices kept) to read first."""

    saved_fields = ["edited_at", "body", "moderation_note"]

    def last_saved_at(self):
        return self.instance.edited_at

    def clean(self):
        try:
            cleaned_data = super().clean()
        except forms.ValidationError:
            self.data[self.add_prefix("body")] = self.instance.body
            raise
        # Withdrawn by its author, erased at their request or purged since the page was
        # opened (which leaves `edited_at` as it was): the form still holds the name,
        # address and text that went, and saving it would put them back on the site.
        if self.instance.pk and not self.instance.body and cleaned_data.get("body"):
            raise forms.ValidationError(
                "Nothing was saved: since this page was opened, this comment was emptied "
                f"for good (“{self.instance.moderation_note}”), and saving would put back "
                "the name, e-mail address and text it held.",
                code="emptied",
            )
        return cleaned_data

    def conflict_message(self):
        when = timezone.localtime(self.instance.edited_at)
        return (
            f"Its author edited this comment at {when:%H:%M} {when.tzname()} on "
            f"{when.day} {when:%b}, after you opened this page. Nothing was saved. The text "
            "below is the new one: read it, then save again."
        )

    def clean_email(self):
        # In lower case, as the comment form stores them: moderation and reply
        # confirmations match addresses as stored.
        return self.cleaned_data["email"].lower()


class QueueActionForm(ActionForm):
    """Django's, with when the queue was shown: an approval is for the texts the moderator
    read, and a comment its author edits after that waits to be read again."""

    opened_at = forms.FloatField(widget=forms.HiddenInput, required=False, label="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_at"].initial = timezone.now().timestamp()


def _listed(names, most):
    """ "a, b and 3 more": at most `most` of `names`, and how many are left out."""
    shown = ", ".join(names[:most])
    return f"{shown} and {len(names) - most} more" if len(names) > most else shown


def queue_opened_at(request):
    """When the queue page an action was sent from was shown, if it says."""
    try:
        return datetime.datetime.fromtimestamp(float(request.POST["opened_at"]), datetime.UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        return None


# How a comment's last moderation reads: "Marked as spam by Maya Lind, 28 Nov 2026, 09:12".
MODERATED_AS = {
    Comment.Status.APPROVED: "Approved",
    Comment.Status.PENDING: "Put back to pending",
    Comment.Status.SPAM: "Marked as spam",
    Comment.Status.REMOVED: "Removed",
}


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue: pending comments first, newest first within each status."""

    # What a moderator decides on first, so it stays on screen beside the text.
    # Django keeps foreign keys and dates on one line each; a long article title then
    # pushed the commenter and the "View" link off a laptop's screen, so these columns
    # are the admin's own.
    list_display = [
        "excerpt",
        "state",
        "article_title",
        "commenter",
        "posted",
        "on_site",
    ]
    list_display_links = ["excerpt"]
    list_filter = ["status", ArticleFilter, "by_staff"]
    search_fields = ["author_name", "email", "body"]
    list_select_related = ["article"]
    list_per_page = 50
    # The queue is read on every visit, and the comments table is the site's largest:
    # no second count of every comment beside the filtered one ("Show all" instead), and
    # no date drill-down, whose months were found by reading every comment's date (190
    # of the page's 220 ms with 20,000 comments). Moderators find older comments by
    # search and the filters.
    show_full_result_count = False
    actions = ["approve", "mark_spam", "remove", "export", "stop_emails", "erase"]
    action_form = QueueActionForm
    form = CommentForm
    formfield_overrides = STAFF_FIELDS
    fields = [
        "article_page",
        "thread",
        ("author_name", "email"),
        "body",
        "status",
        "moderation_note",
        ("notify_on_reply", "notify_confirmed_at", "confirmation_sent_at"),
        ("created_at", "approved_at", "edited_at"),
        "last_moderated",
        ("by_staff", "staff_user"),
        "sender",
        "user_agent",
    ]
    # Where a comment sits in its thread is the reader's choice, not the moderator's: a
    # parent on another article, or the comment itself, would hide it from every page.
    readonly_fields = [
        "article_page",
        "thread",
        "moderation_note",
        "notify_confirmed_at",
        "confirmation_sent_at",
        "created_at",
        "approved_at",
        "edited_at",
        "last_moderated",
        "by_staff",
        "staff_user",
        "sender",
        "user_agent",
    ]

    def get_ordering(self, request):
        return [
            Case(
                When(status=Comment.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ).asc(),
            "-created_at",
            "-pk",
        ]

    def has_add_permission(self, request):
        # Comments come from readers and from staff on the article page.
        return False

    @admin.display(description="comment")
    def excerpt(self, comment):
        prefix = "↳ " if comment.parent_id else ""
        return prefix + (Truncator(comment.body).chars(90) or "(empty)")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            # Beside "Remove", Django's "Delete selected" reads like the same thing; it
            # destroys the comments and every reply under them, other readers' too.
            function, name, _ = actions["delete_selected"]
            actions["delete_selected"] = (
                function,
                name,
                "Delete permanently, with all their replies",
            )
        return actions

    @admin.display(description="article")
    def article_page(self, comment):
        # The public page: moderators may not open articles in the admin.
        return format_html(
            '<a href="{}">{}</a>', comment.article.get_absolute_url(), comment.article.title
        )

    @admin.display(description="status", ordering="status")
    def state(self, comment):
        if not comment.moderation_note:
            return comment.get_status_display()
        return format_html(
            '{}<br><span class="moderation-note">{}</span>',
            comment.get_status_display(),
            comment.moderation_note,
        )

    @admin.display(description="article", ordering="article__title")
    def article_title(self, comment):
        # The way to one article's comments: the filter names only those awaiting
        # moderation.
        return format_html(
            '<a href="?{}={}" title="Only the comments on this article">{}</a>',
            ArticleFilter.parameter_name,
            comment.article_id,
            comment.article.title,
        )

    @admin.display(description="commenter", ordering="author_name")
    def commenter(self, comment):
        return format_html(
            '{}<br><span class="commenter-email">{}</span>', comment.author_name, comment.email
        )

    @admin.display(description="posted", ordering="created_at")
    def posted(self, comment):
        posted = date_format(timezone.localtime(comment.created_at), "j M Y, H:i")
        # The text a moderator reads may not be the one first posted.
        return f"{posted} (edited)" if comment.edited_at else posted

    @admin.display(description="thread")
    def thread(self, comment):
        """The exchange a comment belongs to, in full: every comment above it, the opening
        one first, and the replies under it, each with its status. The public page shows
        approved comments only, and moderators judge a reply by what it answers."""
        above = []
        parent = comment.parent
        while parent is not None and len(above) < THREAD_CONTEXT_DEPTH:
            above.append(parent)
            parent = parent.parent
        below = list(comment.replies.order_by("created_at", "pk")[:THREAD_CONTEXT_REPLIES])
        if not above and not below:
            return "A comment of its own, not a reply; no replies yet."
        parts = []
        if above:
            parts.append(
                format_html(
                    '<p class="comment-thread__label">In reply to:</p>{}',
                    format_html_join("", "{}", ((self._quoted(c),) for c in reversed(above))),
                )
            )
        if below:
            total = comment.replies.count()
            parts.append(
                format_html(
                    '<p class="comment-thread__label">Replies to this comment ({}):</p>{}',
                    total,
                    format_html_join("", "{}", ((self._quoted(c),) for c in below)),
                )
            )
        return format_html(
            '<div class="comment-thread">{}</div>',
            format_html_join("", "{}", ((p,) for p in parts)),
        )

    def _quoted(self, comment):
        return format_html(
            '<blockquote class="comment-thread__comment"><p><a href="{}">{}</a> · {} · {}</p>'
            "<p>{}</p></blockquote>",
            reverse("admin:comments_comment_change", args=[comment.pk]),
            comment.author_name,
            comment.get_status_display(),
            date_format(timezone.localtime(comment.created_at), "j M Y, H:i"),
            linebreaksbr(comment.body),
        )

    @admin.display(description="on the site")
    def on_site(self, comment):
        if comment.status != Comment.Status.APPROVED:
            return "not public"
        return format_html('<a href="{}">View</a>', comment.get_absolute_url())

    def view_on_site(self, comment):
        # Only an approved comment is on the page: for the others the button would open
        # the article without them, as if they were lost.
        if comment.status == Comment.Status.APPROVED:
            return comment.get_absolute_url()
        return None

    @admin.display(description="last moderated")
    def last_moderated(self, comment):
        if comment.moderated_at is None:
            return "—"
        by = comment.moderated_by
        # A name rather than a link: a moderator may not open staff accounts.
        who = (by.get_full_name() or by.get_username()) if by else "a staff account since deleted"
        when = date_format(timezone.localtime(comment.moderated_at), "j M Y, H:i")
        return f"{MODERATED_AS[comment.moderated_as]} by {who}, {when}"

    @admin.display(description="sender network")
    def sender(self, comment):
        if not comment.sender_hash:
            return "—"
        other = (
            Comment.objects.filter(sender_hash=comment.sender_hash).exclude(pk=comment.pk).count()
        )
        url = reverse("admin:comments_comment_changelist") + f"?sender_hash={comment.sender_hash}"
        return format_html(
            '{} · <a href="{}">{} other comment{} from this network</a>',
            comment.sender_hash[:12],
            url,
            other,
            "" if other == 1 else "s",
        )

    def lookup_allowed(self, lookup, value, request):
        # Lets the "other comments from this network" link filter the list.
        return lookup == "sender_hash" or super().lookup_allowed(lookup, value, request)

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.moderated_by, obj.moderated_at = request.user, timezone.now()
            obj.moderated_as = obj.status
        # In any letter case: an address stored as staff typed it, before the form stored
        # it in lower case, is the same address.
        readdressed = change and obj.email != (form.initial.get("email") or "").lower()
        if readdressed:
            # A confirmation belongs to the address it was e-mailed to: reply e-mails
            # would otherwise go to an address nobody confirmed.
            obj.notify_confirmed_at = obj.confirmation_sent_at = None
        super().save_model(request, obj, form, change)
        base_url = notifications.site_url(request)
        if (
            obj.notify_on_reply
            and obj.notify_confirmed_at is None
            and (readdressed or "notify_on_reply" in form.changed_data)
        ):
            sent = comment_ask_to_confirm(comment=obj, base_url=base_url)
            if not obj.notify_on_reply:
                self.message_user(
                    request,
                    # Not led by the address, which the admin would capitalise.
                    f"“E-mail on reply” was unticked: {obj.email} is listed under "
                    "Moderation lists as getting no e-mail.",
                    messages.WARNING,
                )
            elif obj.notify_confirmed_at is None:
                self.message_user(
                    request,
                    f"A link to confirm reply e-mails went to {obj.email}: none go there "
                    "before its owner uses it."
                    if sent
                    else f"No reply e-mails go to {obj.email} before its owner confirms it, "
                    "from a link e-mailed to it (one a day at most).",
                    messages.INFO if sent else messages.WARNING,
                )
        if obj.status == Comment.Status.APPROVED:
            comment_published(comment=obj, base_url=base_url)

    def _set_status(self, request, queryset, status, verb):
        changed = comment_set_status(
            comments=queryset,
            status=status,
            base_url=notifications.site_url(request),
            moderator=request.user,
        )
        self.message_user(
            request,
            f"{changed} comment{'' if changed == 1 else 's'} {verb}.",
            messages.SUCCESS,
        )

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        opened_at = queue_opened_at(request)
        if opened_at is not None:
            # Posted since ("Select all" takes in more than the page showed) or edited
            # since. One approved already stays so: approving it again changes nothing.
            unread = queryset.filter(
                Q(created_at__gt=opened_at) | Q(edited_at__gt=opened_at)
            ).exclude(status=Comment.Status.APPROVED)
            left_out = unread.count()
            if left_out:
                queryset = queryset.exclude(pk__in=unread.values("pk"))
                self.message_user(
                    request,
                    "1 comment was not approved: it was posted or edited after this page "
                    "was shown. Read it before approving."
                    if left_out == 1
                    else f"{left_out} comments were not approved: they were posted or "
                    "edited after this page was shown. Read them before approving.",
                    messages.WARNING,
                )
                if not queryset.exists():
                    return
        self._set_status(request, queryset, Comment.Status.APPROVED, "approved")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.SPAM, "marked as spam")

    @admin.action(description="Remove selected comments", permissions=["change"])
    def remove(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.REMOVED, "removed")

    @admin.action(
        description="Export selected comments as text (a reader's request)",
        permissions=["view"],
    )
    def export(self, request, queryset):
        text = comments_export_text(queryset, base_url=notifications.site_url(request))
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        filename = f"comments-{timezone.localdate():%Y-%m-%d}.txt"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(
        description="Stop all e-mails to the selected comments' authors (a reader's request)",
        permissions=["change"],
    )
    def stop_emails(self, request, queryset):
        addresses = comment_stop_emails(emails=queryset.values_list("email", flat=True))
        if not addresses:
            self.message_user(request, "These comments have no e-mail address.", messages.INFO)
            return
        self.message_user(
            request,
            f"No more e-mails go to {', '.join(addresses)}, whatever comments come from "
            f"{'it' if len(addresses) == 1 else 'them'}. Each address is listed under "
            "Moderation lists; deleting it there lets its owner ask for e-mails again.",
            messages.SUCCESS,
        )

    @admin.action(
        description="Erase selected comments and their authors' data (a reader's request)",
        permissions=["delete"],
    )
    def erase(self, request, queryset):
        # Asked first, as Django's delete is: there is no undo, and "Select all" on a
        # queue left unsearched would take in every comment on the site.
        if request.POST.get("post") != "yes":
            comments = queryset.select_related("article").order_by("-created_at", "-pk")
            pks = list(comments.values_list("pk", flat=True))
            return TemplateResponse(
                request,
                "admin/comments/comment/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Erase these comments and their authors' data?",
                    "opts": self.model._meta,
                    "count": len(pks),
                    "addresses": _listed(
                        sorted(set(comments.exclude(email="").values_list("email", flat=True))),
                        ERASE_ADDRESSES_SHOWN,
                    ),
                    "shown": comments[:ERASE_COMMENTS_SHOWN],
                    "more": max(0, len(pks) - ERASE_COMMENTS_SHOWN),
                    "pks": pks,
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        result = comments_erase(comments=queryset)
        erased = result.deleted + result.emptied
        message = f"{erased} comment{'' if erased == 1 else 's'} erased"
        if result.emptied:
            message += (
                f"; {result.emptied} that other comments answer "
                f"{'is' if result.emptied == 1 else 'are'} kept, emptied, as “This comment "
                "was removed”, so the replies keep their place"
            )
        self.message_user(request, f"{message}.", messages.SUCCESS)


@admin.register(ModerationTerm)
class ModerationTermAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
    fields = ["kind", "value", "note"]
    formfield_overrides = STAFF_FIELDS


@admin.register(CommentSettings)
class CommentSettingsAdmin(SingleRowAdmin):
    pass
