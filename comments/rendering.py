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


def _comment(entry: ThreadEntry, article_url: str, is_open: bool):
    comment = entry.comment
    if entry.removed:
        return format_html(
            '<article class="comment comment--removed" id="comment-{}">'
            '<p class="comment__removed">This comment was removed.</p></article>',
            comment.pk,
        )
    machine_time, shown_time = _when(comment.created_at)
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
            '<p class="comment__actions"><a class="comment__reply" '
            'href="{}?reply_to={}#reply" data-reply-to="{}" data-reply-name="{}">Reply'
            '<span class="visually-hidden"> to {}</span></a></p>',
            article_url,
            comment.pk,
            comment.pk,
            comment.author_name,
            comment.author_name,
        )
        if is_open
        else ""
    )
    return format_html(
        '<article class="comment" id="comment-{pk}" aria-labelledby="comment-{pk}-author">'
        '<header class="comment__meta">'
        '<span class="comment__author" id="comment-{pk}-author"><bdi>{name}</bdi></span>'
        "{badge}{context}"
        '<a class="comment__permalink" href="#comment-{pk}"><time datetime="{machine}">'
        "{shown}</time></a></header>"
        '<div class="comment__body" dir="auto">{body}</div>{actions}</article>',
        pk=comment.pk,
        name=comment.author_name,
        badge=badge,
        context=context,
        machine=machine_time,
        shown=shown_time,
        body=entry.html,
        actions=actions,
    )


def render_thread(thread: list[ThreadEntry], *, article_url: str, is_open: bool):
    """`<ol class="comment-list">` with nested reply lists, as the stylesheet expects."""
    items = []
    for entry in thread:
        # The markup around each comment is fixed text; only the values are data.
        if entry.opens_replies:
            tail = '<ol class="comment-replies">'
        else:
            tail = "</li>" + "</ol></li>" * len(entry.closes)
        items.append(
            format_html(
                '<li class="comment-item comment-item--depth-{}">{}' + tail,
                entry.depth,
                _comment(entry, article_url, is_open),
            )
        )
    return format_html(
        '<ol class="comment-list">{}</ol>', format_html_join("", "{}", ((item,) for item in items))
    )
