"""The moderation policy and abuse defences, each a small function the services call.

Figures the publisher asked for are constants here; the ones a site may want to tune
are settings (see the "Comments" section of config/settings.py).
"""

import datetime
import ipaddress
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

from config.security import client_address, client_network

from .models import USER_AGENT_MAX_LENGTH, Comment, ModerationTerm
from .text import comparable, count_links

# A signed timestamp in the form: faster than a person can write, or stale.
FORM_MIN_SECONDS = 2
FORM_MAX_SECONDS = 2 * 60 * 60
FORM_TOKEN_SALT = "comments.form-timestamp"  # noqa: S105 - a signing namespace

# Flood control per sender network.
FLOOD_MIN_INTERVAL = datetime.timedelta(seconds=15)
FLOOD_WINDOW = datetime.timedelta(minutes=10)
FLOOD_MAX_IN_WINDOW = 5

DUPLICATE_WINDOW = datetime.timedelta(days=1)

SPAM_RETENTION = datetime.timedelta(days=15)
PENDING_RETENTION = datetime.timedelta(days=30)
# What moderation needs about a sender is kept no longer than a held comment is.
SENDER_DATA_RETENTION = PENDING_RETENTION


# --- Who is posting ---------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    """What the policy knows about the sender. The address itself is only held in memory
    for the request (to check blocked networks); the database gets `network_hash`."""

    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    network_hash: str
    user_agent: str = ""


def sender_network(address):
    """The network flood control counts as one sender (`client_network`), as text."""
    network = client_network(address)
    return str(network) if network else "unknown"


def network_hash(network: str) -> str:
    return salted_hmac("comments.sender-network", network, algorithm="sha256").hexdigest()


def sender_from_request(request):
    address = client_address(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    user_agent = "".join(char for char in user_agent if char.isprintable())[:USER_AGENT_MAX_LENGTH]
    return Sender(
        address=address,
        network_hash=network_hash(sender_network(address)),
        user_agent=user_agent,
    )


# --- The signed form timestamp ----------------------------------------------------------


class FormTokenError(Exception):
    """The form's timestamp is missing, forged, too fresh or too old."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _milliseconds(seconds: float) -> int:
    return round(seconds * 1000)


def form_token(article_id, *, issued_at=None) -> str:
    """A signed note of when the form was served, for `check_form_token`."""
    issued_at = time.time() if issued_at is None else issued_at
    return signing.dumps({"a": article_id, "t": _milliseconds(issued_at)}, salt=FORM_TOKEN_SALT)


def check_form_token(token, article_id):
    """Raise FormTokenError unless `token` was signed here for this article between
    FORM_MIN_SECONDS and FORM_MAX_SECONDS ago (to the millisecond)."""
    try:
        payload = signing.loads(token or "", salt=FORM_TOKEN_SALT)
        issued_ms = int(payload["t"])
        token_article = int(payload["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise FormTokenError("invalid") from None
    if token_article != article_id:
        raise FormTokenError("invalid")
    age_ms = _milliseconds(time.time()) - issued_ms
    if age_ms < FORM_MIN_SECONDS * 1000:
        raise FormTokenError("too_fast")
    if age_ms > FORM_MAX_SECONDS * 1000:
        raise FormTokenError("expired")


def resent_form_token(sent, article_id) -> str:
    """The token for a form given back to its reader after a post (an error to correct, a
    reply cancelled without JavaScript, a failed security check): the one they were
    served, while it holds, so the two-second rule counts from when they first had the
    form, not from the page that gave it back. A new one replaces a forged or expired
    token, which would only fail again; for an expired one, already two seconds old, so
    the reader who kept the page open for hours can send again at once."""
    try:
        check_form_token(sent, article_id)
    except FormTokenError as error:
        if error.reason == "expired":
            return form_token(article_id, issued_at=time.time() - FORM_MIN_SECONDS)
        if error.reason != "too_fast":
            return form_token(article_id)
    return sent


def refresh_form_token(token: str) -> str:
    """The token for the same form served again now: the page cache calls this on every
    hit, so the two-second and two-hour rules count from when the reader got the page.
    A token that does not verify is returned as it is, to fail as it would have."""
    try:
        return form_token(int(signing.loads(token, salt=FORM_TOKEN_SALT)["a"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return token


# --- Word, address and network lists ----------------------------------------------------

# Atomic: a number is taken whole, never split between two `#`. Otherwise "# # # mg" or
# "call ###-####" tried every way of cutting a long run of digits into pieces, and one
# comment of digits kept a worker (and, on SQLite, the write lock) busy for minutes.
_NUMBER = r"(?>\d+(?:[.,]\d+)?)"


def term_pattern(term: str) -> str:
    """A regular expression for one list entry: whole words, `*` for any ending, `#` for a
    number, which may touch the word after it ("5mg") or not ("5 mg"). A run of `#` is
    one number, as staff mean by "###-####"."""
    parts = []
    for token in comparable(term).split():
        token = re.sub("#+", "#", token)
        piece = re.escape(token).replace(r"\*", r"\w*").replace(r"\#", _NUMBER)
        if parts:
            parts.append(r"\s*" if parts[-1].endswith(_NUMBER) else r"\s+")
        parts.append(piece)
    return r"(?<!\w)" + "".join(parts) + r"(?!\w)"


def first_match(terms, text):
    """The first of `terms` found in `text` (already `comparable`), or None."""
    for term in terms:
        if term and re.search(term_pattern(term), text):
            return term
    return None


@dataclass
class Verdict:
    status: str
    reasons: list[str] = field(default_factory=list)

    @property
    def note(self):
        return "; ".join(self.reasons)[:300]


def _terms_by_kind():
    terms = {}
    for kind, value in ModerationTerm.objects.values_list("kind", "value"):
        terms.setdefault(kind, []).append(value)
    return terms


def _email_domain_blocked(email, domains):
    domain = email.rsplit("@", 1)[-1].lower()
    return next((d for d in domains if domain == d or domain.endswith("." + d)), None)


def _network_blocked(address, networks):
    if address is None:
        return None
    for value in networks:
        try:
            if address in ipaddress.ip_network(value, strict=False):
                return value
        except (ValueError, TypeError):
            continue
    return None


def moderate(*, author_name, email, body, sender, staff_user=None) -> Verdict:
    """Decide the status of a new comment.

    Staff are approved. A blocked word, address, domain or network makes it spam. A
    first comment from an e-mail address, too many links, a web address in the name or a
    moderation word holds it for review; otherwise it is approved.
    """
    if staff_user is not None:
        return Verdict(Comment.Status.APPROVED)

    terms = _terms_by_kind()
    Kind = ModerationTerm.Kind
    text = comparable(f"{author_name}\n{body}")
    email = email.lower()

    spam_reasons = []
    if word := first_match(terms.get(Kind.BLOCK_WORD, []), text):
        spam_reasons.append(f'blocked word "{word}"')
    if email in terms.get(Kind.BLOCK_EMAIL, []):
        spam_reasons.append("blocked e-mail address")
    if domain := _email_domain_blocked(email, terms.get(Kind.BLOCK_DOMAIN, [])):
        spam_reasons.append(f"blocked e-mail domain {domain}")
    if network := _network_blocked(sender.address, terms.get(Kind.BLOCK_NETWORK, [])):
        spam_reasons.append(f"blocked network {network}")
    if spam_reasons:
        return Verdict(Comment.Status.SPAM, spam_reasons)

    hold_reasons = []
    if (
        settings.COMMENTS_HOLD_FIRST_COMMENT
        and not Comment.objects.approved().filter(email=email).exists()
    ):
        hold_reasons.append("first comment from this e-mail address")
    links = count_links(body)
    if links >= settings.COMMENTS_HOLD_LINKS:
        hold_reasons.append(f"{links} links")
    # A name goes into the subject and first line of the e-mail telling a reader of a
    # reply, which mail programs turn into links: "Refunds at www.example.com replied".
    if count_links(author_name):
        hold_reasons.append("a web address in the name")
    if word := first_match(terms.get(Kind.HOLD_WORD, []), text):
        hold_reasons.append(f'moderation word "{word}"')
    if hold_reasons:
        return Verdict(Comment.Status.PENDING, hold_reasons)
    return Verdict(Comment.Status.APPROVED)


# --- Flood control ----------------------------------------------------------------------


class FloodLimited(Exception):
    """The sender has posted too often; `retry_after` is in whole seconds."""

    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = max(1, retry_after)


def check_flood(posted_at: list[datetime.datetime], *, now):
    """Raise FloodLimited if this network posted in the last 15 seconds, or 5 times in
    the last 10 minutes. `posted_at` holds its posting times, oldest first, from its
    SenderActivity row: comments its authors deleted count too. Kept in the database,
    so it needs no shared cache."""
    recent = [moment for moment in posted_at if moment > now - FLOOD_WINDOW]
    if recent and now - recent[-1] < FLOOD_MIN_INTERVAL:
        raise FloodLimited(seconds_until(recent[-1] + FLOOD_MIN_INTERVAL, now))
    if len(recent) >= FLOOD_MAX_IN_WINDOW:
        raise FloodLimited(seconds_until(recent[-FLOOD_MAX_IN_WINDOW] + FLOOD_WINDOW, now))


def seconds_until(moment, now):
    """Whole seconds from `now` to `moment`, rounded up: what Retry-After says."""
    return int(-(-(moment - now).total_seconds() // 1))
