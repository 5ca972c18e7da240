"""The comment section under an article.

Whole article pages are cached for anonymous readers (articles/page_cache.py), so what
these tags print is the same for every anonymous visitor of a URL, except two things:
`{% csrf_token %}` in the form, and the "awaiting moderation" notice, which comes from
the author's session (a request with a session cookie is never served from the cache).
"""

from django import template

from articles.page_cache import cached_for_generation

from ..forms import CommentForm
from ..models import Comment, CommentSettings
from ..moderation import form_token, resent_form_token
from ..rendering import render_thread
from ..selectors import (
    AWAITING_ANCHOR,
    approved_count,
    asked_to_confirm,
    awaiting_for,
    comment_thread,
    editable_for,
    minutes_left,
)
from ..services import comments_open
from ..text import crisis_html

register = template.Library()

REPLY_GONE_MESSAGE = (
    "The comment you wanted to reply to is not available any more. You can leave a new "
    "comment instead."
)


def _reply_target(request, article):
    """The approved comment named by `?reply_to=`, and a message if it names none."""
    raw = request.GET.get("reply_to", "").strip() if request is not None else ""
    if not raw:
        return None, ""
    parent = None
    if raw.isascii() and raw.isdigit():  # "²" is a digit too, and no number
        parent = Comment.objects.approved().filter(article=article, pk=int(raw)).first()
    return (parent, "") if parent else (None, REPLY_GONE_MESSAGE)


def _rendered_thread(article, is_open, editable):
    """The thread's HTML and count, made once per change of content: the thread is the
    most expensive part of a long discussion's page, and every reader sees the same,
    except a commenter who may still edit a comment of theirs (`editable`), whose page
    is never cached either."""

    def render():
        thread = comment_thread(article)
        return {
            "html": render_thread(
                thread,
                article_url=article.get_absolute_url(),
                is_open=is_open,
                editable=editable,
                asked=asked_to_confirm(editable),
            ),
            "count": approved_count(thread),
            "shown": bool(thread),
        }

    if editable:
        return render()
    return cached_for_generation(f"comment-thread:{article.pk}:{int(is_open)}", render)


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, article):
    """The crisis box on sensitive topics, the thread, and the form (or a closed note).

    A view that re-renders the article page after a failed post passes `comment_form`
    (bound, with errors) or `comment_closed_text` in the context.
    """
    request = context.get("request")
    is_open = comments_open(article)
    editable = editable_for(request, article)
    thread = _rendered_thread(article, is_open, editable)
    form = context.get("comment_form")
    reply_parent, reply_message = None, ""
    if form is None:
        reply_parent, reply_message = _reply_target(request, article) if is_open else (None, "")
        form = CommentForm(article=article, initial=_initial_for(request))
    else:
        reply_parent = form.reply_parent
    notes = cached_for_generation("comment-settings", CommentSettings.load)
    sensitive = any(topic.is_sensitive for topic in article.topics.all())
    return {
        "article": article,
        "article_url": article.get_absolute_url(),
        "thread": thread["shown"],
        "thread_html": thread["html"],
        "comment_count": thread["count"],
        "is_open": is_open,
        "is_published": article.is_published,
        "form": form,
        "reply_parent": reply_parent,
        "reply_message": reply_message,
        "closed_text": context.get("comment_closed_text"),
        "moderation_notice": notes.moderation_notice,
        "crisis_resources": crisis_html(notes.crisis_resources) if sensitive else "",
        # For the awaiting-moderation notice inside the section.
        "request": request,
        "editable": editable,
    }


def _initial_for(request):
    """Staff post under their own name (signed-in pages are never cached); never under
    their sign-in name, which would tell the public half of what the admin asks for."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return {"author_name": user.get_full_name(), "email": user.email}
    return {}


@register.inclusion_tag("comments/_awaiting_notice.html", takes_context=True)
def comment_awaiting_notice(context, article):
    """The author's own comments still waiting for moderation (from their session),
    each with a link to edit it while they still may."""
    editable = context.get("editable", {})
    return {
        "awaiting": [
            (comment, minutes_left(editable[comment.pk]) if comment.pk in editable else None)
            for comment in awaiting_for(context.get("request"), article)
        ],
        "anchor": AWAITING_ANCHOR,
    }


@register.simple_tag(takes_context=True)
def comment_form_timestamp(context, article):
    """A signed "form served at" value; a post must come 2 seconds to 2 hours later. A
    form given back after a post keeps the one it was sent with."""
    request = context.get("request")
    if request is not None and request.method == "POST":
        return resent_form_token(request.POST.get("timestamp", ""), article.pk)
    return form_token(article.pk)


@register.simple_tag
def pending_comment_count():
    """For the admin index: how many comments wait for moderation."""
    return Comment.objects.pending().count()
