"""A reader writes to the publisher about what it holds on them, and a moderator answers
from the admin: without a programmer, and without harming other readers' comments."""

import html
import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from comments.models import Comment, ModerationTerm
from tests.admin_forms import form_as_shown
from tests.comments.conftest import approve_in_admin, post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

QUEUE = "admin:comments_comment_changelist"


def page_of(client, article):
    return html.unescape(client.get(article.get_absolute_url()).content.decode())


def act_on_search(staff_client, action, query):
    """Search the queue, tick "Select all", and run `action` on every comment found."""
    return staff_client.post(
        f"{reverse(QUEUE)}?q={query}",
        {"action": action, "select_across": "1", "index": "0", "_selected_action": ["0"]},
        follow=True,
    )


def erase_found(staff_client, query):
    """Search the queue, tick "Select all", choose Erase, and say yes on the page that
    asks first."""
    asked = act_on_search(staff_client, "erase", query).content.decode()
    assert "will be erased for good" in asked
    return staff_client.post(
        f"{reverse(QUEUE)}?q={query}",
        {
            "action": "erase",
            "post": "yes",
            "_selected_action": re.findall(r'name="_selected_action" value="(\d+)"', asked),
        },
        follow=True,
    )


def test_erasing_asks_first_and_names_what_would_go(staff_client):
    """There is no undo, and "Select all" on a queue left unsearched takes in every
    comment on the site."""
    article = make_article(title="Sleep and memory")
    make_comment(article, author_name="Ana P.", email="ana@example.com", body="I felt…")
    make_comment(article, author_name="Greg", email="greg@example.com", body="Same here.")
    asked = act_on_search(staff_client, "erase", "")
    assert asked.status_code == HTTPStatus.OK
    page = html.unescape(asked.content.decode())
    assert "These 2 comments will be erased for good" in page
    assert "ana@example.com, greg@example.com" in page
    assert "Ana P. on “Sleep and memory”: I felt…" in page
    assert "Yes, erase 2 comments" in page
    assert Comment.objects.count() == 2
    assert erase_found(staff_client, "ana@example.com").status_code == HTTPStatus.OK
    assert list(Comment.objects.values_list("author_name", flat=True)) == ["Greg"]


def test_erasing_a_reader_keeps_the_replies_others_wrote(staff_client, settings):
    """A reader asks to be forgotten: her comments go, and the one Greg answered stays as
    "This comment was removed" with nothing of hers in it, on pages cached before too."""
    settings.PAGE_CACHE_SECONDS = 600
    article = make_article()
    hers = make_comment(article, author_name="Ana P.", email="ana@example.com", body="I felt…")
    reply = make_comment(article, parent=hers, author_name="Greg", body="Same for me.")
    make_comment(article, parent=reply, author_name="Ana P.", email="ana@example.com")
    make_comment(article, author_name="Ana P.", email="ana@example.com", body="Another one.")
    reader = Client()
    assert "Ana P." in page_of(reader, article)  # now in the page cache

    response = erase_found(staff_client, "ANA@Example.com")

    assert response.status_code == HTTPStatus.OK
    assert "3 comments erased; 1 that other comments answer is kept" in html.unescape(
        response.content.decode()
    )
    page = page_of(reader, article)
    assert "Ana P." not in page
    assert "I felt" not in page
    assert "This comment was removed." in page
    assert "Same for me." in page
    assert not Comment.objects.filter(email__iexact="ana@example.com").exists()
    emptied = Comment.objects.get(pk=hers.pk)
    assert (emptied.author_name, emptied.body, emptied.sender_hash) == ("", "", "")


def test_a_reader_who_asks_for_no_more_email_gets_none(
    staff_client, client, django_capture_on_commit_callbacks
):
    """A reader asks for no more e-mail: no reply e-mail about her comments, old or new, and no
    link to confirm one, whoever types her address into the form with the box ticked."""
    article = make_article()
    hers = make_comment(article, email="ana@example.com", notify_on_reply=True)

    response = act_on_search(staff_client, "stop_emails", "ANA@example.com")
    assert "No more e-mails go to ana@example.com" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, email="Ana@Example.com", notify_on_reply="on")
    later = Comment.objects.get(email="ana@example.com", pk__gt=hers.pk)
    Comment.objects.filter(pk=later.pk).update(status=Comment.Status.APPROVED)
    replies = [
        make_comment(article, parent=parent, status="pending", approved_at=None)
        for parent in (hers, later)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(staff_client, *replies)
    assert mail.outbox == []
    later.refresh_from_db()
    assert not later.notify_on_reply
    listed = ModerationTerm.objects.get(kind=ModerationTerm.Kind.NO_EMAIL)
    assert listed.value == "ana@example.com"


@pytest.mark.parametrize(
    ("stored", "listed"),
    [
        ("ana@example.com", " Ana@Example.com "),
        # Typed by staff before the admin stored addresses in lower case: the same
        # address, which got reply e-mails all the same.
        ("Ana@Example.com", "ana@example.com"),
    ],
)
def test_an_address_listed_by_hand_gets_no_reply_email_in_any_letter_case(
    staff_client, django_capture_on_commit_callbacks, stored, listed
):
    article = make_article()
    hers = make_comment(article, email="ana@example.com", notify_on_reply=True)
    Comment.objects.filter(pk=hers.pk).update(email=stored)
    staff_client.post(
        reverse("admin:comments_moderationterm_add"),
        {"kind": "no_email", "value": listed, "note": ""},
    )
    reply = make_comment(article, parent=hers, status="pending", approved_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(staff_client, reply)
    assert mail.outbox == []


def test_a_reader_gets_what_is_held_about_them_as_text(staff_client):
    """A reader asks what the site holds about them: one file, every comment of theirs
    with all it keeps, and nothing of other readers but a comment number."""
    article = make_article(title="Spines in mice")
    other = make_comment(article, author_name="Greg", email="greg@example.com")
    make_comment(
        article,
        parent=other,
        author_name="Ana P.",
        email="ana@example.com",
        body="First line.\nSecond line.",
        notify_on_reply=True,
        sender_hash="ab" * 32,
        user_agent="Mozilla/5.0 (iPhone)",
    )
    make_comment(article, email="ana@example.com", status="pending", moderation_note="2 links")

    response = act_on_search(staff_client, "export", "ANA@example.com")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="comments-')
    text = response.content.decode()
    assert text.startswith("Comments held by The Neuroplastic Review for ana@example.com\n")
    assert "2 comments." in text
    assert "Name: Ana P.\nE-mail: ana@example.com\n" in text
    assert "on “Spines in mice”" in text
    assert f"In reply to: comment {other.pk}\n" in text
    assert "E-mail on reply: yes, address confirmed" in text
    assert "Browser: Mozilla/5.0 (iPhone)" in text
    assert "Status: Pending" in text and "Moderation note: 2 links" in text
    assert "Text:\n    First line.\n    Second line.\n" in text
    assert "Greg" not in text and "greg@example.com" not in text


@pytest.mark.parametrize("taken_off_by", ["erase", "withdraw"])
def test_an_erased_comment_leaves_nothing_of_its_author_in_the_admins_history(
    staff_client, taken_off_by
):
    """A moderator who saved a comment's page left its author's name and the start of its
    text in the admin's history, on every staff member's "Recent actions": the reader
    asked to be forgotten (or deleted the comment themselves) and was still named."""
    article = make_article()
    reader = Client()
    post_comment(reader, article, author_name="Ana Pereira", body="My son's diagnosis.")
    hers = Comment.objects.get()
    change = reverse("admin:comments_comment_change", args=[hers.pk])
    staff_client.post(
        change, form_as_shown(staff_client.get(change), status="approved"), follow=True
    )
    make_comment(article, parent=hers, body="Thinking of you.")
    assert "Ana Pereira" in page_of(staff_client, article)  # approved, on the page

    if taken_off_by == "erase":
        erase_found(staff_client, "Ana Pereira")
    else:
        reader.post(reverse("comments:withdraw", args=[hers.pk]))

    front_page = html.unescape(staff_client.get(reverse("admin:index")).content.decode())
    history = html.unescape(
        staff_client.get(reverse("admin:comments_comment_history", args=[hers.pk])).content.decode()
    )
    for page in (front_page, history):
        assert "Ana Pereira" not in page
        assert "diagnosis" not in page
    assert f"Comment {hers.pk}" in front_page


def test_a_moderator_ticking_reply_emails_for_a_no_email_address_is_told_why_not(
    staff_client, django_capture_on_commit_callbacks
):
    """The box comes back unticked, and the page says why (with the address as it is,
    not capitalised as the admin does to the start of a message), rather than a link to
    confirm the address going to a reader who asked for no e-mail."""
    article = make_article()
    hers = make_comment(article, email="ana@example.com")
    act_on_search(staff_client, "stop_emails", "ana@example.com")
    change = reverse("admin:comments_comment_change", args=[hers.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            change, form_as_shown(staff_client.get(change), notify_on_reply="on"), follow=True
        )

    assertContains(
        response,
        "“E-mail on reply” was unticked: ana@example.com is listed under Moderation lists "
        "as getting no e-mail.",
    )
    hers.refresh_from_db()
    assert not hers.notify_on_reply
    assert mail.outbox == []
