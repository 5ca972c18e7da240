"""`purge_comments`: spam goes after 15 days, pending comments after 30."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ConfirmationLinkSent
from tests.admin_forms import form_as_shown
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def aged(article, status, age, **fields):
    return make_comment(article, status=status, created_at=timezone.now() - age, **fields)


def purge():
    out = io.StringIO()
    call_command("purge_comments", stdout=out)
    return out.getvalue()


def test_spam_older_than_15_days_and_pending_older_than_30_days_are_deleted(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    article = make_article()
    keep = [
        aged(article, "spam", 15 * DAY),
        aged(article, "pending", 30 * DAY),
        aged(article, "approved", 400 * DAY),
        aged(article, "removed", 400 * DAY),
    ]
    gone = [
        aged(article, "spam", 15 * DAY + datetime.timedelta(seconds=1)),
        aged(article, "pending", 30 * DAY + datetime.timedelta(seconds=1)),
    ]
    output = purge()
    assert "Deleted 2 comment(s)" in output
    remaining = set(Comment.objects.values_list("pk", flat=True))
    assert remaining == {comment.pk for comment in keep}
    assert not remaining & {comment.pk for comment in gone}


def test_expired_spam_with_a_visible_reply_is_emptied_not_deleted(client):
    article = make_article()
    spam = aged(
        article, "spam", 40 * DAY, author_name="Spammer", email="s@spam.example", body="Buy now"
    )
    reply = aged(article, "approved", 39 * DAY, parent=spam, body="A reply worth keeping.")
    expired_reply_chain = aged(article, "spam", 20 * DAY, parent=spam)
    aged(article, "spam", 20 * DAY, parent=expired_reply_chain)
    purge()
    spam.refresh_from_db()
    assert spam.status == Comment.Status.REMOVED
    assert (spam.author_name, spam.email, spam.body, spam.sender_hash) == ("", "", "", "")
    assert spam.body_html == ""
    assert Comment.objects.filter(pk=reply.pk).exists()
    assert not Comment.objects.filter(pk=expired_reply_chain.pk).exists()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "This comment was removed" in html and "A reply worth keeping." in html


def test_a_purged_comment_leaves_its_author_out_of_the_admins_history(staff_client):
    """A moderator who saved a held comment's page left its name and text in the
    admin's history: the purge forgets the comment, and the history does too."""
    article = make_article()
    held = aged(article, "pending", 31 * DAY, author_name="Held Hana", body="Dosing tips.")
    change = reverse("admin:comments_comment_change", args=[held.pk])
    staff_client.post(change, form_as_shown(staff_client.get(change), body="Dosing tips!"))
    assert "Held Hana" in staff_client.get(reverse("admin:index")).content.decode()
    purge()
    front_page = staff_client.get(reverse("admin:index")).content.decode()
    assert "Held Hana" not in front_page and "Dosing" not in front_page
    assert f"Comment {held.pk}" in front_page


def test_sender_data_is_cleared_after_30_days_on_every_comment():
    article = make_article()
    old = aged(article, "approved", 31 * DAY, sender_hash="a" * 64, user_agent="Firefox")
    recent = aged(article, "approved", 29 * DAY, sender_hash="b" * 64, user_agent="Safari")
    purge()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.sender_hash, old.user_agent) == ("", "")
    assert (recent.sender_hash, recent.user_agent) == ("b" * 64, "Safari")


def test_the_note_of_a_confirmation_link_sent_goes_after_a_day():
    """It stands in for an address (a keyed digest) only while it limits the links."""
    now = timezone.now()
    ConfirmationLinkSent.objects.create(address_key="old", sent_at=now - DAY - DAY / 24)
    ConfirmationLinkSent.objects.create(address_key="recent", sent_at=now - DAY / 2)
    purge()
    assert list(ConfirmationLinkSent.objects.values_list("address_key", flat=True)) == ["recent"]


def test_purging_twice_changes_nothing_more():
    article = make_article()
    aged(article, "spam", 20 * DAY)
    purge()
    assert "Deleted 0 comment(s); emptied 0" in purge()


def test_run_by_cron_with_verbosity_0_it_purges_and_prints_nothing():
    """Cron mails whatever a job prints: a daily summary would bury the one failure."""
    article = make_article()
    expired = aged(article, "spam", 20 * DAY)
    out = io.StringIO()
    call_command("purge_comments", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert not Comment.objects.filter(pk=expired.pk).exists()
