"""The discussion thread as HTML, built in Python.

An article can carry hundreds of comments, and the template engine spends most of a page's
time resolving the same dozen variables for each of them; building the list here with
format_html (every value escaped) makes a long thread cheap to render.
"""

from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .selectors import ThreadEntry


def _when(moment):
    local = timezone.localtime(moment)
    return (
        local.strftime("%Y-%m-%dT%H:%M:%S%z"),
        f"{local.day} {local:%b %Y, %H:%M}",
    )


def _tail(entry: ThreadEntry):
    """After a comment: open its reply list, or close its item and the lists it ends."""
    if entry.opens_replies:
        return format_html('<ol class="{}">', "comment-replies")
    return format_html(
        "</li>{}", format_html_join("", "</ol></li>{}", (("",) for _ in entry.closes))
    )


def _item(entry: ThreadEntry, article_url: str, is_open: bool):
    comment = entry.comment
    if entry.removed:
        return format_html(
            '<li class="comment-item comment-item--depth-{}">'
            '<article class="comment comment--removed" id="comment-{}">'
            '<p class="comment__removed">This comment was removed.</p></article>{}',
            entry.depth,
            comment.pk,
            _tail(entry),
        )
    pk, name = comment.pk, comment.author_name
    badge = (
        format_html('<span class="badge badge--{}">Staff</span>', "staff")
        if comment.by_staff
        else ""
    )
    context = (
        format_html(
            '<span class="comment__context">in reply to <bdi>{}</bdi></span>', entry.in_reply_to
        )
        if entry.in_reply_to
        else ""
    )
    actions = (
        format_html(
            '<p class="comment__actions"><a class="comment__reply" href="{}?reply_to={}#reply" '
            'data-reply-to="{}" data-reply-name="{}">Reply'
            '<span class="visually-hidden"> to {}</span></a></p>',
            article_url,
            pk,
            pk,
            name,
            name,
        )
        if is_open
        else ""
    )
    machine_time, shown_time = _when(comment.created_at)
    return format_html(
        '<li class="comment-item comment-item--depth-{}">'
        '<article class="comment" id="comment-{}" aria-labelledby="comment-{}-author">'
        '<header class="comment__meta">'
        '<span class="comment__author" id="comment-{}-author"><bdi>{}</bdi></span>{}{}'
        '<a class="comment__permalink" href="#comment-{}"><time datetime="{}">{}</time></a>'
        '</header><div class="comment__body" dir="auto">{}</div>{}</article>{}',
        entry.depth,
        pk,
        pk,
        pk,
        name,
        badge,
        context,
        pk,
        machine_time,
        shown_time,
        entry.html,
        actions,
        _tail(entry),
    )


def render_thread(thread: list[ThreadEntry], *, article_url: str, is_open: bool):
    """`<ol class="comment-list">` with nested reply lists, as the stylesheet expects."""
    return format_html(
        '<ol class="comment-list">{}</ol>',
        format_html_join("", "{}", ((_item(entry, article_url, is_open),) for entry in thread)),
    )
