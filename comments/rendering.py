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


# The markup is assembled from these fixed pieces; only the values passed alongside are
# data, and format_html escapes each of them. One call per comment keeps it cheap.
_REMOVED = (
    '<article class="comment comment--removed" id="comment-{}">'
    '<p class="comment__removed">This comment was removed.</p></article>'
)
_HEAD = (
    '<article class="comment" id="comment-{}" aria-labelledby="comment-{}-author">'
    '<header class="comment__meta">'
    '<span class="comment__author" id="comment-{}-author"><bdi>{}</bdi></span>'
)
_STAFF = '<span class="badge badge--staff">Staff</span>'
_IN_REPLY_TO = '<span class="comment__context">in reply to <bdi>{}</bdi></span>'
_TIME_AND_BODY = (
    '<a class="comment__permalink" href="#comment-{}"><time datetime="{}">{}</time></a>'
    '</header><div class="comment__body" dir="auto">{}</div>'
)
_REPLY = (
    '<p class="comment__actions"><a class="comment__reply" href="{}?reply_to={}#reply" '
    'data-reply-to="{}" data-reply-name="{}">Reply'
    '<span class="visually-hidden"> to {}</span></a></p>'
)
_OPEN_ITEM = '<li class="comment-item comment-item--depth-{}">'
_OPEN_REPLIES = '<ol class="comment-replies">'


def _item(entry: ThreadEntry, article_url: str, is_open: bool):
    comment = entry.comment
    closing = "</li>" + "</ol></li>" * len(entry.closes)
    tail = _OPEN_REPLIES if entry.opens_replies else closing
    if entry.removed:
        return format_html(_OPEN_ITEM + _REMOVED + tail, entry.depth, comment.pk)
    pk, name = comment.pk, comment.author_name
    template = _OPEN_ITEM + _HEAD
    values = [entry.depth, pk, pk, pk, name]
    if comment.by_staff:
        template += _STAFF
    if entry.in_reply_to:
        template += _IN_REPLY_TO
        values.append(entry.in_reply_to)
    template += _TIME_AND_BODY
    values += [pk, *_when(comment.created_at), entry.html]
    if is_open:
        template += _REPLY
        values += [article_url, pk, pk, name, name]
    return format_html(template + "</article>" + tail, *values)


def render_thread(thread: list[ThreadEntry], *, article_url: str, is_open: bool):
    """`<ol class="comment-list">` with nested reply lists, as the stylesheet expects."""
    return format_html(
        '<ol class="comment-list">{}</ol>',
        format_html_join("", "{}", ((_item(entry, article_url, is_open),) for entry in thread)),
    )
