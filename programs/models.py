import re
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

from babel.numbers import get_currency_precision
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from articles.html import link_scheme_message, links_without_scheme
from articles.images import SafeImageField
from articles.models import Author, Topic, name_link_rows, rich_text_field
from config.security import is_own_host

from .currencies import currency_choices, format_price

validate_cta_url = URLValidator(
    schemes=["http", "https"],
    message="Enter a full web address that starts with https:// (or http://).",
)


def normalize_cta_url(url):
    """The address with its scheme and host in lower case, as browsers read them: a
    pasted "Https://" must not stop the button from working."""
    parts = urlsplit(url.strip())
    if not parts.scheme:
        return url.strip()
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


def is_own_click_counter(url):
    parts = urlsplit(url)
    return is_own_host(parts.hostname) and bool(re.fullmatch(r"/programs/[^/]+/go/?", parts.path))


class ProgramQuerySet(models.QuerySet):
    def published(self):
        """Programs readers may see."""
        return self.filter(status=Program.Status.PUBLISHED)

    def visible_to(self, user):
        """Published programs, plus drafts for staff who may edit programs."""
        if user.is_active and user.is_staff and user.has_perm("programs.change_program"):
            return self.all()
        return self.published()

    def promoted(self, on=None):
        """Published programs whose promotion window contains `on` (today by default).

        An empty end of the window means "open-ended" on that side.
        """
        on = on or timezone.localdate()
        return self.published().filter(
            Q(promote_from__isnull=True) | Q(promote_from__lte=on),
            Q(promote_until__isnull=True) | Q(promote_until__gte=on),
        )

    def for_article(self, article, limit=3):
        """Up to `limit` programs to promote beside `article`, in one query.

        Programs tied to one of the article's topics come first, then featured ones, then
        the staff's sort order. Nothing is promoted beside an article whose promotions are
        switched off or that has a sensitive topic. Uses the article's prefetched topics.
        """
        if not article.promotions_enabled:
            return []
        topics = list(article.topics.all())
        if any(topic.is_sensitive for topic in topics):
            return []
        on_topic = Program.topics.through.objects.filter(
            program=OuterRef("pk"), topic__in=[topic.pk for topic in topics]
        )
        return list(
            self.promoted()
            .annotate(on_topic=Exists(on_topic))
            .order_by("-on_topic", "-is_featured", "sort_order", "title")[:limit]
        )


class Program(models.Model):
    """A course, program or one-to-one plan the publisher sells, with its sales page."""

    class Kind(models.TextChoices):
        COURSE = "course", "Course"
        PROGRAM = "program", "Program"
        ONE_TO_ONE_PLAN = "plan", "One-to-one plan"
        OTHER = "other", "Other"

    class Format(models.TextChoices):
        ONLINE_SELF_PACED = "online_self_paced", "Online, self-paced"
        ONLINE_LIVE = "online_live", "Online, live cohort"
        ONE_TO_ONE = "one_to_one", "One-to-one, online"
        IN_PERSON = "in_person", "In person"
        BLENDED = "blended", "Online and in person"

    class Pricing(models.TextChoices):
        PRICED = "priced", "Priced"
        FREE = "free", "Free"
        ON_REQUEST = "on_request", "Price on request"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COURSE)
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    tagline = models.CharField(max_length=200, help_text="One line under the title.")
    summary = models.TextField(
        max_length=600, help_text="Two or three sentences, shown on cards and to search engines."
    )
    description = rich_text_field(
        blank=True, help_text="The full sales text under the key facts on the program's page."
    )
    image = SafeImageField(
        upload_to="programs/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        "image alt text",
        max_length=200,
        blank=True,
        help_text="Describe the image for readers who cannot see it. Required with an image.",
    )
    format = models.CharField(
        max_length=20, choices=Format.choices, default=Format.ONLINE_SELF_PACED
    )
    duration_weeks = models.PositiveSmallIntegerField(
        "duration in weeks", null=True, blank=True, help_text="Leave empty when it varies."
    )
    workload = models.CharField(
        max_length=120, blank=True, help_text='What readers see, e.g. "About 2 hours a week".'
    )
    hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.5"), "Enter at least half an hour."),
            MaxValueValidator(168, "That is more hours than a week has."),
        ],
        help_text="The same workload as a number, for search engines. Optional.",
    )
    pricing = models.CharField(max_length=10, choices=Pricing.choices, default=Pricing.PRICED)
    price = models.DecimalField(
        # Twelve digits before the point (a course in VND, IRR or LBP runs to hundreds of
        # millions), three after it, as the dinar currencies (KWD, BHD) have.
        max_digits=15,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "The price cannot be negative.")],
        help_text="Only for priced programs.",
    )
    currency = models.CharField(
        max_length=3, choices=currency_choices, default="USD", help_text="ISO 4217 code."
    )
    start_date = models.DateField(
        null=True, blank=True, help_text="For cohorts: the day the next group starts."
    )
    cta_label = models.CharField(
        "button label", max_length=60, default="Enrol now", help_text='For example "Book a call".'
    )
    cta_url = models.URLField(
        "enrolment URL",
        max_length=500,
        validators=[validate_cta_url],
        help_text="The full address where readers enrol or buy, starting with https://. "
        "Every button for this program sends readers there.",
    )
    instructors = models.ManyToManyField(Author, related_name="programs", blank=True)
    topics = models.ManyToManyField(
        Topic,
        related_name="programs",
        blank=True,
        help_text="Articles on these topics show this program first.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    promote_from = models.DateField(
        null=True, blank=True, help_text="First day of promotion. Empty: from publication."
    )
    promote_until = models.DateField(
        null=True,
        blank=True,
        help_text="Last day of promotion. After it the program's page says enrolment is "
        "closed. Empty: no end.",
    )
    is_featured = models.BooleanField(
        "featured", default=False, help_text="Featured programs are promoted before others."
    )
    sort_order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first among equals."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="program_price_not_negative",
                violation_error_message="The price cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(promote_from__isnull=True)
                | Q(promote_until__isnull=True)
                | Q(promote_until__gte=models.F("promote_from")),
                name="program_promotion_window_in_order",
                violation_error_message="The promotion cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""),
                name="program_image_has_alt_text",
                violation_error_message="An image needs alt text.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programs:detail", args=[self.slug])

    def public_addresses(self):
        """Its page and its counted enrolment link: a newsletter's old button keeps
        working after a rename."""
        return [self.get_absolute_url(), reverse("programs:go", args=[self.slug])]

    def clean(self):
        errors = {}
        if incomplete := links_without_scheme(self.description):
            errors["description"] = link_scheme_message(incomplete)
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = "An image needs alt text."
        if self.promote_from and self.promote_until and self.promote_until < self.promote_from:
            errors["promote_until"] = "The promotion cannot end before it starts."
        if self.cta_url:
            self.cta_url = normalize_cta_url(self.cta_url)
            if is_own_click_counter(self.cta_url):
                errors["cta_url"] = (
                    "This is the site's own counted link, which would lead back to itself: "
                    "enter the address where readers enrol."
                )
        if self.pricing == self.Pricing.PRICED:
            if self.price is None:
                errors["price"] = 'Enter the price, or choose "Free" or "Price on request".'
            elif self.price == 0:
                errors["price"] = 'A program that costs nothing is "Free": choose that.'
            elif self.currency and self.price != round(
                self.price, get_currency_precision(self.currency)
            ):
                errors["price"] = (
                    f"{self.currency} prices have "
                    f"{get_currency_precision(self.currency)} decimal places."
                )
        elif self.price is not None:
            errors["price"] = (
                f"A program marked “{self.get_pricing_display()}” has no price: "
                "clear the price, or choose “Priced”."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_enrolment_closed(self):
        """True once the promotion window has ended."""
        return bool(self.promote_until and self.promote_until < timezone.localdate())

    @property
    def upcoming_start_date(self):
        """The start date while it is still to come: once a cohort has begun, "starts 28
        October" beside "Enrol now" would only confuse."""
        if self.start_date and self.start_date >= timezone.localdate():
            return self.start_date
        return None

    @property
    def price_in_currency_digits(self):
        """The price to as many decimals as its currency has (390.00 USD, 1200 JPY,
        12.345 KWD), not to the column's three."""
        if self.price is None:
            return None
        return self.price.quantize(Decimal(1).scaleb(-get_currency_precision(self.currency)))

    @property
    def price_display(self):
        if self.pricing == self.Pricing.FREE:
            return "Free"
        if self.pricing == self.Pricing.PRICED and self.price is not None:
            return format_price(self.price, self.currency)
        return "Price on request"

    @property
    def duration_display(self):
        if not self.duration_weeks:
            return ""
        return f"{self.duration_weeks} week{'s' if self.duration_weeks != 1 else ''}"

    @property
    def workload_display(self):
        if self.workload:
            return self.workload
        if self.hours_per_week:
            hours = self.hours_per_week.normalize()
            return f"About {hours:f} hour{'s' if hours != 1 else ''} a week"
        return ""

    @property
    def duration_and_workload(self):
        """ "6 weeks · About 2 hours a week": staff's workload text stays as they wrote it
        ("Dr. Okafor" keeps its capitals), so it follows a dot, not a comma."""
        return " · ".join(part for part in [self.duration_display, self.workload_display] if part)


class Module(models.Model):
    """One step of a program's curriculum."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=160)
    summary = models.TextField(blank=True, max_length=600)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class FAQ(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="faqs")
    position = models.PositiveSmallIntegerField(default=0)
    question = models.CharField(max_length=200)
    answer = models.TextField(help_text="Plain text; blank lines start a new paragraph.")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"

    def __str__(self):
        return self.question


class TestimonialQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(is_approved=True)


class Testimonial(models.Model):
    """A participant's words about a program; shown only once staff approve it."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="testimonials")
    position = models.PositiveSmallIntegerField(default=0)
    quote = models.TextField(max_length=1000)
    name = models.CharField(max_length=80, help_text='As the person agreed, e.g. "Priya S.".')
    role = models.CharField(max_length=120, blank=True, help_text='For example "Teacher".')
    is_approved = models.BooleanField(
        "approved",
        default=False,
        help_text="Tick once the person has agreed to publication and the words are checked.",
    )

    objects = TestimonialQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.name}: {self.quote[:40]}"


class ProgramClick(models.Model):
    """One counted click on a program's enrolment button.

    Deliberately anonymous: the program, where the click came from and the day. No time of
    day, IP address, cookie, user agent or account is stored, so a row cannot be tied to
    a person. One insert per click needs no locking, so concurrent clicks are all counted
    on SQLite and PostgreSQL alike.
    """

    class Source(models.TextChoices):
        ARTICLE = "article", "Article"
        HOME = "home", "Home page"
        PROGRAM_LIST = "list", "Programs page"
        PROGRAM_PAGE = "page", "The program's own page"
        OTHER = "other", "Other"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="clicks")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.OTHER)
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The article the reader came from, when there was one.",
    )
    clicked_on = models.DateField(default=timezone.localdate)

    # A popular program has tens of thousands: its delete page gives their number.
    delete_pages_count_only = True

    class Meta:
        indexes = [models.Index(fields=["program", "clicked_on"])]

    def __str__(self):
        return f"{self.program} · {self.get_source_display()} · {self.clicked_on}"


name_link_rows(
    Program._meta.get_field("topics"),
    verbose_name="program topic",
    describe=lambda link: f"“{link.program}” under {link.topic}",
)
name_link_rows(
    Program._meta.get_field("instructors"),
    verbose_name="program instructor",
    describe=lambda link: f"{link.author.name} teaching “{link.program}”",
)
