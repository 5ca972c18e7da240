"""Writes to comments: posting, status changes, erasing, unsubscribing and the retention
purge."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone

from articles import page_cache
from articles.models import Article

from . import moderation, notifications
from .models import Comment, ConfirmationLinkSent, ModerationTerm, SenderActivity
from .text import clean_text


def comments_window():
    """How long after publication an article takes comments (COMMENTS_CLOSE_AFTER_DAYS),
    or None when comments stay open for good (0)."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    return datetime.timedelta(days=days) if days and days > 0 else None


def comments_open(article: Article) -> bool:
    """Whether `article` takes new comments: published, its switch on, and not past its
    comments window."""
    if not article.is_published or not article.comments_enabled:
        return False
    window = comments_window()
    return window is None or timezone.now() < article.publish_at + window


def comment_create(
    *,
    article: Article,
    parent: Comment | None,
    author_name: str,
    email: str,
    body: str,
    notify_on_reply: bool,
    sender: moderation.Sender,
    staff_user=None,
    base_url: str,
) -> Comment:
    """Post a comment as the moderation policy decides.

    A duplicate (same e-mail, text, article and parent within a day) returns the existing comment
    instead of a new row. Raises moderation.FloodLimited when the sender's network has
    posted too often (staff are exempt). E-mails to moderators and to a parent's author
    go out after the transaction commits.
    """
    email = email.strip().lower()
    body = clean_text(body)
    with transaction.atomic():
        # Locking the sender's row makes concurrent posts from one network take turns,
        # so the duplicate and flood checks below see each other's rows.
        activity, _ = SenderActivity.objects.select_for_update().get_or_create(
            sender_hash=sender.network_hash
        )

        now = timezone.now()
        posted_at = activity.posted_since(now - moderation.FLOOD_WINDOW)
        duplicate = (
            Comment.objects.filter(
                article=article,
                parent=parent,
                email=email,
                body=body,
                created_at__gt=now - moderation.DUPLICATE_WINDOW,
            )
            .exclude(status=Comment.Status.REMOVED)
            .order_by("created_at")
            .first()
        )
        if duplicate is not None:
            return duplicate
        if staff_user is None:
            moderation.check_flood(posted_at, now=now)

        verdict = moderation.moderate(
            author_name=author_name,
            email=email,
            body=body,
            sender=sender,
            staff_user=staff_user,
        )
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            author_name=author_name,
            email=email,
            body=body,
            notify_on_reply=notify_on_reply,
            status=verdict.status,
            moderation_note=verdict.note,
            by_staff=staff_user is not None,
            staff_user=staff_user,
            created_at=now,
            approved_at=now if verdict.status == Comment.Status.APPROVED else None,
            sender_hash=sender.network_hash,
            user_agent=sender.user_agent,
        )
        SenderActivity.objects.filter(pk=activity.pk).update(
            last_posted_at=now,
            recent_posts=[
                moment.timestamp()
                for moment in [*posted_at, now][-moderation.FLOOD_MAX_IN_WINDOW :]
            ],
        )

        if notify_on_reply:
            comment_ask_to_confirm(comment=comment, base_url=base_url)
        if comment.status == Comment.Status.PENDING:
            notifications.queue_moderator_email(comment, base_url=base_url)
        elif comment.status == Comment.Status.APPROVED:
            _queue_reply_notifications([comment.pk] if comment.parent_id else [], base_url=base_url)
    return comment


# One confirmation link a day at most, however often the box is ticked: a form anyone can
# fill in must not become a way to fill someone's inbox.
CONFIRMATION_RESEND_AFTER = datetime.timedelta(days=1)


def _address_confirmed(email):
    # In any letter case, as confirming and unsubscribing match: the admin kept addresses
    # as staff typed them until it stored them in lower case.
    return Comment.objects.filter(email__iexact=email, notify_confirmed_at__isnull=False).exists()


def _claim_confirmation_link(email, now):
    """Whether a confirmation link may go to `email` now, noting that it does: none has
    gone in the last day. The note is kept by address, not on the comment, which its
    author may delete at once (and post again, and delete again)."""
    key = notifications.address_key(email)
    if ConfirmationLinkSent.objects.filter(
        address_key=key, sent_at__lte=now - CONFIRMATION_RESEND_AFTER
    ).update(sent_at=now):
        return True
    _, created = ConfirmationLinkSent.objects.get_or_create(
        address_key=key, defaults={"sent_at": now}
    )
    return created


def _no_email_addresses():
    return ModerationTerm.objects.filter(kind=ModerationTerm.Kind.NO_EMAIL).values("value")


def comment_ask_to_confirm(*, comment: Comment, base_url: str) -> bool:
    """Reply e-mails for `comment`, just posted with "e-mail me" ticked, or saved by staff
    with a new address or with "e-mail on reply" newly ticked: a confirmation belongs to
    the address it was e-mailed to. Confirmed at once when its owner confirmed it on
    another comment; else a link is sent (at most one a day, none for spam), and no reply
    e-mail goes before it is used. An address whose owner asked for no e-mail gets
    nothing, and the comment stops asking. Returns whether a link was sent."""
    now = timezone.now()
    with transaction.atomic():
        if _no_email_addresses().filter(value=comment.email.lower()).exists():
            comment.notify_on_reply = False
            Comment.objects.filter(pk=comment.pk).update(notify_on_reply=False)
            return False
        if _address_confirmed(comment.email):
            comment.notify_confirmed_at = now
            Comment.objects.filter(pk=comment.pk).update(notify_confirmed_at=now)
            return False
        if comment.status == Comment.Status.SPAM or not _claim_confirmation_link(
            comment.email, now
        ):
            return False
        comment.confirmation_sent_at = now
        Comment.objects.filter(pk=comment.pk).update(confirmation_sent_at=now)
        notifications.queue_confirmation_email(comment, base_url=base_url)
    return True


_BEFORE_EDIT = " (before it was edited)"
# From least to most withheld: an edit never moves a comment towards the start.
_WITHHELD_ORDER = [Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.SPAM]


def comment_edit(*, comment: Comment, body: str, sender: moderation.Sender, base_url: str):
    """Change `comment`'s text for its author. Moderation reads the new text as it reads
    a new comment, and an edit never makes a comment more public than it was: a held
    comment stays held, with its new text, for the moderator; an approved one that now
    breaks a rule leaves the page, held (the moderators are e-mailed) or as spam. A rule
    the approved text broke already (a moderation word in a harmless sentence) was the
    moderator's to judge, and mending a typo around it does not ask them again.

    Only the text changes, so a reply's place in its thread and any e-mail already sent
    stay as they are. The same text again changes nothing. Raises Comment.DoesNotExist
    when the comment was removed meanwhile, and moderation.FloodLimited for a change
    within 15 seconds of the last: each change to a published comment empties the page
    cache, for every page."""
    body = clean_text(body)
    if body == comment.body:
        return comment

    def verdict_on(text):
        return moderation.moderate(
            author_name=comment.author_name,
            email=comment.email,
            body=text,
            sender=sender,
            staff_user=comment.staff_user if comment.by_staff else None,
        )

    verdict = verdict_on(body)
    with transaction.atomic():
        # Read again under a lock: a moderator's decision since the page was opened
        # stands, and two edits sent at once take turns.
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .exclude(status=Comment.Status.REMOVED)
            .select_related("article", "staff_user")
            .get(pk=comment.pk)
        )
        now = timezone.now()
        if comment.edited_at and now - comment.edited_at < moderation.FLOOD_MIN_INTERVAL:
            ready = comment.edited_at + moderation.FLOOD_MIN_INTERVAL
            raise moderation.FloodLimited(moderation.seconds_until(ready, now))
        was_public = comment.status == Comment.Status.APPROVED
        if (
            was_public
            and verdict.status == Comment.Status.PENDING
            and set(verdict.reasons) <= set(verdict_on(comment.body).reasons)
        ):
            verdict = moderation.Verdict(Comment.Status.APPROVED)
        comment.status = max(comment.status, verdict.status, key=_WITHHELD_ORDER.index)
        if verdict.status != Comment.Status.APPROVED:
            comment.moderation_note = verdict.note
        elif comment.status != Comment.Status.APPROVED and comment.moderation_note:
            # Held for what the text said before; the moderator reads the new one.
            note = comment.moderation_note.removesuffix(_BEFORE_EDIT)
            room = Comment._meta.get_field("moderation_note").max_length - len(_BEFORE_EDIT)
            comment.moderation_note = f"{note[:room]}{_BEFORE_EDIT}"
        comment.body = body
        comment.edited_at = now
        comment.save(update_fields=["body", "status", "moderation_note", "edited_at"])
        if was_public and comment.status == Comment.Status.PENDING:
            notifications.queue_moderator_email(comment, base_url=base_url)
    return comment


# A comment emptied of everything about its author, kept as "This comment was removed"
# while other comments answer it.
_EMPTIED = {
    "status": Comment.Status.REMOVED,
    "author_name": "",
    "email": "",
    "body": "",
    "body_html": "",
    "notify_on_reply": False,
    "notify_confirmed_at": None,
    "confirmation_sent_at": None,
    "sender_hash": "",
    "user_agent": "",
}


def comment_withdraw(*, comment: Comment) -> None:
    """Take `comment` off the site for good, for its author (who may have said more than
    they meant to on a health site): deleted, or, when other comments answer it,
    emptied (no name, e-mail, text or sender data) and left as "removed", so the thread
    under it keeps its shape."""
    with transaction.atomic():
        # Read again under a lock: a reply saved meanwhile waits for this, or is seen
        # here, and is never deleted with the comment it answers.
        comment = Comment.objects.select_for_update(of=("self",)).filter(pk=comment.pk).first()
        if comment is None:
            return
        _forget_in_admin_history([comment.pk])
        if not comment.replies.exists():
            comment.delete()
            return
        Comment.objects.filter(pk=comment.pk).update(
            **_EMPTIED, moderation_note="Withdrawn by its author."
        )
        if comment.status == Comment.Status.APPROVED:
            page_cache.invalidate()  # an update sends no signal


def _forget_in_admin_history(pks):
    """Name the comments `pks`, taken off the site for good (by their authors, at their
    request or by the retention purge), by number alone in the admin's history: each save
    of a comment's page keeps its name and the start of its text there, shown under
    "Recent actions" and on its History."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Comment),
        object_id__in=[str(pk) for pk in pks],
    ).update(object_repr=Concat(Value("Comment "), "object_id", output_field=CharField()))


def _delete_or_empty(comments, *, note) -> tuple[int, int]:
    """Take `comments` (a queryset) off the site for good: each is deleted, or, when a
    comment not among them answers it, emptied (no name, e-mail, text or sender data)
    and left as "removed" with `note`, so the thread under it keeps its shape. Returns
    how many were deleted and how many emptied."""
    _forget_in_admin_history(comments.values_list("pk", flat=True))
    has_replies = Exists(Comment.objects.filter(parent=OuterRef("pk")))
    deleted = 0
    # Leaves first, again and again, so a chain of replies among them goes entirely.
    while True:
        leaves = list(comments.exclude(has_replies).values_list("pk", flat=True))
        count, _ = Comment.objects.filter(pk__in=leaves).delete()
        if not count:
            break
        deleted += count
    return deleted, comments.update(**_EMPTIED, moderation_note=note)


@dataclass
class EraseResult:
    deleted: int
    emptied: int


def comments_erase(*, comments) -> EraseResult:
    """Take `comments` (a queryset) off the site for good, with everything their authors
    gave, for a reader who asks the publisher to forget them: each is deleted, or, when
    a comment that is not being erased answers it, emptied (no name, e-mail, text or
    sender data) and left as "removed", so other readers' replies keep their place.

    "Remove" keeps the comment's data, and "Delete" takes other readers' replies with it.
    """
    erasing = Comment.objects.filter(pk__in=comments.values("pk"))
    with transaction.atomic():
        public = erasing.filter(status=Comment.Status.APPROVED).exists()
        deleted, emptied = _delete_or_empty(erasing, note="Erased at its author's request.")
        if emptied and public:
            page_cache.invalidate()  # an update sends no signal
    return EraseResult(deleted=deleted, emptied=emptied)


def comment_set_status(*, comments, status: str, base_url: str, moderator=None) -> int:
    """Move `comments` (a queryset) to `status`, for `moderator` (a staff user, noted on
    each); approving one publishes it and e-mails the author of the comment it answers,
    if they asked. Returns how many changed.

    A few statements whatever the number: "select all" in the queue may take in every
    comment on the site, and a save for each (with the page cache told each time) ran
    past the server's time limit, leaving none changed."""
    with transaction.atomic():
        changing = Comment.objects.filter(pk__in=comments.exclude(status=status).values("pk"))
        public_before = changing.filter(status=Comment.Status.APPROVED).exists()
        reply_ids = []
        if status == Comment.Status.APPROVED:
            # Only replies whose parent's author asked for e-mail may need one.
            reply_ids = list(
                changing.filter(
                    parent__notify_on_reply=True,
                    parent__notify_confirmed_at__isnull=False,
                    reply_notified_at__isnull=True,
                ).values_list("pk", flat=True)
            )
            changing.filter(approved_at__isnull=True).update(approved_at=timezone.now())
        changed = changing.update(
            status=status,
            moderated_by=moderator,
            moderated_at=timezone.now(),
            moderated_as=status,
        )
        if changed and (public_before or status == Comment.Status.APPROVED):
            page_cache.invalidate()
        _queue_reply_notifications(reply_ids, base_url=base_url)
    return changed


def comment_published(*, comment: Comment, base_url: str) -> None:
    """Side effects of a comment saved as approved from its admin form (safe to repeat)."""
    with transaction.atomic():
        if comment.approved_at is None:
            comment.approved_at = timezone.now()
            Comment.objects.filter(pk=comment.pk).update(approved_at=comment.approved_at)
        _queue_reply_notifications([comment.pk] if comment.parent_id else [], base_url=base_url)


def _queue_reply_notifications(reply_ids, *, base_url):
    """E-mail the parent author of each approved reply in `reply_ids` once, if they
    opted in and confirmed their address, and readers can see the article: its link
    would otherwise lead to "not found" (a moderator may approve replies on an article
    taken back to draft)."""
    if not reply_ids:
        return
    due = (
        Comment.objects.filter(
            pk__in=reply_ids,
            article__in=Article.objects.published(),
            status=Comment.Status.APPROVED,
            reply_notified_at__isnull=True,
            parent__status=Comment.Status.APPROVED,
            parent__notify_on_reply=True,
            parent__notify_confirmed_at__isnull=False,
        )
        # In any letter case, as unsubscribing matches: an address staff typed before the
        # admin stored addresses in lower case may be stored as typed.
        .alias(parent_address=Lower("parent__email"))
        .exclude(parent_address__in=_no_email_addresses())
        .select_related("parent", "article")
    )
    now = timezone.now()
    claimed = []
    for reply in due:
        # Nobody needs an e-mail about replying to themselves.
        if reply.email == reply.parent.email:
            continue
        # Claiming the reply with a conditional update means two moderators approving
        # it at the same moment still send one e-mail.
        if Comment.objects.filter(pk=reply.pk, reply_notified_at__isnull=True).update(
            reply_notified_at=now
        ):
            claimed.append(reply)
    notifications.queue_reply_emails(claimed, base_url=base_url)


# --- Confirming and unsubscribing -------------------------------------------------------


def comment_confirm_replies(*, comment_id: int, address_key: str) -> bool:
    """Let reply e-mails go to the address of comment `comment_id`, for each of that
    address's comments that asks for them. False when the comment is gone, or no longer
    asks (its author unsubscribed); repeating it changes nothing."""
    email = (
        Comment.objects.filter(pk=comment_id, notify_on_reply=True)
        .values_list("email", flat=True)
        .first()
    )
    if not email or not notifications.address_matches(email, address_key):
        return False
    Comment.objects.filter(
        email__iexact=email, notify_on_reply=True, notify_confirmed_at__isnull=True
    ).update(notify_confirmed_at=timezone.now())
    return True


def comment_unsubscribe(*, token: str) -> bool:
    """Stop reply e-mails to the address behind `token`, for all its comments. Asking
    for them again, later, means confirming the address again; when its owner had
    confirmed it, the link to do so goes at once.

    Returns False for a token that was not signed here; repeating it changes nothing.
    """
    target = notifications.unsubscribe_target(token)
    if target is None:
        return False
    email = Comment.objects.filter(pk=target.comment_id).values_list("email", flat=True).first()
    if email:
        addresses = [email]
    elif target.address_key:
        # The comment was deleted: the address is found among those still subscribed.
        subscribed = Comment.objects.filter(notify_on_reply=True).values_list("email", flat=True)
        addresses = [
            address
            for address in set(subscribed)
            if notifications.address_matches(address, target.address_key)
        ]
    else:
        addresses = []
    for address in addresses:
        comments = Comment.objects.filter(email__iexact=address)
        if comments.filter(notify_confirmed_at__isnull=False).exists():
            # Its owner confirmed it, so a link asked for again may go at once; only then,
            # or a token passed on would make room for one link after another.
            key = notifications.address_key(address)
            ConfirmationLinkSent.objects.filter(address_key=key).delete()
        _stop_reply_emails(comments)
    return True


def _stop_reply_emails(comments):
    """No more reply e-mails about `comments`, and their address no longer confirmed."""
    comments.filter(Q(notify_on_reply=True) | Q(notify_confirmed_at__isnull=False)).update(
        notify_on_reply=False, notify_confirmed_at=None
    )


def comment_stop_emails(*, emails) -> list[str]:
    """Send nothing more to `emails`, for readers who asked the publisher: no reply
    e-mails about any of their comments, and no link to confirm them, however often the
    address is typed into the comment form later (by anyone). The addresses go on the
    moderation lists, where deleting one lets a link go again when its owner asks.
    Returns the addresses, in lower case."""
    addresses = sorted({email.strip().lower() for email in emails if email.strip()})
    with transaction.atomic():
        for address in addresses:
            ModerationTerm.objects.get_or_create(
                kind=ModerationTerm.Kind.NO_EMAIL,
                value=address,
                defaults={"note": "Asked for no e-mail."},
            )
            _stop_reply_emails(Comment.objects.filter(email__iexact=address))
    return addresses


# --- Retention --------------------------------------------------------------------------


@dataclass
class PurgeResult:
    deleted: int
    scrubbed: int
    sender_data_cleared: int


def comments_purge(*, now=None) -> PurgeResult:
    """Delete spam older than 15 days and pending comments older than 30 days, clear
    sender data older than 30 days on every comment, and forget confirmation links sent
    more than a day ago.

    An expired comment that other comments answer is emptied instead (no name, e-mail,
    text or sender data) and left as "removed", so the thread under it keeps its shape;
    the admin's history names each by number alone.
    """
    now = now or timezone.now()
    expired = Q(status=Comment.Status.SPAM, created_at__lt=now - moderation.SPAM_RETENTION) | Q(
        status=Comment.Status.PENDING, created_at__lt=now - moderation.PENDING_RETENTION
    )
    with transaction.atomic():
        deleted, scrubbed = _delete_or_empty(
            Comment.objects.filter(expired), note="Emptied by the retention purge."
        )
        cleared = (
            Comment.objects.filter(created_at__lt=now - moderation.SENDER_DATA_RETENTION)
            .exclude(sender_hash="", user_agent="")
            .update(sender_hash="", user_agent="")
        )
        SenderActivity.objects.filter(last_posted_at__lt=now - moderation.FLOOD_WINDOW).delete()
        ConfirmationLinkSent.objects.filter(sent_at__lt=now - CONFIRMATION_RESEND_AFTER).delete()
    return PurgeResult(deleted=deleted, scrubbed=scrubbed, sender_data_cleared=cleared)
