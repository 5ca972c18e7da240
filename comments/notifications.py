"""E-mails about comments. Each is composed inside the transaction that made it due and
sent only once that transaction commits and the response has gone out; a failure to send
is logged and never undoes or blocks the comment."""

import logging
import smtplib
import time
from dataclasses import dataclass
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.encoding import punycode

from articles.models import Publication
from config.after_response import after_response

from .text import clean_line, plain_excerpt, quoted_excerpt

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "comments.unsubscribe"


def site_url(request) -> str:
    """The address e-mails link to, as the request that causes them saw the site."""
    return request.build_absolute_uri("/").rstrip("/")


def address_key(email: str, secret=None) -> str:
    """A keyed digest of an e-mail address: names the address in a link without
    showing it (a signed token is only base64, readable by anyone who has the link)."""
    digest = salted_hmac(UNSUBSCRIBE_SALT, email.strip().lower(), secret=secret)
    return digest.hexdigest()[:32]


def address_matches(email: str, key: str) -> bool:
    """Whether `key` names `email`, under the current key or one it replaced (links sent
    before SECRET_KEY was rotated still verify through SECRET_KEY_FALLBACKS)."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return any(address_key(email, secret) == key for secret in secrets)


def _comment_address_token(comment, salt) -> str:
    # The comment, and its author's address as a keyed digest: a signed token is only
    # base64, readable by anyone who has the link.
    return signing.dumps([comment.pk, address_key(comment.email)], salt=salt)


def _comment_address(value) -> tuple[int, str] | None:
    """The comment id and address digest a token signed by `_comment_address_token`
    holds, or None for any other shape."""
    if isinstance(value, list) and len(value) == 2:
        comment_id, key = value
        if isinstance(comment_id, int) and isinstance(key, str):
            return comment_id, key
    return None


def unsubscribe_token(comment) -> str:
    """A signed, non-expiring token for the link in reply e-mails, naming the comment
    and its author's address: the link still works once the comment is deleted."""
    return _comment_address_token(comment, UNSUBSCRIBE_SALT)


@dataclass(frozen=True)
class UnsubscribeTarget:
    comment_id: int
    address_key: str | None  # None in links sent before addresses were named


def unsubscribe_target(token: str) -> UnsubscribeTarget | None:
    """What an unsubscribe token names, or None for a token not signed here."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if isinstance(value, int):
        return UnsubscribeTarget(value, None)
    named = _comment_address(value)
    return UnsubscribeTarget(*named) if named else None


CONFIRM_SALT = "comments.confirm-replies"
# A confirmation link works for a week; a later comment with the box ticked sends another.
CONFIRM_LINK_DAYS = 7


def confirmation_token(comment) -> str:
    """A signed token for the link that confirms reply e-mails to `comment`'s address,
    naming the comment and (keyed) its address, as an unsubscribe token does."""
    return _comment_address_token(comment, CONFIRM_SALT)


@dataclass(frozen=True)
class ConfirmationTarget:
    comment_id: int
    address_key: str
    expired: bool


def confirmation_target(token: str) -> ConfirmationTarget | None:
    """What a confirmation token names, or None for a token not signed here."""
    try:
        named = _comment_address(signing.loads(token, salt=CONFIRM_SALT))
    except signing.BadSignature:
        return None
    if named is None:
        return None
    try:
        signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_LINK_DAYS * 24 * 3600)
        expired = False
    except signing.SignatureExpired:
        expired = True
    return ConfirmationTarget(*named, expired)


def _sender():
    """DEFAULT_FROM_EMAIL, under the publication's name when the operator gave the
    address alone: readers know the site by its name, not by "editors@"."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if name or not address:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((Publication.load().site_name, address))


def _message_id(sender) -> str:
    """A Message-ID under the sender's domain. Django's names the machine that sent it
    (socket.getfqdn(): "localhost", "web-1.internal"), which tells readers the server's
    internal name and is not a domain the site answers for."""
    domain = parseaddr(sender)[1].rpartition("@")[2]
    return make_msgid(domain=punycode(domain)) if domain else make_msgid()


def _email(*, subject, body, to, sender, headers=None) -> EmailMessage:
    """One of the site's e-mails, from `sender` (see `_sender`)."""
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=sender,
        to=to,
        headers={
            "Message-ID": _message_id(sender),
            # Sent by the site, not a person (RFC 3834): out-of-office and other
            # automatic replies leave it unanswered instead of filling the editors' inbox.
            "Auto-Submitted": "auto-generated",
            **(headers or {}),
        },
    )


SUBJECT_MAX_LENGTH = 150


def _subject(lead, title):
    """`lead`, then an article's title in quotes, on one line (a header cannot carry a
    line break; names and titles never add one). A long title is shortened inside its
    quotes, with "…", so the subject keeps to SUBJECT_MAX_LENGTH and still closes its
    quote and shows that the title goes on: a cut at the end left both out."""
    lead = clean_line(lead)
    room = max(SUBJECT_MAX_LENGTH - len(lead) - len(" “”"), 20)
    return f"{lead} “{plain_excerpt(title, room)}”"


# After the mail server fails to answer, this process leaves it alone for a while: each
# try holds a worker for up to EMAIL_TIMEOUT after its response, so a few comments in a row
# would hold every worker, and readers would wait on a mail server they never see.
MAIL_RETRY_SECONDS = 60
_mail_unreachable_until = {}


def _mail_server():
    return settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT


@receiver(setting_changed)
def _forget_unreachable_servers(setting, **kwargs):
    if setting.startswith("EMAIL_"):
        _mail_unreachable_until.clear()


def _send_after_commit(messages: list[EmailMessage], what: str):
    """Send `messages` once the transaction commits and the reader or moderator has their
    page, over one connection: a mail server that accepts connections and never answers
    then costs one EMAIL_TIMEOUT, not one per e-mail, and for MAIL_RETRY_SECONDS after it
    nothing more. A failure is logged; the comments are saved whatever happens here."""

    def send():
        server = _mail_server()
        if time.time() < _mail_unreachable_until.get(server, 0):
            logger.error(
                "The mail server did not answer less than %d seconds ago: %d %s e-mail(s) not sent",
                MAIL_RETRY_SECONDS,
                len(messages),
                what,
            )
            return
        connection = get_connection()
        try:
            connection.open()
        except Exception:
            _mail_unreachable_until[server] = time.time() + MAIL_RETRY_SECONDS
            logger.exception(
                "Could not reach the mail server: %d %s e-mail(s) not sent", len(messages), what
            )
            return
        try:
            for sent, message in enumerate(messages):
                message.connection = connection
                try:
                    message.send()
                except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
                    # The server refused this one (an address, a size): the rest may go.
                    logger.exception("Could not send the %s e-mail", what)
                except Exception:
                    # The connection broke (timed out, dropped): the rest would wait too.
                    _mail_unreachable_until[server] = time.time() + MAIL_RETRY_SECONDS
                    logger.exception(
                        "The mail server stopped answering: %d %s e-mail(s) not sent",
                        len(messages) - sent,
                        what,
                    )
                    return
        finally:
            connection.close()

    transaction.on_commit(lambda: after_response(send))


def queue_moderator_email(comment, *, base_url):
    """One e-mail to the moderators (COMMENTS_MODERATOR_EMAILS) about a held comment."""
    recipients = list(settings.COMMENTS_MODERATOR_EMAILS)
    if not recipients:
        return
    context = {
        "comment": comment,
        "article": comment.article,
        "excerpt": plain_excerpt(comment.body, 600),
        "admin_url": base_url + reverse("admin:comments_comment_change", args=[comment.pk]),
        "queue_url": (
            base_url + reverse("admin:comments_comment_changelist") + "?status__exact=pending"
        ),
    }
    message = _email(
        subject=_subject("Comment to moderate on", comment.article.title),
        body=render_to_string("comments/email/moderator_held.txt", context),
        to=recipients,
        sender=_sender(),
    )
    _send_after_commit([message], "moderation")


def queue_confirmation_email(comment, *, base_url):
    """The link that confirms reply e-mails may go to `comment`'s address."""
    context = {
        "comment": comment,
        "article": comment.article,
        "confirm_url": base_url
        + reverse("comments:confirm_replies", args=[confirmation_token(comment)]),
        "days": CONFIRM_LINK_DAYS,
    }
    message = _email(
        subject=_subject("Confirm e-mails about replies on", comment.article.title),
        body=render_to_string("comments/email/confirm_replies.txt", context),
        to=[comment.email],
        sender=_sender(),
    )
    _send_after_commit([message], "address confirmation")


def queue_reply_emails(replies, *, base_url):
    """One e-mail to the author of each reply's parent, with a one-click unsubscribe link."""
    if replies:
        sender = _sender()
        messages = [_reply_email(reply, base_url=base_url, sender=sender) for reply in replies]
        _send_after_commit(messages, "reply notification")


def _reply_email(reply, *, base_url, sender) -> EmailMessage:
    parent = reply.parent
    unsubscribe_url = base_url + reverse("comments:unsubscribe", args=[unsubscribe_token(parent)])
    context = {
        "reply": reply,
        "parent": parent,
        "article": reply.article,
        "reply_excerpt": quoted_excerpt(reply.body, 600),
        "parent_excerpt": plain_excerpt(parent.body, 200),
        "reply_url": base_url + reply.get_absolute_url(),
        "unsubscribe_url": unsubscribe_url,
    }
    return _email(
        subject=_subject(f"{reply.author_name} replied to your comment on", reply.article.title),
        body=render_to_string("comments/email/reply_notification.txt", context),
        to=[parent.email],
        sender=sender,
        headers={
            # Mail programs show their own unsubscribe button (RFC 2369, RFC 8058).
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
