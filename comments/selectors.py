"""Reads of comments that other apps and the templates use."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString

from articles.html import render_comment_html
from articles.models import Publication

from . import notifications
from .models import Comment
from .text import render_comment

# Replies are indented up to this level (top-level comments are level 1); deeper
# replies sit at this level and name the comment they answer.
MAX_DEPTH = 4

AWAITING_SESSION_KEY = "comments_awaiting"
EDITABLE_SESSION_KEY = "comments_editable"
AWAITING_ANCHOR = "comment-awaiting"
# The reader's own comments a session keeps, awaiting moderation or still to edit.
REMEMBERED_COMMENTS = 20
# How long a reader's session (and so the notice) lasts without a visit: moderation can
# take a day or two. Staff sessions keep their short idle limit (STAFF_IDLE_MINUTES).
AWAITING_SESSION_LIFETIME = datetime.timedelta(days=30)


def with_approved_comment_counts(queryset):
    """Annotate articles with `approved_comment_count`, in the same query as the list."""
    approved = (
        Comment.objects.approved()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(
        approved_comment_count=Coalesce(Subquery(approved, output_field=IntegerField()), Value(0))
    )


@dataclass
class ThreadEntry:
    """One comment as the page shows it, in reading order."""

    comment: tuple  # a named row of Comment.objects.for_thread(): pk, author_name, ...
    depth: int
    removed: bool
    in_reply_to: str
    html: SafeString
    # Nesting for the flat list the renderer writes: open a reply list after this comment,
    # or close its item and `closes` enclosing lists.
    opens_replies: bool = False
    closes: int = 0


def comment_thread(article) -> list[ThreadEntry]:
    """The article's visible discussion from one query, threaded in Python: approved
    comments oldest first within each thread, and "removed" placeholders for hidden
    comments that still have visible replies."""
    comments = list(Comment.objects.for_thread(article))
    by_id = {comment.pk: comment for comment in comments}
    children = defaultdict(list)
    roots = []
    for comment in comments:
        if comment.parent_id in by_id:
            children[comment.parent_id].append(comment)
        else:
            roots.append(comment)

    # A hidden comment is shown as a placeholder only if something under it is visible.
    # Walking a pre-order list backwards settles every child before its parent, with no
    # recursion however deep a thread goes.
    preorder = []
    stack = list(roots)
    while stack:
        comment = stack.pop()
        preorder.append(comment)
        stack.extend(children[comment.pk])
    visible = set()
    for comment in reversed(preorder):
        if comment.status == Comment.Status.APPROVED or any(
            child.pk in visible for child in children[comment.pk]
        ):
            visible.add(comment.pk)

    entries = []
    stack = [(root, 1) for root in reversed(roots)]
    while stack:
        comment, level = stack.pop()
        if comment.pk not in visible:
            continue
        removed = comment.status != Comment.Status.APPROVED
        in_reply_to = ""
        if level > MAX_DEPTH:
            parent = by_id[comment.parent_id]
            in_reply_to = (
                parent.author_name
                if parent.status == Comment.Status.APPROVED
                else "a removed comment"
            )
        entries.append(
            ThreadEntry(
                comment=comment,
                depth=min(level, MAX_DEPTH),
                removed=removed,
                in_reply_to=in_reply_to,
                html="" if removed else _comment_html(comment),
            )
        )
        stack.extend((child, level + 1) for child in reversed(children[comment.pk]))

    for index, entry in enumerate(entries):
        next_depth = entries[index + 1].depth if index + 1 < len(entries) else 1
        entry.opens_replies = next_depth > entry.depth
        entry.closes = max(0, entry.depth - next_depth)
    return entries


def _comment_html(row):
    # Rows written without save() (bulk_create) have no stored HTML yet.
    return render_comment_html(row.body_html or render_comment(row.body))


def approved_count(thread: list[ThreadEntry]) -> int:
    return sum(1 for entry in thread if not entry.removed)


# --- The "awaiting moderation" notice, kept in the author's session ----------------------


def remember_awaiting(request, comment):
    """Note in the author's session that `comment` waits for moderation."""
    ids = [pk for pk in request.session.get(AWAITING_SESSION_KEY, []) if pk != comment.pk]
    request.session[AWAITING_SESSION_KEY] = [*ids, comment.pk][-REMEMBERED_COMMENTS:]
    if not request.user.is_authenticated:
        # A fixed end, not one that every visit pushes back (sessions are saved on every
        # request): the note is for one wait, not a cookie for good.
        request.session.set_expiry(timezone.now() + AWAITING_SESSION_LIFETIME)


def _end_if_empty(request):
    if not request.user.is_authenticated and set(request.session.keys()) <= {"_session_expiry"}:
        request.session.flush()


def forget_reader_expiry(sender, request, user, **kwargs):
    """Signal receiver: a reader who signs in (as staff) gets the staff idle limit back."""
    if request is not None:
        request.session.set_expiry(None)


def awaiting_for(request, article) -> list[Comment]:
    """This visitor's own comments on `article` that still wait for moderation.

    Visitors without a session cookie never touch the session, so their page does not
    vary by cookie."""
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return []
    ids = request.session.get(AWAITING_SESSION_KEY)
    if not ids:
        return []
    waiting = list(
        Comment.objects.filter(
            pk__in=ids, status__in=[Comment.Status.PENDING, Comment.Status.SPAM]
        ).only(
            "pk",
            "article_id",
            "author_name",
            "body",
            "created_at",
            "notify_confirmed_at",
            "confirmation_sent_at",
        )
    )
    still_waiting = [pk for pk in ids if pk in {comment.pk for comment in waiting}]
    if not still_waiting:
        # Every comment has been decided: a reader's session that holds nothing else ends
        # now, and the next page comes from the page cache again.
        del request.session[AWAITING_SESSION_KEY]
        _end_if_empty(request)
    elif still_waiting != ids:
        request.session[AWAITING_SESSION_KEY] = still_waiting
    return [comment for comment in waiting if comment.article_id == article.pk]


# --- Editing: a commenter's own comments, for a while after posting ----------------------


def edit_window() -> datetime.timedelta | None:
    """How long after posting a comment may be edited (COMMENTS_EDIT_MINUTES), or None
    when editing is off."""
    minutes = settings.COMMENTS_EDIT_MINUTES
    return datetime.timedelta(minutes=minutes) if minutes > 0 else None


def remember_editable(request, comment):
    """Note in the author's session that they may edit `comment` until its window ends.

    A reader's session then lasts at least that long; one that holds nothing else ends
    with the window, and their pages come from the page cache again."""
    window = edit_window()
    if window is None:
        return
    deadline = comment.created_at + window
    session = request.session
    entries = [[pk, ends] for pk, ends in _editable_in_session(request).items() if pk != comment.pk]
    session[EDITABLE_SESSION_KEY] = [
        [pk, ends.timestamp()] for pk, ends in [*entries, [comment.pk, deadline]]
    ][-REMEMBERED_COMMENTS:]
    if not request.user.is_authenticated and (
        "_session_expiry" not in session or session.get_expiry_date() < deadline
    ):
        session.set_expiry(deadline)


def _editable_in_session(request) -> dict[int, datetime.datetime]:
    """The comments the reader's session may still edit, each with when that ends;
    entries whose time is over are dropped, and a session left with nothing else ends."""
    entries = request.session.get(EDITABLE_SESSION_KEY)
    if not entries:
        return {}
    now = timezone.now().timestamp()
    live = {pk: ends for pk, ends in entries if ends > now}
    if len(live) < len(entries):
        if live:
            request.session[EDITABLE_SESSION_KEY] = [[pk, ends] for pk, ends in live.items()]
        else:
            del request.session[EDITABLE_SESSION_KEY]
            _end_if_empty(request)
    return {pk: datetime.datetime.fromtimestamp(ends, datetime.UTC) for pk, ends in live.items()}


def editable_for(request, article=None) -> dict[int, datetime.datetime]:
    """This visitor's own comments (on `article`, if given) they may still edit, each
    with the moment that ends. Visitors without a session cookie never touch the
    session, so their page does not vary by cookie."""
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {}
    deadlines = _editable_in_session(request)
    if not deadlines or edit_window() is None:
        return {}
    comments = Comment.objects.filter(pk__in=deadlines).exclude(status=Comment.Status.REMOVED)
    if article is not None:
        comments = comments.filter(article=article)
    return {pk: deadlines[pk] for pk in comments.values_list("pk", flat=True)}


def asked_to_confirm(editable: dict[int, datetime.datetime]) -> set[int]:
    """Of the reader's own comments they may still edit, those that asked for reply
    e-mails and whose link to confirm the address is still to be opened."""
    if not editable:
        return set()
    return set(
        Comment.objects.filter(
            pk__in=editable,
            notify_on_reply=True,
            confirmation_sent_at__isnull=False,
            notify_confirmed_at__isnull=True,
        ).values_list("pk", flat=True)
    )


def minutes_left(deadline: datetime.datetime) -> int:
    """Whole minutes until `deadline`, rounded up: "1 minute left" until the end."""
    seconds = (deadline - timezone.now()).total_seconds()
    return max(1, int(-(-seconds // 60)))


def confirmation_state(*, comment_id: int, address_key: str) -> str:
    """Where the reply e-mails a confirmation link was sent for stand: "asked" (waiting
    for the confirmation), "confirmed", or "gone" (the comment was deleted, or its author
    stopped the e-mails)."""
    row = (
        Comment.objects.filter(pk=comment_id, notify_on_reply=True)
        .values_list("email", "notify_confirmed_at")
        .first()
    )
    if row is None or not row[0] or not notifications.address_matches(row[0], address_key):
        return "gone"
    return "confirmed" if row[1] else "asked"


# --- What the site holds about a commenter, for their request ---------------------------


def _export_time(moment):
    return date_format(timezone.localtime(moment), "j M Y, H:i T")


def comments_export_text(comments, *, base_url: str) -> str:
    """Everything the site holds on `comments` (a queryset), as plain text their authors
    can read: for a reader who asks the publisher what it keeps about them. Other
    readers' comments are named by number only, never by their authors' names."""
    comments = list(comments.select_related("article").order_by("created_at", "pk"))
    addresses = ", ".join(sorted({comment.email for comment in comments if comment.email}))
    lines = [
        f"Comments held by {Publication.load().site_name} for {addresses or 'no address'}",
        f"Exported {_export_time(timezone.now())}: {len(comments)} "
        f"comment{'' if len(comments) == 1 else 's'}.",
    ]
    for comment in comments:
        lines += ["", f"Comment {comment.pk}, on “{comment.article.title}”"]
        fields = [("Posted", _export_time(comment.created_at))]
        if comment.edited_at:
            fields.append(("Last edited", _export_time(comment.edited_at)))
        fields += [("Status", comment.get_status_display()), ("Name", comment.author_name)]
        fields.append(("E-mail", comment.email))
        if comment.is_approved:
            fields.append(("Address", base_url + comment.get_absolute_url()))
        if comment.parent_id:
            fields.append(("In reply to", f"comment {comment.parent_id}"))
        if comment.notify_confirmed_at:
            wanted = f"yes, address confirmed {_export_time(comment.notify_confirmed_at)}"
        else:
            wanted = "asked, address not confirmed" if comment.notify_on_reply else "no"
        fields.append(("E-mail on reply", wanted))
        if comment.moderation_note:
            fields.append(("Moderation note", comment.moderation_note))
        if comment.sender_hash:
            fields.append(("Sender network", f"{comment.sender_hash} (a keyed hash, no address)"))
        if comment.user_agent:
            fields.append(("Browser", comment.user_agent))
        lines += [f"{label}: {value}" for label, value in fields]
        lines += ["Text:", *(f"    {line}" for line in comment.body.splitlines())]
    return "\n".join(lines) + "\n"
