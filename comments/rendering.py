"""The discussion thread as HTML, built in Python.

An article can carry hundreds of comments, and the template engine spends most of a page's
time resolving the same dozen variables for each of them. Here each comment is an
`html_format` call or two (every value escaped), so a thread of 200 renders in about 2 ms;
`make bench` measures it on a page with nothing cached.
"""

from django.urls import reverse
from django.utils import timezone

from articles.html import html_format, html_join, html_literal

from .selectors import MAX_DEPTH, ThreadEntry, minutes_left

_OPEN_REPLIES = html_literal('<ol class="comment-replies">')
_CLOSE_ITEM = html_literal("</li>")
_CLOSE_REPLIES = html_literal("</ol></li>")
# After a comment: its item closed, then the reply lists it ends (at most one per level).
_CLOSINGS = [html_join([_CLOSE_ITEM, *[_CLOSE_REPLIES] * ends]) for ends in range(MAX_DEPTH)]
_STAFF_BADGE = html_literal('<span class="badge badge--staff">Staff</span>')
_EDITED = html_literal(' <span class="comment__edited">· edited</span>')
_NOTHING = html_literal("")
# Beside a comment that asked for reply e-mails, for its author only (their page is never
# cached): the same words the note on a held comment uses.
_CONFIRM_NOTE = html_literal(
    '<p class="comment__note">To get e-mails about replies, open the link we have just '
    "sent to your address. Until then, none are sent.</p>"
)


# English month names, as the site is written in English: strftime's %b follows the
# server's locale and costs more than the rest of a comment's markup.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _when(moment, zone):
    """The comment's time for `<time datetime>` (2026-11-13T08:25:19+0000, as the
    template filter "Y-m-d\\TH:i:sO" writes it) and for readers (13 Nov 2026, 08:25 UTC:
    readers are anywhere, so the time names the site's zone)."""
    local = moment.astimezone(zone)
    iso = local.isoformat(timespec="seconds")
    return (
        iso[:-3] + iso[-2:],
        f"{local.day} {_MONTHS[local.month - 1]} {local.year}, "
        f"{local.hour:02}:{local.minute:02} {local.tzname()}",
    )


def _edit_link(pk, deadline):
    left = minutes_left(deadline)
    return html_format(
        '<a class="comment__edit" href="{}">Edit<span class="visually-hidden"> your comment'
        '</span></a> <span class="comment__edit-time">({} minute{} left)</span>',
        reverse("comments:edit", args=[pk]),
        left,
        "" if left == 1 else "s",
    )


def _item(entry: ThreadEntry, article_url: str, is_open: bool, zone, editable, asked):
    comment = entry.comment
    tail = _OPEN_REPLIES if entry.opens_replies else _CLOSINGS[entry.closes]
    if entry.removed:
        return html_format(
            '<li class="comment-item comment-item--depth-{}">'
            '<article class="comment comment--removed" id="comment-{}">'
            '<p class="comment__removed">This comment was removed.</p></article>{}',
            entry.depth,
            comment.pk,
            tail,
        )
    context = (
        html_format(
            '<span class="comment__context">in reply to <bdi>{}</bdi></span>', entry.in_reply_to
        )
        if entry.in_reply_to
        else _NOTHING
    )
    pk, name = comment.pk, comment.author_name
    reply = (
        html_format(
            '<a class="comment__reply" href="{0}?reply_to={1}#reply" rel="nofollow" '
            'data-reply-to="{1}" data-reply-name="{2}">Reply'
            '<span class="visually-hidden"> to {2}</span></a>',
            article_url,
            pk,
            name,
        )
        if is_open
        else _NOTHING
    )
    edit = _edit_link(pk, editable[pk]) if pk in editable else _NOTHING
    actions = (
        html_format(
            '<p class="comment__actions">{}{}{}</p>', reply, " " if reply and edit else "", edit
        )
        if reply or edit
        else _NOTHING
    )
    machine_time, shown_time = _when(comment.created_at, zone)
    return html_format(
        '<li class="comment-item comment-item--depth-{0}">'
        '<article class="comment" id="comment-{1}" aria-labelledby="comment-{1}-author">'
        '<header class="comment__meta">'
        '<span class="comment__author" id="comment-{1}-author"><bdi>{2}</bdi></span>{3}{4}'
        '<a class="comment__permalink" href="#comment-{1}"><time datetime="{5}">{6}</time></a>{7}'
        '</header><div class="comment__body" dir="auto">{8}</div>{9}{10}</article>{11}',
        entry.depth,
        pk,
        name,
        _STAFF_BADGE if comment.by_staff else _NOTHING,
        context,
        machine_time,
        shown_time,
        _EDITED if comment.edited_at else _NOTHING,
        entry.html,
        actions,
        _CONFIRM_NOTE if pk in asked else _NOTHING,
        tail,
    )


def render_thread(
    thread: list[ThreadEntry], *, article_url: str, is_open: bool, editable=None, asked=()
):
    """`<ol class="comment-list">` with nested reply lists, as the stylesheet expects.
    `editable` maps the reader's own comments they may still edit to when that ends;
    `asked` holds those of them whose address is still to be confirmed."""
    zone = timezone.get_current_timezone()
    editable = editable or {}
    return html_join(
        [
            html_literal('<ol class="comment-list">'),
            *(_item(entry, article_url, is_open, zone, editable, asked) for entry in thread),
            html_literal("</ol>"),
        ]
    )
