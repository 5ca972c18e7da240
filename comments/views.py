from http import HTTPStatus
from urllib.parse import urlsplit

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from articles.models import Article
from articles.redirects import current_address
from articles.views import article_page_context

from . import moderation, notifications
from .forms import CommentEditForm, CommentForm
from .models import Comment
from .selectors import (
    AWAITING_ANCHOR,
    confirmation_state,
    edit_window,
    editable_for,
    minutes_left,
    remember_awaiting,
    remember_editable,
)
from .services import (
    comment_confirm_replies,
    comment_create,
    comment_edit,
    comment_unsubscribe,
    comment_withdraw,
    comments_open,
)


def _article_page(request, article, status, **comment_context):
    """The article page again, with the reader's form (and its errors) in place."""
    context = {
        "article": article,
        "object": article,
        **article_page_context(request, article),
        **comment_context,
    }
    return render(request, "articles/article_detail.html", context, status=status)


CSRF_FAILED_MESSAGE = (
    "Your comment was not sent: the page's security check did not match your browser's "
    "(the site was opened in another tab meanwhile, or cookies were cleared). Your text is "
    "still here: please send it again. If this keeps happening, allow cookies for this site."
)


def comment_csrf_failure(request, slug):
    """A comment whose form token no longer matched the reader's cookie (see
    config.security.csrf_failure): the article page again, with the text in place, a
    message and a token that matches. Sending it again would not help on an article
    that closed or went meanwhile: that page says so and gives the text back."""
    try:
        article = _article_for_comments(slug)
    except Http404:
        return _article_gone(request)
    if not comments_open(article):
        return _comments_closed(request, article)
    form = CommentForm(request.POST, article=article)
    form.is_valid()
    form.add_error(None, CSRF_FAILED_MESSAGE)
    return _article_page(request, article, HTTPStatus.FORBIDDEN, comment_form=form)


def _article_for_comments(slug):
    """The published article, also under an address it had when the reader's page was
    opened: a rename while they wrote must not lose their comment to a 404."""
    articles = Article.objects.published().for_page()
    article = articles.filter(slug=slug).first()
    if article is None:
        moved = current_address(reverse("articles:detail", args=[slug]))
        try:
            match = resolve(urlsplit(moved).path) if moved else None
        except Resolver404:
            match = None
        if match is not None and match.view_name == "articles:detail":
            article = articles.filter(slug=match.kwargs["slug"]).first()
    if article is None:
        raise Http404("No such article.")
    return article


@require_http_methods(["GET", "POST"])
def comment_post(request, slug):
    """Receive the comment form, with or without JavaScript.

    Success redirects (Post/Redirect/Get) to the new comment, or, when it waits for
    moderation, to a notice only its author sees. Bad input brings the article page
    back with the reader's text and the errors: 400 for the form, 429 for flood control,
    403 when comments are closed.
    """
    try:
        article = _article_for_comments(slug)
    except Http404:
        if request.method == "GET":
            raise
        return _article_gone(request)
    if request.method == "GET":
        return redirect(f"{article.get_absolute_url()}#comments")

    if not comments_open(article):
        return _comments_closed(request, article)
    if "cancel_reply" in request.POST:
        # "Cancel reply" without JavaScript: the page again, the text kept, as a comment.
        form = CommentForm(article=article, initial=_typed_so_far(request))
        return _article_page(request, article, HTTPStatus.OK, comment_form=form)

    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        return _article_page(request, article, HTTPStatus.BAD_REQUEST, comment_form=form)

    user = request.user
    staff_user = user if user.is_authenticated and user.is_staff else None
    sender = moderation.sender_from_request(request)
    try:
        comment = comment_create(
            article=article,
            parent=form.cleaned_data["parent"],
            author_name=form.cleaned_data["author_name"],
            email=form.cleaned_data["email"],
            body=form.cleaned_data["body"],
            notify_on_reply=form.cleaned_data["notify_on_reply"],
            sender=sender,
            staff_user=staff_user,
            base_url=notifications.site_url(request),
        )
    except moderation.FloodLimited as limited:
        form.add_error(None, _flood_message(limited.retry_after))
        response = _article_page(request, article, HTTPStatus.TOO_MANY_REQUESTS, comment_form=form)
        response["Retry-After"] = str(limited.retry_after)
        return response

    if _sent_by(comment, sender, staff_user):
        remember_editable(request, comment)
    return _to_comment(request, comment)


def _sent_by(comment, sender, staff_user):
    """Whether `comment` came from this sender. A post sent twice lands on the first
    comment: its sender may edit it, not someone else who happened to send the same words
    from the same network, least of all a staff member's, whose edits skip moderation."""
    return (
        comment.sender_hash == sender.network_hash
        and comment.by_staff == (staff_user is not None)
        and comment.staff_user_id == (staff_user.pk if staff_user else None)
    )


def _to_comment(request, comment):
    """Where a reader goes after posting or editing: to their comment, or to the notice
    that it awaits moderation."""
    if comment.status != Comment.Status.APPROVED:
        remember_awaiting(request, comment)
    return HttpResponseRedirect(_where_shown(comment))


def _where_shown(comment):
    """The comment in its thread, or the notice only its author sees while it waits."""
    if comment.status == Comment.Status.APPROVED:
        return comment.get_absolute_url()
    return f"{comment.article.get_absolute_url()}#{AWAITING_ANCHOR}"


EDIT_NOT_YOURS_MESSAGE = (
    "Only the person who wrote a comment can edit it, from the browser they posted it in, "
    "within {minutes} minutes of posting."
)
EDIT_OVER_MESSAGE = "The time to edit this comment ended {minutes} minutes after it was posted."
EDIT_OFF_MESSAGE = "Comments cannot be edited once posted."
EDIT_GONE_MESSAGE = "This comment is not on the site any more."


class EditRefused(Exception):
    def __init__(self, message, status):
        super().__init__(message)
        self.message, self.status = message, status


def _comment_to_edit(request, pk):
    """The visitor's own comment `pk` and when their time to edit it ends, or
    EditRefused saying why not."""
    comment = (
        Comment.objects.select_related("article", "staff_user")
        .filter(pk=pk, article__in=Article.objects.published())
        .exclude(status=Comment.Status.REMOVED)
        .first()
    )
    if comment is None:
        raise EditRefused(EDIT_GONE_MESSAGE, HTTPStatus.NOT_FOUND)
    deadline = editable_for(request).get(comment.pk)
    if deadline is not None:
        return comment, deadline
    window = edit_window()
    if window is None:
        raise EditRefused(EDIT_OFF_MESSAGE, HTTPStatus.FORBIDDEN)
    over = comment.created_at + window <= timezone.now()
    message = EDIT_OVER_MESSAGE if over else EDIT_NOT_YOURS_MESSAGE
    minutes = int(window.total_seconds() // 60)
    raise EditRefused(message.format(minutes=minutes), HTTPStatus.FORBIDDEN)


@never_cache
@require_http_methods(["GET", "POST"])
def comment_edit_page(request, pk):
    """A commenter changes the text of their own comment: from the session it was posted
    in, for COMMENTS_EDIT_MINUTES after posting. Moderation reads the new text (see
    `comment_edit` in services). A refusal says why and gives back any text sent."""
    try:
        comment, deadline = _comment_to_edit(request, pk)
    except EditRefused as refused:
        return _edit_refused(request, refused)
    if request.method == "GET":
        form = CommentEditForm(initial={"body": comment.body})
        return _edit_page(request, comment, deadline, form, HTTPStatus.OK)
    form = CommentEditForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, comment, deadline, form, HTTPStatus.BAD_REQUEST)
    try:
        comment = comment_edit(
            comment=comment,
            body=form.cleaned_data["body"],
            sender=moderation.sender_from_request(request),
            base_url=notifications.site_url(request),
        )
    except Comment.DoesNotExist:
        return _edit_refused(request, EditRefused(EDIT_GONE_MESSAGE, HTTPStatus.NOT_FOUND))
    except moderation.FloodLimited as limited:
        seconds = limited.retry_after
        form.add_error(
            None,
            f"You saved a change a moment ago. Please wait {seconds} second"
            f"{'s' if seconds != 1 else ''} and save again; your text is still here.",
        )
        response = _edit_page(request, comment, deadline, form, HTTPStatus.TOO_MANY_REQUESTS)
        response["Retry-After"] = str(limited.retry_after)
        return response
    return _to_comment(request, comment)


@never_cache
@require_http_methods(["GET", "POST"])
def comment_withdraw_page(request, pk):
    """A commenter deletes their own comment, under the same rules as editing it: the
    page asks first, since a tap on a phone is easily made."""
    try:
        comment, deadline = _comment_to_edit(request, pk)
    except EditRefused as refused:
        return _edit_refused(request, refused)
    if request.method == "GET":
        return render(
            request,
            "comments/comment_withdraw.html",
            {
                "comment": comment,
                "article": comment.article,
                "minutes_left": minutes_left(deadline),
            },
        )
    article = comment.article
    comment_withdraw(comment=comment)
    return HttpResponseRedirect(f"{article.get_absolute_url()}#comments")


def comment_edit_csrf_failure(request, pk):
    """An edit whose form token no longer matched the reader's cookie (see
    config.security.csrf_failure): the edit page again, the text in place, a message and
    a token that matches."""
    try:
        comment, deadline = _comment_to_edit(request, pk)
    except EditRefused as refused:
        return _edit_refused(request, refused)
    form = CommentEditForm(request.POST)
    form.is_valid()
    form.add_error(None, CSRF_FAILED_MESSAGE)
    return _edit_page(request, comment, deadline, form, HTTPStatus.FORBIDDEN)


def _edit_page(request, comment, deadline, form, status):
    return render(
        request,
        "comments/comment_edit.html",
        {
            "comment": comment,
            "article": comment.article,
            "form": form,
            "minutes_left": minutes_left(deadline),
            "back_url": _where_shown(comment),
        },
        status=status,
    )


def _edit_refused(request, refused):
    if request.method == "GET" and refused.status == HTTPStatus.NOT_FOUND:
        raise Http404(refused.message)
    return render(
        request,
        "comments/edit_refused.html",
        {
            "message": refused.message,
            "posted_text": _posted_text(request) if request.method == "POST" else "",
        },
        status=refused.status,
    )


def _posted_text(request):
    """The comment as the reader sent it, to give back when it cannot be posted: all of
    it (the request size limit bounds it), so nothing they wrote is lost."""
    return request.POST.get("body", "").replace("\x00", "")


def _typed_so_far(request):
    """What the reader filled in, as it was sent: nothing is checked, since nothing is
    being posted."""
    fields = CommentForm.base_fields
    kept = ("author_name", "email", "body", "notify_on_reply")
    return {
        name: fields[name].widget.value_from_datadict(request.POST, request.FILES, name)
        for name in kept
    }


def _comments_closed(request, article):
    return _article_page(
        request, article, HTTPStatus.FORBIDDEN, comment_closed_text=_posted_text(request)
    )


def _article_gone(request):
    """Withdrawn or deleted while the reader wrote: their text back, not a bare 404."""
    return render(
        request,
        "comments/article_gone.html",
        {"posted_text": _posted_text(request)},
        status=HTTPStatus.NOT_FOUND,
    )


def _flood_message(seconds):
    if seconds < 90:
        wait = f"{seconds} second{'s' if seconds != 1 else ''}"
    else:
        minutes = -(-seconds // 60)
        wait = f"{minutes} minutes"
    return (
        # Neutral: the limit counts a network (an office, a household), not a person.
        "To keep out spam, only a few comments may come from one connection in a short "
        f"time. Please wait {wait} and send this one again; your text is still here."
    )


CONFIRM_LINK_INVALID = (
    "This confirmation link is not valid",
    "It may have been cut short when it was copied. Please open the whole link from the e-mail.",
)
CONFIRM_LINK_EXPIRED = (
    "This confirmation link has expired",
    "Links to confirm reply e-mails work for {days} days. Tick “E-mail me when someone "
    "replies” the next time you comment, and we will send a new one.",
)
CONFIRM_LINK_GONE = (
    "There is nothing to confirm any more",
    "The comment this link was sent for has been deleted, or its author stopped the "
    "e-mails about replies. Tick “E-mail me when someone replies” the next time you "
    "comment, and we will send a new link.",
)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_replies(request, token):
    """Confirm that reply e-mails may go to an address: the link in the e-mail opens a
    page with a button, and the button confirms. Opening the link changes nothing, since
    mail scanners open every link in a message; it says at once when there is nothing
    left to confirm, or when it is done already."""
    target = notifications.confirmation_target(token)
    state = target and confirmation_state(
        comment_id=target.comment_id, address_key=target.address_key
    )
    failed = None
    if target is None:
        failed, status = CONFIRM_LINK_INVALID, HTTPStatus.BAD_REQUEST
    elif state == "confirmed":
        # Opened again, even after a week: it is done, whatever the link's age.
        return render(request, "comments/replies_confirmed.html")
    elif target.expired:
        failed, status = CONFIRM_LINK_EXPIRED, HTTPStatus.GONE
    elif state == "gone" or (
        request.method == "POST"
        and not comment_confirm_replies(
            comment_id=target.comment_id, address_key=target.address_key
        )
    ):
        failed, status = CONFIRM_LINK_GONE, HTTPStatus.GONE
    if failed:
        heading, text = failed
        context = {
            "heading": heading,
            "text": text.format(days=notifications.CONFIRM_LINK_DAYS),
        }
        return render(request, "comments/confirm_failed.html", context, status=status)
    if request.method == "GET":
        return render(request, "comments/confirm_replies.html")
    return render(request, "comments/replies_confirmed.html")


# Mail programs confirm a one-click unsubscribe with a POST that carries no CSRF token
# (RFC 8058); the signed token in the address is what authorises it.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Stop reply e-mails: the link in the e-mail opens a page with a button, and the
    button (or a mail program's one-click POST, RFC 8058) stops them. Opening the link
    changes nothing, since mail scanners open every link in a message; a repeated POST
    says the same thing again."""
    if notifications.unsubscribe_target(token) is None:
        return render(request, "comments/unsubscribe_invalid.html", status=HTTPStatus.BAD_REQUEST)
    if request.method == "GET":
        return render(request, "comments/unsubscribe_confirm.html")
    comment_unsubscribe(token=token)
    return render(request, "comments/unsubscribed.html")
