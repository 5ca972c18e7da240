"""When comment forms close by the calendar alone (for the page cache)."""

import datetime

from django.conf import settings
from django.utils import timezone

from articles.models import Article


def next_comments_closing():
    """When the next article stops taking comments under COMMENTS_CLOSE_AFTER_DAYS."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if not days or days <= 0:
        return None
    window = datetime.timedelta(days=days)
    article = (
        Article.objects.published()
        .filter(comments_enabled=True, publish_at__gt=timezone.now() - window)
        .order_by("publish_at")
        .only("publish_at")
        .first()
    )
    return article.publish_at + window if article else None
