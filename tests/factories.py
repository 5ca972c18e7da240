"""Small factory functions: each makes one valid object, overridable by keyword."""

import datetime
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleAuthor, Author, Source, Topic

_sequence = itertools.count(1)


def image_file(name="image.png", size=(40, 30), image_format="PNG", color=(30, 110, 90)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=image_format)
    content_type = f"image/{image_format.lower()}"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def make_topic(**overrides):
    number = next(_sequence)
    fields = {"name": f"Topic {number}", "slug": f"topic-{number}"}
    return Topic.objects.create(**(fields | overrides))


def make_author(**overrides):
    number = next(_sequence)
    fields = {"name": f"Author {number}", "slug": f"author-{number}", "credentials": "PhD"}
    return Author.objects.create(**(fields | overrides))


def make_article(*, topics=(), authors=(), **overrides):
    """A published article, live since yesterday, unless overridden."""
    number = next(_sequence)
    fields = {
        "title": f"Article {number}",
        "slug": f"article-{number}",
        "standfirst": "A short standfirst.",
        "body": "<p>Some body text about a study.</p>",
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() - datetime.timedelta(days=1),
    }
    article = Article.objects.create(**(fields | overrides))
    if topics:
        article.topics.set(topics)
    for position, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    return article


def make_draft(**overrides):
    return make_article(status=Article.Status.DRAFT, **overrides)


def make_scheduled(**overrides):
    return make_article(publish_at=timezone.now() + datetime.timedelta(days=2), **overrides)


def make_source(article, **overrides):
    fields = {
        "title": "A study",
        "publisher": "A journal",
        "url": "https://example.org/study",
        "study_type": Source.StudyType.HUMAN_TRIAL,
    }
    return Source.objects.create(article=article, **(fields | overrides))


def make_comment(article, **overrides):
    """An approved comment by a reader, unless overridden. One that asks for reply
    e-mails has its address confirmed, unless `notify_confirmed_at=None`."""
    from comments.models import Comment

    number = next(_sequence)
    fields = {
        "author_name": f"Reader {number}",
        "email": f"reader{number}@example.com",
        "body": f"Comment number {number}.",
        "status": Comment.Status.APPROVED,
        "approved_at": timezone.now(),
    }
    if overrides.get("notify_on_reply"):
        fields["notify_confirmed_at"] = timezone.now()
    return Comment.objects.create(article=article, **(fields | overrides))
