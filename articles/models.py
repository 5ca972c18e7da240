import datetime
import math
import re
from urllib.parse import quote

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django_prose_editor.fields import ProseEditorField

from .html import html_to_text, link_scheme_message, links_without_scheme, sanitize_html
from .images import SafeImageField

WORDS_PER_MINUTE = 230

# The editor offers what the sanitiser keeps (see articles/html.py).
RICH_TEXT_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "HardBreak": True,
    # Pasted Google Docs and Word text keeps its formatting; see admin-rich-text-paste.js.
    "PastedContent": True,
}


class RichTextField(ProseEditorField):
    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        # The editor starts from the text as the page was served. A browser going Back
        # would put the text as it was left into the hidden field instead, and the next
        # save would write the editor's older text over it without a word: the page
        # asks before it is left with unsaved work (admin-keepalive.js) instead.
        field.widget.attrs["autocomplete"] = "off"
        return field


def rich_text_field(**kwargs):
    return RichTextField(extensions=RICH_TEXT_EXTENSIONS, sanitize=sanitize_html, **kwargs)


class SingleRowModel(models.Model):
    """Settings that exist once for the whole site, edited by staff in the admin."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The row, or its defaults while staff have not saved it yet. Reading never
        writes: a page view must not change content (and so empty the page cache)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class Publication(SingleRowModel):
    """Site-wide settings that staff edit: the publication's name and tagline."""

    site_name = models.CharField(max_length=80, default="The Neuroplastic Review")
    tagline = models.CharField(
        max_length=160, default="Research on psychedelics and wellbeing, read carefully."
    )

    class Meta:
        verbose_name = "publication settings"
        verbose_name_plural = "publication settings"

    def __str__(self):
        return self.site_name


DEFAULT_DISCLAIMER = (
    "Everything published here is for education and information only. It is not medical "
    "advice, diagnosis or treatment, and it does not replace the care of a qualified "
    "professional: consult a physician before taking any supplement or substance. "
    "Psilocybin, LSD, MDMA and most other psychedelics are Schedule I controlled "
    "substances under US federal law, and that law is enforced in nearly all states. "
    "Check the laws where you live. You are responsible for your own choices, and the "
    "publisher accepts no liability for them or for what follows from them."
)


class DisclaimerQuerySet(models.QuerySet):
    def in_effect(self, on=None):
        """Versions whose effective date has come, newest first."""
        on = on or timezone.localdate()
        return self.filter(effective_from__lte=on).order_by("-effective_from", "-pk")

    def current(self, on=None):
        """The version readers see on `on` (today by default), or None."""
        return self.in_effect(on).first()


class Disclaimer(models.Model):
    """One version of the legal and medical disclaimer shown in every page's footer.

    Versions are kept forever so the publisher can show what readers saw on any date.
    """

    text = models.TextField(help_text="Plain text; blank lines start a new paragraph.")
    effective_from = models.DateField(
        default=timezone.localdate,
        help_text="The footer shows the newest version whose date has come.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DisclaimerQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "-pk"]
        get_latest_by = "effective_from"

    def __str__(self):
        return f"Disclaimer effective {self.effective_from:%d %b %Y}"

    def is_in_effect(self):
        return self.effective_from <= timezone.localdate()


class AuthorQuerySet(models.QuerySet):
    def published(self):
        """Authors readers may see, each with a page: credited on a published article, or
        its medical reviewer. Someone with drafts only stays unknown to readers."""
        return self.filter(self._has_page())

    def with_page_flag(self):
        """Each author with `has_page`, for pages that name people who may have none (a
        program's instructors), in the same query."""
        return self.annotate(
            has_page=models.ExpressionWrapper(self._has_page(), output_field=models.BooleanField())
        )

    @staticmethod
    def _has_page():
        published_articles = Article.objects.published()
        return models.Q(pk__in=published_articles.values("author_credits__author")) | models.Q(
            pk__in=published_articles.medically_reviewed().values("reviewed_by")
        )


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    credentials = models.CharField(
        max_length=160, blank=True, help_text='For example "MD, psychiatrist".'
    )
    bio = models.TextField(blank=True)
    photo = SafeImageField(
        upload_to="authors/", blank=True, width_field="photo_width", height_field="photo_height"
    )
    # Stored so pages give every image its size (no layout shift) without opening files.
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def get_absolute_url(self):
        return reverse("articles:author", args=[self.slug])


class TopicQuerySet(models.QuerySet):
    def published(self):
        """Topics readers may see: all of them, each with its page and feed."""
        return self.all()


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    is_sensitive = models.BooleanField(
        "sensitive",
        default=False,
        help_text="Grief, crisis or similar: promotions are never shown here and the "
        "comments carry a crisis-resources box.",
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic", args=[self.slug])

    def clean(self):
        # "microdosing" beside "Microdosing" would be one topic twice in every picker,
        # with articles split between the two pages. Compared here: SQLite's "iexact"
        # folds only ASCII letters ("Ärzte", "ärzte"), and topics are few.
        name = (self.name or "").strip().casefold()
        others = Topic.objects.exclude(pk=self.pk).only("name")
        same = next((topic for topic in others if topic.name.casefold() == name), None)
        if same is not None:
            raise ValidationError({"name": f"There is a topic “{same.name}” already."})

    def public_addresses(self):
        """Its page and its feed: feed readers subscribed to the old one keep reading."""
        return [self.get_absolute_url(), reverse("articles:topic_feed", args=[self.slug])]


EARLIEST_PUBLICATION_YEAR = 1990
SCHEDULE_HORIZON = datetime.timedelta(days=366)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: published, and their publication time has come."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())

    def scheduled(self):
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())

    def visible_to(self, user):
        """Published articles, plus drafts and scheduled ones for staff who may edit them."""
        if user.is_active and user.is_staff and user.has_perm("articles.change_article"):
            return self.all()
        return self.published()

    def review_overdue(self):
        return self.filter(next_review_due__lt=timezone.localdate())

    def medically_reviewed(self):
        """Articles whose page names a medical reviewer: one is chosen and the date of the
        review is given."""
        return self.filter(reviewed_by__isnull=False, last_reviewed__isnull=False)

    def for_listing(self):
        """What article cards show (topics), loaded without a query per card."""
        return self.prefetch_related("topics")

    def with_authors(self):
        """Bylines in order, loaded without a query per article."""
        return self.prefetch_related(
            models.Prefetch(
                "author_credits", queryset=ArticleAuthor.objects.select_related("author")
            ),
        )

    def for_page(self):
        """Everything the article page shows of the article itself, in a fixed number of
        queries (its topics load later, with the related cards' topics), and whether it
        has staff picks and topics, which tells `related_articles` how to look."""
        picks = Article.related_picks.through.objects.filter(from_article=models.OuterRef("pk"))
        topics = Article.topics.through.objects.filter(article=models.OuterRef("pk"))
        return (
            self.select_related("reviewed_by")
            .prefetch_related("sources", "updates")
            .with_authors()
            .annotate(has_related_picks=models.Exists(picks), has_topics=models.Exists(topics))
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    standfirst = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences under the title."
    )
    excerpt = models.TextField(
        blank=True,
        max_length=500,
        help_text="Shown on lists. Leave empty to use the start of the body.",
    )
    body = rich_text_field()
    cover_image = SafeImageField(
        upload_to="covers/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(
        "cover alt text",
        max_length=200,
        blank=True,
        help_text="Describe the image for readers who cannot see it. Required with a cover.",
    )
    cover_caption = models.CharField(max_length=200, blank=True)
    cover_credit = models.CharField(max_length=120, blank=True)
    authors = models.ManyToManyField(
        Author, through="ArticleAuthor", related_name="articles", blank=True
    )
    topics = models.ManyToManyField(Topic, related_name="articles", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish at",
        default=timezone.now,
        db_index=True,
        help_text="A future time schedules the article; it appears by itself then.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_featured = models.BooleanField("featured", default=False)
    comments_enabled = models.BooleanField("comments open", default=True)
    promotions_enabled = models.BooleanField(
        "show the publisher's programs",
        default=True,
        help_text="Untick to show no program promotions beside this article.",
    )
    seo_description = models.CharField(
        "search description",
        max_length=300,
        blank=True,
        help_text="For search engines and link previews. Leave empty to use the excerpt.",
    )
    canonical_url = models.URLField(
        "canonical URL",
        blank=True,
        help_text="Only when this article first appeared elsewhere.",
    )
    related_picks = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="+",
        verbose_name="related articles",
        help_text="Staff picks, shown first; shared topics fill the rest.",
    )
    reviewed_by = models.ForeignKey(
        Author,
        null=True,
        blank=True,
        # A medical review must not vanish from a live article with its reviewer's
        # profile: staff name another reviewer (or clear the review) first.
        on_delete=models.PROTECT,
        related_name="reviewed_articles",
        help_text="The medical reviewer.",
    )
    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    word_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        get_latest_by = "publish_at"
        indexes = [models.Index(fields=["status", "publish_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(cover_image="") | ~Q(cover_alt=""),
                name="article_cover_has_alt_text",
                violation_error_message="A cover image needs alt text.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:200]
        self.body = sanitize_html(self.body)
        self.word_count = len(html_to_text(self.body).split())
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    def clean(self):
        # Every problem at once: a form sent back for each in turn has staff choose the
        # cover file again each time.
        errors = {}
        if incomplete := links_without_scheme(self.body):
            errors["body"] = link_scheme_message(incomplete)
        if self.cover_image and not self.cover_alt.strip():
            errors["cover_alt"] = "A cover image needs alt text."
        # The page names the reviewer only with the date: one without the other would be
        # left off without a word.
        if self.reviewed_by_id and not self.last_reviewed:
            errors["last_reviewed"] = (
                "Enter the date of the review: readers see who reviewed the article and when."
            )
        if self.last_reviewed and not self.reviewed_by_id:
            errors["reviewed_by"] = "Choose who reviewed the article, or clear the review date."
        if (
            self.last_reviewed
            and self.next_review_due
            and self.next_review_due < self.last_reviewed
        ):
            errors["next_review_due"] = "The next review cannot come before the last one."
        # A slip of the year (0001, 2062 for 2026) would show "1 January 0001" to readers,
        # or hide the article for decades, and be saved without a word.
        if self.publish_at and self.publish_at.year < EARLIEST_PUBLICATION_YEAR:
            errors["publish_at"] = (
                f"{self.publish_at.year:04d} is before the site's first possible article "
                f"({EARLIEST_PUBLICATION_YEAR}): check the year."
            )
        elif self.publish_at and self.publish_at > timezone.now() + SCHEDULE_HORIZON:
            errors["publish_at"] = (
                f"{timezone.localtime(self.publish_at):%d %b %Y} is more than a year away, "
                "and the article would stay hidden until then: check the year."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    @property
    def last_changed(self):
        """What feeds, the sitemap and search data give as the last change: a scheduled
        article appears at its publication time, which may come after its last edit."""
        return max(self.updated_at, self.publish_at)

    @property
    def reading_minutes(self):
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    @property
    def summary(self):
        """The excerpt, or the start of the body when staff left it empty."""
        if self.excerpt:
            return self.excerpt
        text = html_to_text(self.body)
        start = Truncator(text).words(40, truncate="")
        if len(start) == len(" ".join(text.split())):
            return start
        # One mark where the cut falls: "approval…", never "approval.…".
        return start.rstrip(" ,;:.") + "…"

    @property
    def review_overdue(self):
        return bool(self.next_review_due and self.next_review_due < timezone.localdate())

    def ordered_authors(self):
        """Authors in their byline order (uses the prefetch when there is one)."""
        return [credit.author for credit in self.author_credits.all()]

    def related_articles(self, limit=3):
        """Staff picks first, then the newest articles sharing a topic; never itself and
        never an unpublished one. One query; the caller loads the cards' topics (the
        article page loads them with the article's own, in one query).

        Without picks, as for most articles, the query reads articles newest first and
        stops at the `limit`th on a shared topic, so its cost does not grow with the
        archive; picks come first, so with them every candidate is sorted."""
        has_picks, has_topics = self._related_basis()
        if not (has_picks or has_topics):
            return []
        own_topics = Article.topics.through.objects.filter(article=self.pk).values("topic")
        on_topic = models.Exists(
            Article.topics.through.objects.filter(
                article=models.OuterRef("pk"), topic__in=own_topics
            )
        )
        candidates = Article.objects.published().exclude(pk=self.pk)
        if not has_picks:
            return list(candidates.filter(on_topic).order_by("-publish_at", "-pk")[:limit])
        picks = Article.related_picks.through.objects.filter(from_article=self.pk)
        is_pick = Q(pk__in=picks.values("to_article"))
        return list(
            candidates.filter(is_pick | Q(on_topic))
            .annotate(is_pick=is_pick)
            .order_by("-is_pick", "-publish_at", "-pk")[:limit]
        )

    def _related_basis(self):
        """Whether the article has staff picks and topics: from `for_page()`'s
        annotations when it was loaded with them, from the database otherwise."""
        if hasattr(self, "has_related_picks"):
            return self.has_related_picks, self.has_topics
        return self.related_picks.exists(), self.topics.exists()


class ArticleAuthor(models.Model):
    """An author's place in an article's byline."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="author_credits")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="credits")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_article_author")
        ]
        # One line of a byline, not the author: the delete page of an article lists
        # these, and "Author: Maya" would read as if her profile went with it.
        verbose_name = "byline credit"

    # What its name reads, so the admin's delete pages fetch them with the rows.
    named_after = ("author", "article")

    def __str__(self):
        # Named with its article: the author's delete page lists the bylines that keep it.
        return f"{self.author.name} in the byline of “{self.article}”"


class Source(models.Model):
    """A study or report an article summarises, listed under "Sources"."""

    class StudyType(models.TextChoices):
        HUMAN_TRIAL = "human", "Human trial"
        ANIMAL_STUDY = "animal", "Animal study"
        IN_VITRO = "in_vitro", "In-vitro study"
        REVIEW = "review", "Review"
        NEWS_REPORT = "news", "News report"

    class Review(models.TextChoices):
        PEER_REVIEWED = "peer_reviewed", "Peer-reviewed"
        PREPRINT = "preprint", "Preprint"
        NOT_APPLICABLE = "", "Not applicable"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    publisher = models.CharField(
        "publisher or institution", max_length=200, help_text='For example "Yale News".'
    )
    url = models.URLField("URL", max_length=500, blank=True)
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        help_text='For example "10.1016/j.neuron.2021.06.008"; a doi.org link is fine too.',
    )
    pubmed_id = models.CharField(
        "PubMed ID", max_length=20, blank=True, help_text='The number, e.g. "34228959".'
    )
    study_type = models.CharField(max_length=10, choices=StudyType.choices)
    species = models.CharField(
        max_length=60, blank=True, help_text='For animal studies, e.g. "mice" or "rats".'
    )
    review = models.CharField("peer review", max_length=15, choices=Review.choices, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    @property
    def badge(self):
        """A plain label that tells animal findings from human ones."""
        if self.study_type == self.StudyType.ANIMAL_STUDY and self.species:
            return f"Study in {self.species}"
        return self.get_study_type_display()

    @property
    def doi_url(self):
        # Encoded: a DOI may hold "#", "?" or "%", which would end or change the address.
        return f"https://doi.org/{quote(bare_doi(self.doi), safe='/')}" if self.doi else ""

    @property
    def pubmed_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pubmed_id}/" if self.pubmed_id else ""


DOI = re.compile(r"10\.\d{4,9}/\S+")
DOI_PREFIX = re.compile(r"^(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
PUBMED_PREFIX = re.compile(
    r"^(?:PMID:?\s*"
    r"|(?:https?://)?(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/)",
    re.IGNORECASE,
)


def bare_doi(value: str) -> str:
    """The DOI itself, from "10.1/x", "doi:10.1/x" or "https://doi.org/10.1/x"."""
    return DOI_PREFIX.sub("", value.strip())


def bare_pubmed_id(value: str) -> str:
    """The PubMed ID itself, from "34228959", "PMID: 34228959" or a PubMed link."""
    # A link's address ends in "/" and may carry "?utm_…" or "#…" after the number.
    return re.split(r"[/?#]", PUBMED_PREFIX.sub("", value.strip()), maxsplit=1)[0]


class ArticleUpdate(models.Model):
    """A dated, reader-facing note about a change to an article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(default=timezone.localdate)
    note = models.CharField(max_length=300)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "update note"

    def __str__(self):
        return f"{self.date}: {self.note}"


def validate_site_path(value):
    """An address on this site: starts with one slash, so it can never lead to another host."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        raise ValidationError('Enter a path on this site that starts with "/", e.g. "/articles/".')
    if any(character.isspace() for character in value):
        raise ValidationError("An address cannot contain spaces.")


class PublicAddressQuerySet(models.QuerySet):
    def of(self, page):
        return self.filter(content_type=ContentType.objects.get_for_model(page), object_id=page.pk)


class PublicAddress(models.Model):
    """An address where readers last saw a page that may move (REDIRECT_ON_SLUG_CHANGE),
    kept while the page is unpublished: a page taken down, renamed and published again
    (by a save or by its scheduled time) still sends the address on. An address belongs
    to one page at a time; that a page has any also says readers have seen it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    path = models.CharField(max_length=300, unique=True)
    # Its place among the page's addresses (a topic's page, then its feed).
    position = models.PositiveSmallIntegerField(default=0)

    objects = PublicAddressQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.path


class Redirect(models.Model):
    """An old address that answers "moved permanently" (301) with a new one.

    Rows are added by themselves when staff change the slug of a published article or
    program, so links shared and indexed before keep working; staff may add or edit more.
    """

    old_path = models.CharField(
        "old address",
        max_length=300,
        unique=True,
        validators=[validate_site_path],
        help_text='The path only, e.g. "/articles/old-name/".',
    )
    new_path = models.CharField(
        "new address",
        max_length=300,
        validators=[validate_site_path],
        help_text='Where readers are sent, e.g. "/articles/new-name/".',
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"

    def clean(self):
        if "?" in self.old_path or "#" in self.old_path:
            raise ValidationError(
                {"old_path": "Leave out anything after ? or #: only the path is matched."}
            )
        if self.old_path and self.old_path == self.new_path:
            raise ValidationError({"new_path": "The new address must differ from the old one."})
        # Without both addresses (one left empty or refused) there is no way to go round.
        if self.old_path and self.new_path and (loop := self._loop()):
            raise ValidationError(
                {"new_path": "Readers would be sent round in a circle: " + " → ".join(loop)}
            )

    def _loop(self):
        """The addresses a reader would pass through and come back to `old_path`, if the
        redirects already there lead from `new_path` back to it."""
        others = Redirect.objects.exclude(pk=self.pk)
        trail, path = [self.old_path], self.new_path
        while path not in trail:
            trail.append(path)
            # Redirects match the path alone; the new address may carry a query.
            next_path = (
                others.filter(old_path=path.split("?")[0].split("#")[0])
                .values_list("new_path", flat=True)
                .first()
            )
            if next_path is None:
                return []
            path = next_path
        return [*trail, path] if path == self.old_path else []


def name_link_rows(field, *, verbose_name, describe):
    """Give the table Django makes for a many-to-many field names staff can read: the
    delete confirmation lists its rows ("Article topic: “…” under Sleep") where it would
    say "Article_topics object (1)"."""
    link = field.remote_field.through
    link._meta.verbose_name = verbose_name
    link._meta.verbose_name_plural = f"{verbose_name}s"
    link.__str__ = describe
    link.named_after = (field.m2m_field_name(), field.m2m_reverse_field_name())


name_link_rows(
    Article._meta.get_field("topics"),
    verbose_name="article topic",
    describe=lambda link: f"“{link.article}” under {link.topic}",
)
name_link_rows(
    Article._meta.get_field("related_picks"),
    verbose_name="related-article pick",
    describe=lambda link: f"“{link.to_article}” shown with “{link.from_article}”",
)
