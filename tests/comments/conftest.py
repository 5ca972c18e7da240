import itertools
import time

import pytest
from django.urls import reverse

from comments.moderation import form_token

_addresses = itertools.count(1)


def next_address():
    """A fresh IPv4 address, so flood control never links two unrelated test posts."""
    number = next(_addresses)
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"


def comment_data(article, **fields):
    """What the comment form sends, with a timestamp issued a minute ago."""
    data = {
        "author_name": "Ada Reader",
        "email": "ada@example.com",
        "body": "Thanks for summarising the study so clearly.",
        "timestamp": form_token(article.pk, issued_at=time.time() - 60),
        "parent": "",
        "homepage": "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def post_comment(client, article, *, remote_addr=None, meta=None, **fields):
    """Post the comment form; `meta` adds request headers (HTTP_USER_AGENT=...)."""
    return client.post(
        reverse("comments:post", args=[article.slug]),
        comment_data(article, **fields),
        REMOTE_ADDR=remote_addr or next_address(),
        **(meta or {}),
    )


def approve_in_admin(staff_client, *comments):
    """Approve `comments` from the moderation queue's action, as a moderator does."""
    return staff_client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk for comment in comments]},
    )


@pytest.fixture(autouse=True)
def _comment_settings(settings):
    """The shipped policy, no moderators to e-mail, and no page cache unless a test
    switches it on (it would hide what a request really does)."""
    settings.COMMENTS_MODERATOR_EMAILS = []
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    settings.COMMENTS_HOLD_FIRST_COMMENT = True
    settings.COMMENTS_HOLD_LINKS = 2
    settings.COMMENTS_EDIT_MINUTES = 15
    settings.PAGE_CACHE_SECONDS = 0
