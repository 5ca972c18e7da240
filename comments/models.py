import datetime
import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator, EmailValidator
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator

from articles.models import Article, SingleRowModel

from .text import render_comment

BODY_MAX_LENGTH = 3000
NAME_MAX_LENGTH = 80
USER_AGENT_MAX_LENGTH = 200


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def for_thread(self, article):
        """Everything the thread under `article` may show, as rows, in one query: approved
        comments, plus any other comment that has replies (it may have to stand in as
        "This comment was removed" so the thread keeps its shape)."""
        has_replies = models.Exists(Comment.objects.filter(parent=models.OuterRef("pk")))
        return (
            self.filter(article=article)
            .filter(models.Q(status=Comment.Status.APPROVED) | models.Q(has_replies))
            .order_by("created_at", "pk")
            # Rows rather than model instances: building 200 instances costs more than
            # the query itself, and the thread only reads these fields.
            .values_list(
                "pk", "parent_id", "author_name", "body", "body_html", "status", "by_staff",
                "created_at", "edited_at", named=True,
            )
        )  # fmt: skip


class Comment(models.Model):
    """A reader's comment on an article, or a reply to another comment."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name="in reply to",
    )
    author_name = models.CharField("name", max_length=NAME_MAX_LENGTH)
    email = models.EmailField("e-mail", help_text="Never shown publicly.")
    body = models.TextField("comment", max_length=BODY_MAX_LENGTH)
    # The body as the page shows it (paragraphs, line breaks, links), made once when the
    # comment is saved rather than on every page view; cleaned again when read.
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    notify_on_reply = models.BooleanField(
        "e-mail on reply",
        default=False,
        help_text="The commenter asked for an e-mail when a reply is approved.",
    )
    # Reply e-mails go only to an address its owner confirmed from a link sent to it:
    # anyone can type anyone's address into a comment form.
    notify_confirmed_at = models.DateTimeField(
        "address confirmed",
        null=True,
        blank=True,
        editable=False,
        help_text="When the commenter confirmed, from the link e-mailed to them, that reply "
        "e-mails may go to this address. None are sent before.",
    )
    confirmation_sent_at = models.DateTimeField(
        "confirmation link sent",
        null=True,
        blank=True,
        editable=False,
        help_text="When the link to confirm reply e-mails was e-mailed for this comment.",
    )
    # The badge stays even if the staff account is deleted later.
    by_staff = models.BooleanField("posted by staff", default=False)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Who last approved, held back or removed it, for the record a publisher is asked
    # for: the queue's actions change many comments in one statement and leave no history.
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="last moderated by",
    )
    moderated_at = models.DateTimeField("last moderated", null=True, blank=True, editable=False)
    # What they decided: the status itself may move since, when the author edits the
    # comment into the queue or deletes it, and neither is the moderator's doing.
    moderated_as = models.CharField(
        "last moderated as", max_length=10, choices=Status.choices, blank=True, editable=False
    )
    moderation_note = models.CharField(
        "why it was held",
        max_length=300,
        blank=True,
        help_text="The moderation rules that held or blocked this comment.",
    )
    # A keyed hash of the sender's network (IPv4 address, IPv6 /64), never the address:
    # enough for flood control and to spot one sender's comments, cleared by the purge.
    sender_hash = models.CharField(max_length=64, blank=True, editable=False)
    user_agent = models.CharField(max_length=USER_AGENT_MAX_LENGTH, blank=True, editable=False)
    reply_notified_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the parent comment's author was e-mailed about this reply.",
    )
    edited_at = models.DateTimeField(
        "edited by its author",
        null=True,
        blank=True,
        editable=False,
        help_text="When its author last changed the text (pages mark it as edited).",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status"]),
            models.Index(fields=["sender_hash", "created_at"]),
            models.Index(fields=["email", "status"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self):
        return f"{self.author_name}: {Truncator(self.body).chars(60)}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = render_comment(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values):
        comment = super().from_db(db, field_names, values)
        comment._stored_status = comment.__dict__.get("status")
        return comment

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def changes_public_pages(self):
        """Whether saving or deleting this comment changes what readers see: only an
        approved comment, or one that was approved until now, is on a public page. The
        page cache reads this, so held and spam comments never empty it."""
        approved = self.Status.APPROVED
        return approved in (self.status, getattr(self, "_stored_status", None))


# Words in nearly every comment: never a moderation word on their own.
_COMMON_WORDS = """
a about all also an and any are as at be because been but by can could did do does for
from get had has have he her him his how i if in into is it its just like me more my no
not now of on one only or our out she so some than that the their them then there these
they this to too up us very was we were what when which who will with would you your
"""
COMMON_WORDS = frozenset(_COMMON_WORDS.split())


class ModerationTerm(models.Model):
    """One entry of the word, address and network lists that moderation checks."""

    class Kind(models.TextChoices):
        HOLD_WORD = "hold_word", "Moderation word: hold for review"
        BLOCK_WORD = "block_word", "Blocked word: spam"
        BLOCK_EMAIL = "block_email", "Blocked e-mail address: spam"
        BLOCK_DOMAIN = "block_domain", "Blocked e-mail domain: spam"
        BLOCK_NETWORK = "block_network", "Blocked IP address or network: spam"
        # A reader who asked the publisher for no more e-mail; their comments are welcome.
        NO_EMAIL = "no_email", "E-mail address that gets no e-mail from the site"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(
        max_length=200,
        help_text="Words and phrases match whole words, in any letter case. "
        "* matches any ending (microdos* matches microdosing); # matches a number "
        '("# mg" matches "5 mg", "5mg" and "0.5 mg"). E-mail domains match their '
        "subdomains too. Networks are written like 203.0.113.0/24 or 2001:db8::/48.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why it is on the list.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="unique_moderation_term"),
        ]
        verbose_name = "moderation list entry"
        verbose_name_plural = "moderation lists"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.normalized_value()
        super().save(*args, **kwargs)

    def clean(self):
        self.value = self.normalized_value()
        if not self.value:
            raise ValidationError({"value": "Enter a word, address or network."})
        if self.kind == self.Kind.BLOCK_NETWORK:
            try:
                network = ipaddress.ip_network(self.value, strict=False)
            except ValueError:
                raise ValidationError(
                    {"value": "Enter an IP address or a network such as 203.0.113.0/24."}
                ) from None
            # A slip such as 0.0.0.0/0 would quietly turn every reader's comment into spam.
            widest = 16 if network.version == 4 else 32
            if network.prefixlen < widest:
                raise ValidationError(
                    {
                        "value": f"This network holds {network.num_addresses:,} addresses, "
                        f"too many readers to block at once; the widest accepted is /{widest}."
                    }
                )
        if self.kind in {self.Kind.BLOCK_EMAIL, self.Kind.NO_EMAIL}:
            try:
                EmailValidator()(self.value)
            except ValidationError:
                raise ValidationError(
                    {"value": "Enter a whole e-mail address, such as name@example.com."}
                ) from None
        if self.kind in {self.Kind.HOLD_WORD, self.Kind.BLOCK_WORD}:
            self._check_word()
        if self.kind == self.Kind.BLOCK_DOMAIN:
            self._check_domain()
        # Entries match in any letter case: "Grow Kit" beside "grow kit" would be the same
        # entry twice, and removing one would leave the other working.
        # Compared here: SQLite's "iexact" folds only ASCII letters.
        value = self.value.casefold()
        others = ModerationTerm.objects.filter(kind=self.kind).exclude(pk=self.pk).only("value")
        same = next((term for term in others if term.value.casefold() == value), None)
        if same is not None:
            raise ValidationError({"value": f"This is on the list already, as “{same.value}”."})

    def _check_word(self):
        # Like a network of millions, a word in every comment ("the", "*", "a*") would
        # send every reader's comment to spam or the queue, and spam is purged unread.
        words = self.value.casefold().split()
        letters = sum(character.isalnum() for character in self.value)
        short_stem = any(word.endswith("*") and len(word.rstrip("*")) < 3 for word in words)
        if letters < 2 or short_stem or all(word in COMMON_WORDS for word in words):
            raise ValidationError(
                {
                    "value": f"“{self.value}” would match nearly every comment. Use a word "
                    "or phrase that only the comments you mean contain (with * after at "
                    "least three letters)."
                }
            )

    def _check_domain(self):
        # A web address or a whole e-mail address is never an e-mail domain: saved as
        # typed, the entry would block nobody while staff believed it worked.
        try:
            DomainNameValidator()(self.value)
        except ValidationError:
            host = urlsplit(self.value if "//" in self.value else f"//{self.value}").hostname
            domain = (host or "").rpartition("@")[2]
            try:
                DomainNameValidator()(domain)
            except ValidationError:
                suggestion = "example.com"
            else:
                suggestion = domain
            raise ValidationError(
                {"value": f"Enter the domain alone, such as {suggestion}: no @, https:// or /."}
            ) from None

    def normalized_value(self):
        value = " ".join((self.value or "").split())
        if self.kind in {self.Kind.BLOCK_EMAIL, self.Kind.BLOCK_DOMAIN, self.Kind.NO_EMAIL}:
            value = value.lower().lstrip("@")
        return value


DEFAULT_MODERATION_NOTICE = (
    "Comments are moderated. Please don't share dosing or sourcing advice; nothing here "
    "is medical advice."
)
DEFAULT_CRISIS_RESOURCES = (
    "If you are thinking about suicide or are worried about someone, help is available "
    "now. In the US, call or text 988 to reach the 988 Suicide & Crisis Lifeline, or chat "
    "at 988lifeline.org. If you are in immediate danger, call 911 or your local emergency "
    "number."
)


class CommentSettings(SingleRowModel):
    """The notes staff edit that appear beside every comment form."""

    moderation_notice = models.TextField(
        default=DEFAULT_MODERATION_NOTICE, help_text="Shown above every comment form."
    )
    crisis_resources = models.TextField(
        "crisis resources",
        default=DEFAULT_CRISIS_RESOURCES,
        help_text="Shown above the comments on articles in a sensitive topic. Plain text; "
        "blank lines start a new paragraph.",
    )

    class Meta:
        verbose_name = "comment notes"
        verbose_name_plural = "comment notes"

    def __str__(self):
        return "Comment notes"


class SenderActivity(models.Model):
    """One row per sender network, locked while that sender posts so that two posts
    arriving together on different app servers cannot both slip past flood control."""

    sender_hash = models.CharField(max_length=64, unique=True)
    last_posted_at = models.DateTimeField(default=timezone.now)
    # When the network's latest comments were posted (POSIX seconds, oldest first), for
    # flood control: kept here rather than read from the comments, which their authors
    # may delete (and post again, and delete again).
    recent_posts = models.JSONField(default=list)

    class Meta:
        verbose_name_plural = "sender activity"

    def __str__(self):
        return self.sender_hash[:12]

    def posted_since(self, moment: datetime.datetime) -> list[datetime.datetime]:
        """The network's posting times after `moment`, oldest first."""
        times = (
            datetime.datetime.fromtimestamp(seconds, datetime.UTC) for seconds in self.recent_posts
        )
        return [time for time in times if time > moment]


class ConfirmationLinkSent(models.Model):
    """When a link to confirm reply e-mails last went to an address, named by its keyed
    digest. Kept apart from the comment that asked, which its author may delete at once:
    the one-link-a-day limit must outlive it."""

    address_key = models.CharField(max_length=32, unique=True)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = "confirmation link sent"
        verbose_name_plural = "confirmation links sent"

    def __str__(self):
        return self.address_key[:12]
