"""When comment forms close by the calendar alone (for the page cache)."""

from django.utils import timezone

from articles.models import Article

from .services import comments_window


def next_comments_closing():
    """When the next article stops taking comments under COMMENTS_CLOSE_AFTER_DAYS."""
    window = comments_window()
    if window is None:
        return None
    article = (
        Article.objects.published()
        .filter(comments_enabled=True, publish_at__gt=timezone.now() - window)
        .order_by("publish_at")
        .only("publish_at")
        .first()
    )
    return article.publish_at + window if article else None
