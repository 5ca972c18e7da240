"""The moderation queue in the admin."""

import re
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment
from tests.admin_forms import form_as_shown
from tests.comments.conftest import post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

QUEUE = "admin:comments_comment_changelist"


def rows(response):
    return [str(comment.pk) for comment in response.context["cl"].result_list]


def test_the_queue_lists_pending_comments_first(staff_client):
    article = make_article()
    old_pending = make_comment(article, status="pending", body="Old pending")
    approved = make_comment(article, body="Newer approved")
    new_pending = make_comment(article, status="pending", body="New pending")
    response = staff_client.get(reverse(QUEUE))
    assert response.status_code == HTTPStatus.OK
    assert rows(response) == [str(new_pending.pk), str(old_pending.pk), str(approved.pk)]


def test_filters_by_status_and_article(staff_client):
    first, second = make_article(), make_article()
    spam = make_comment(first, status="spam")
    make_comment(first)
    on_second = make_comment(second)
    assert rows(staff_client.get(reverse(QUEUE), {"status__exact": "spam"})) == [str(spam.pk)]
    by_article = staff_client.get(reverse(QUEUE), {"article__id__exact": second.pk})
    assert rows(by_article) == [str(on_second.pk)]


@pytest.mark.parametrize("query", ["Nadia", "nadia@example", "mycelium"])
def test_search_by_name_email_and_text(staff_client, query):
    article = make_article()
    wanted = make_comment(
        article, author_name="Nadia", email="nadia@example.com", body="About mycelium"
    )
    make_comment(article, author_name="Other", email="other@example.com", body="Else")
    assert rows(staff_client.get(reverse(QUEUE), {"q": query})) == [str(wanted.pk)]


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", "approved"), ("mark_spam", "spam"), ("remove", "removed")],
)
def test_bulk_actions(staff_client, client, action, status):
    article = make_article()
    comments = [make_comment(article, status="pending", body=f"Queued {n}") for n in range(3)]
    untouched = make_comment(article, status="pending", body="Not selected")
    response = staff_client.post(
        reverse(QUEUE),
        {"action": action, "_selected_action": [comment.pk for comment in comments]},
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    assert "3 comments" in response.content.decode()
    assert set(Comment.objects.filter(status=status).values_list("pk", flat=True)) >= {
        comment.pk for comment in comments
    }
    untouched.refresh_from_db()
    assert untouched.status == "pending"
    page = client.get(article.get_absolute_url()).content.decode()
    assert ("Queued 0" in page) is (status == "approved")


def save_change_form(staff_client, comment, **fields):
    """Post the comment's change form as a moderator would, with `fields` changed."""
    data = {
        "author_name": comment.author_name,
        "email": comment.email,
        "body": comment.body,
        "status": comment.status,
    }
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    return staff_client.post(url, data | fields)


def test_approving_in_the_change_form_publishes_the_comment(staff_client, client):
    article = make_article()
    comment = make_comment(article, status="pending", approved_at=None, body="Form approved")
    response = save_change_form(staff_client, comment, status="approved")
    assert response.status_code == HTTPStatus.FOUND
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.approved_at is not None
    assert "Form approved" in client.get(article.get_absolute_url()).content.decode()


def test_the_queue_links_to_each_approved_comment_in_place(staff_client):
    article = make_article()
    comment = make_comment(article)
    make_comment(article, status="pending")
    html = staff_client.get(reverse(QUEUE)).content.decode()
    assert f'href="{article.get_absolute_url()}#comment-{comment.pk}"' in html
    assert "not public" in html


def test_the_admin_index_shows_the_number_awaiting_moderation(staff_client):
    article = make_article()
    for _ in range(3):
        make_comment(article, status="pending")
    make_comment(article, status="spam")
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert "3 comments awaiting moderation" in html
    assert f"{reverse(QUEUE)}?status__exact=pending" in html

    Comment.objects.update(status="approved")
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert "No comments awaiting moderation." in html


def test_the_change_form_shows_the_sender_network_never_an_address(staff_client):
    article = make_article()
    comment = make_comment(article, sender_hash="f" * 64, user_agent="Firefox/130")
    make_comment(article, sender_hash="f" * 64)
    html = staff_client.get(
        reverse("admin:comments_comment_change", args=[comment.pk])
    ).content.decode()
    assert "ffffffffffff" in html
    assert "1 other comment from this network" in html
    assert "Firefox/130" in html
    network = staff_client.get(reverse(QUEUE), {"sender_hash": "f" * 64})
    assert len(rows(network)) == 2


def test_moderators_cannot_move_a_comment_out_of_its_thread(staff_client, client):
    """A parent on another article, or the comment itself, would hide it from every page."""
    article = make_article()
    comment = make_comment(article, body="Stays in place")
    elsewhere = make_comment(make_article())
    response = save_change_form(staff_client, comment, parent=str(elsewhere.pk))
    assert response.status_code == HTTPStatus.FOUND
    comment.refresh_from_db()
    assert comment.parent is None
    assert "Stays in place" in client.get(article.get_absolute_url()).content.decode()


def test_a_moderator_sees_the_decision_columns_first_and_public_article_links(
    client, django_user_model
):
    from django.contrib.auth.models import Group

    moderator = django_user_model.objects.create_user("mod", password="x" * 14, is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    article = make_article(title="Spines in mice")
    comment = make_comment(article, status=Comment.Status.PENDING, moderation_note="Has links")

    queue = client.get(reverse(QUEUE)).content.decode()
    headers = [queue.index(f'class="sortable column-{name}') for name in ("state", "article_title")]
    assert queue.index("column-excerpt") < headers[0] < headers[1]

    page = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert f'<a href="{article.get_absolute_url()}">Spines in mice</a>' in page.content.decode()
    refused = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert "You cannot open this page" in refused.content.decode()


def test_deleting_says_it_is_permanent_and_takes_the_replies(staff_client):
    make_comment(make_article())
    queue = staff_client.get(reverse(QUEUE)).content.decode()
    assert "Delete permanently, with all their replies" in queue
    assert "Remove selected comments" in queue


def test_view_on_site_is_offered_only_for_a_comment_readers_can_see(staff_client):
    """For a pending comment the button opened the article without it, as if it were lost."""
    article = make_article()
    approved = make_comment(article)
    pending = make_comment(article, status="pending")

    def view_on_site(comment):
        page = staff_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
        return "View on site" in page.content.decode()

    assert view_on_site(approved)
    assert not view_on_site(pending)


def test_a_moderator_reads_a_reply_with_the_exchange_it_belongs_to(staff_client):
    """Judging "I disagree with Priya" needs what Priya said, and what she answered, in
    full, and the replies already under the comment, whatever their status."""
    article = make_article()
    opening = make_comment(article, author_name="Sam", body="Opening question. " * 10)
    priya = make_comment(
        article, parent=opening, author_name="Priya S.", body="It also means more. " * 12
    )
    reply = make_comment(
        article,
        parent=priya,
        author_name="Lee",
        body="I disagree with Priya.",
        status=Comment.Status.PENDING,
    )
    make_comment(article, parent=reply, author_name="Ana", body="So do I.")
    make_comment(
        article, parent=reply, author_name="Bot", body="Buy now", status=Comment.Status.SPAM
    )

    page = staff_client.get(reverse("admin:comments_comment_change", args=[reply.pk]))
    text = " ".join(page.content.decode().split())
    thread = text.split("In reply to")[1]
    # The whole exchange above, the opening comment first, each in full.
    assert thread.index("Sam") < thread.index("Priya S.") < thread.index("Replies to this comment")
    assert ("It also means more. " * 12).strip() in thread
    assert ("Opening question. " * 10).strip() in thread
    priya_url = reverse("admin:comments_comment_change", args=[priya.pk])
    assert f'href="{priya_url}"' in thread
    replies = thread.split("Replies to this comment (2)")[1]
    assert "Ana" in replies and "So do I." in replies and "Approved" in replies
    assert "Bot" in replies and "Spam" in replies


def test_a_comment_with_no_thread_says_so(staff_client):
    comment = make_comment(make_article())
    page = staff_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    text = " ".join(page.content.decode().split())
    assert "A comment of its own, not a reply; no replies yet." in text


def test_the_queue_fits_a_laptop_screen(staff_client):
    """No column is kept on one line by force: a long article title pushed the commenter,
    the date and the "View" link off the right of a 1366-pixel screen."""
    article = make_article(title="One dose of psilocybin grew lasting new connections in mice")
    make_comment(article, author_name="Nadia", email="nadia@example.com")
    queue = staff_client.get(reverse(QUEUE)).content.decode()
    assert "nowrap" not in queue.split('id="result_list"')[1]
    row = " ".join(queue.split("<tbody>")[1].split())
    assert "One dose of psilocybin grew lasting new connections in mice" in row
    assert 'Nadia<br><span class="commenter-email">nadia@example.com</span>' in row


def approve_all_pending(staff_client):
    """ "Select all" in the queue filtered to pending comments, then "Approve"."""
    return staff_client.post(
        reverse(QUEUE) + "?status__exact=pending",
        {"action": "approve", "select_across": "1", "index": "0", "_selected_action": ["0"]},
        follow=True,
    )


def test_approving_every_pending_comment_costs_the_same_for_twice_as_many(
    staff_client, client, django_assert_max_num_queries
):
    """ "Select all" may take in every comment on the site: one save each ran past the
    server's time limit on a large site."""
    article = make_article()
    for n in range(3):
        make_comment(article, status="pending", body=f"First batch {n}")
    with CaptureQueriesContext(connection) as first:
        approve_all_pending(staff_client)
    few = len(first)  # read now: the next request empties the connection's query log
    assert "First batch 2" in client.get(article.get_absolute_url()).content.decode()

    for n in range(6):
        make_comment(article, status="pending", body=f"Second batch {n}")
    with django_assert_max_num_queries(few):
        response = approve_all_pending(staff_client)
    assert "6 comments approved." in response.content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    assert all(f"Second batch {n}" in page for n in range(6))
    assert not Comment.objects.filter(approved_at__isnull=True).exists()


def filter_sidebar(response):
    html = response.content.decode()
    return html.split('id="changelist-filter"')[1].split("</nav>")[0]


def test_the_article_filter_names_the_articles_awaiting_moderation(staff_client):
    """Every article with comments made a list of thousands beside the queue; the filter
    names those with comments to moderate, and each row leads to its article's."""
    quiet = [make_article(title=f"Quiet article {n}") for n in range(3)]
    for article in quiet:
        make_comment(article)
    busy = make_article(title="Busy article")
    waiting = make_comment(busy, status="pending")

    queue = staff_client.get(reverse(QUEUE))
    sidebar = filter_sidebar(queue)
    assert f"?article__id__exact={busy.pk}" in sidebar
    assert "Quiet article" not in sidebar
    assert f'href="?article__id__exact={quiet[1].pk}"' in queue.content.decode()

    one_article = staff_client.get(reverse(QUEUE), {"article__id__exact": quiet[1].pk})
    assert rows(one_article) == [str(quiet[1].comments.get().pk)]
    assert "Quiet article 1" in filter_sidebar(one_article)
    assert rows(staff_client.get(reverse(QUEUE), {"article__id__exact": busy.pk})) == [
        str(waiting.pk)
    ]

    # A hand-edited address is a message, never a server error ("²" is a digit to Python).
    for typed in ["²", "abc", "-1"]:
        response = staff_client.get(reverse(QUEUE), {"article__id__exact": typed}, follow=True)
        assert response.status_code == HTTPStatus.OK, typed


def test_the_queue_reads_the_comments_table_for_what_it_shows_only(staff_client):
    """The comments table is the site's largest and the queue is opened all day: a
    filtered page reads the rows it lists, their number and the filter's articles, not
    a second count of every comment nor every comment's date for a drill-down by month."""
    article = make_article()
    make_comment(article, status="pending")
    make_comment(article)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse(QUEUE), {"status__exact": "pending"})
        on_comments = [q["sql"] for q in queries if '"comments_comment"' in q["sql"]]
    assert "Show all" in response.content.decode()
    assert len(on_comments) <= 3, on_comments


def test_the_queue_notes_who_moderated_each_comment_and_when(staff_client):
    """The queue's actions change many comments at once and leave no history: each
    comment still says who last approved, held back or removed it, and when."""
    article = make_article()
    first, second = (make_comment(article, status="pending") for _ in range(2))
    untouched = make_comment(article, status="pending")
    staff_client.post(
        reverse(QUEUE), {"action": "approve", "_selected_action": [first.pk, second.pk]}
    )
    for comment in (first, second):
        comment.refresh_from_db()
        assert comment.moderated_by == staff_client.user
        assert comment.moderated_at is not None
    untouched.refresh_from_db()
    assert untouched.moderated_by is None
    page = staff_client.get(reverse("admin:comments_comment_change", args=[first.pk]))
    moderated = timezone.localtime(first.moderated_at)
    assertContains(page, "Last moderated:")
    assertContains(page, f"Approved by editor, {moderated.day} {moderated:%b %Y, %H:%M}")


def test_a_status_changed_on_the_comments_page_is_noted_too(staff_client):
    comment = make_comment(make_article(), status="pending")
    change = reverse("admin:comments_comment_change", args=[comment.pk])
    staff_client.post(change, form_as_shown(staff_client.get(change), status="spam"))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert comment.moderated_by == staff_client.user
    assertContains(staff_client.get(change), "Marked as spam by editor, ")

    # Mending a typo in the address is no moderation decision.
    moderated_at = comment.moderated_at
    staff_client.post(change, form_as_shown(staff_client.get(change), email="a@example.org"))
    comment.refresh_from_db()
    assert comment.email == "a@example.org" and comment.moderated_at == moderated_at


def test_the_note_keeps_the_moderators_decision_when_the_author_changes_the_comment(
    staff_client,
):
    """An edit that breaks a rule sends an approved comment back to the queue, and a
    comment its author deletes while others answer it is left as removed: neither is a
    moderator's doing, and the note still says what the moderator decided."""
    article = make_article()
    reader = Client()
    post_comment(reader, article, body="Harmless at first.", email="ada@example.com")
    comment = Comment.objects.get()
    staff_client.post(reverse(QUEUE), {"action": "approve", "_selected_action": [comment.pk]})
    reader.post(
        reverse("comments:edit", args=[comment.pk]),
        {"body": "Harmless at first. Where to buy it?"},
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    page = staff_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assertContains(page, "Approved by editor, ")
    assertNotContains(page, "Put back to pending by editor")

    make_comment(article, parent=comment)
    reader.post(reverse("comments:withdraw", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    page = staff_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assertContains(page, "Approved by editor, ")
    assertNotContains(page, "Removed by editor")


def test_a_comment_edited_after_the_queue_was_shown_waits_to_be_read_again(staff_client):
    """An approval is for the texts the moderator read: the others in the selection are
    approved, the edited one is named and stays in the queue."""
    article = make_article()
    reader = Client()
    post_comment(reader, article, body="Harmless at first.", email="ada@example.com")
    edited = Comment.objects.get()
    other = make_comment(article, status="pending", approved_at=None, body="Read and fine.")
    # Approved already and mended since: it stays approved, and is no "not approved".
    mended = make_comment(article, body="Approved, then mended.")
    queue = staff_client.get(reverse(QUEUE)).content.decode()
    opened_at = re.search(r'name="opened_at" value="([^"]+)"', queue)[1]
    reader.post(
        reverse("comments:edit", args=[edited.pk]),
        {"body": "Harmless at first. Now something else entirely."},
    )
    Comment.objects.filter(pk=mended.pk).update(edited_at=timezone.now())

    response = staff_client.post(
        reverse(QUEUE),
        {
            "action": "approve",
            "_selected_action": [edited.pk, other.pk, mended.pk],
            "opened_at": opened_at,
        },
        follow=True,
    )
    assertContains(response, "1 comment was not approved: it was posted or edited after this")
    assertContains(response, "1 comment approved.")
    edited.refresh_from_db()
    other.refresh_from_db()
    assert (edited.status, other.status) == (Comment.Status.PENDING, Comment.Status.APPROVED)

    # Read again, from the queue as it is now.
    queue = response.content.decode()
    opened_at = re.search(r'name="opened_at" value="([^"]+)"', queue)[1]
    staff_client.post(
        reverse(QUEUE),
        {"action": "approve", "_selected_action": [edited.pk], "opened_at": opened_at},
    )
    edited.refresh_from_db()
    assert edited.status == Comment.Status.APPROVED


def approving_a_held_comment(staff_client):
    """A reader's held comment, its page open in the admin with "approved" chosen: the
    reader's client, the comment, its change page and the form as it would be sent."""
    reader = Client()
    post_comment(reader, make_article(), body="Harmless at first.", email="ada@example.com")
    comment = Comment.objects.get()
    change = reverse("admin:comments_comment_change", args=[comment.pk])
    return reader, comment, change, form_as_shown(staff_client.get(change), status="approved")


def test_a_comment_edited_after_its_page_was_opened_comes_back_with_the_new_text(
    staff_client,
):
    reader, comment, change, opened = approving_a_held_comment(staff_client)
    reader.post(
        reverse("comments:edit", args=[comment.pk]),
        {"body": "Harmless at first. Now something else entirely."},
    )

    response = staff_client.post(change, opened)
    assert response.status_code == HTTPStatus.OK
    assertContains(response, "Its author edited this comment at")
    assertContains(response, "Nothing was saved.")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.body == "Harmless at first. Now something else entirely."

    # The page now holds the new text, and the moderator's choice: saving approves it.
    again = form_as_shown(response)
    assert again["body"] == "Harmless at first. Now something else entirely."
    assert again["status"] == "approved"
    assert staff_client.post(change, again).status_code == HTTPStatus.FOUND
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.body == "Harmless at first. Now something else entirely."


def test_a_comment_edited_while_the_moderator_saves_is_not_approved_unread(
    staff_client, monkeypatch
):
    """The reader's edit landed just after the moderator's save had read the comment (two
    app servers on PostgreSQL): the moderator's form approved the text they had read and
    wrote it over the new one, and the reader's edit was lost without a word."""
    reader, comment, change, opened = approving_a_held_comment(staff_client)

    comment_admin = admin.site._registry[Comment]
    read_comment = comment_admin.get_object
    edits = []

    def read_then_reader_edits(request, object_id, from_field=None):
        found = read_comment(request, object_id, from_field)
        if request.method == "POST" and not edits:
            body = "Harmless at first. Now something else entirely."
            edits.append(reader.post(reverse("comments:edit", args=[comment.pk]), {"body": body}))
        return found

    monkeypatch.setattr(comment_admin, "get_object", read_then_reader_edits)
    response = staff_client.post(change, opened)
    assert edits[0].status_code == HTTPStatus.FOUND
    assert response.status_code == HTTPStatus.OK
    assertContains(response, "Its author edited this comment at")
    assert form_as_shown(response)["body"] == "Harmless at first. Now something else entirely."
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.body == "Harmless at first. Now something else entirely."


@pytest.mark.parametrize("emptied_by", ["author", "another moderator"])
def test_a_comment_emptied_after_its_page_was_opened_is_not_put_back(staff_client, emptied_by):
    """Its author deletes it while readers answer it (or a colleague erases it at their
    request): the moderator's page still holds the name, address and text, and saving it
    put them back on the site, approved."""
    article = make_article()
    reader = Client()
    post_comment(reader, article, body="Something I regret saying.", email="ada@example.com")
    comment = Comment.objects.get()
    staff_client.post(reverse(QUEUE), {"action": "approve", "_selected_action": [comment.pk]})
    make_comment(article, parent=comment, body="A reply.")
    change = reverse("admin:comments_comment_change", args=[comment.pk])
    opened = form_as_shown(staff_client.get(change), moderation_note="Read: fine.")
    if emptied_by == "author":
        reader.post(reverse("comments:withdraw", args=[comment.pk]))
    else:
        staff_client.post(
            reverse(QUEUE), {"action": "erase", "post": "yes", "_selected_action": [comment.pk]}
        )

    response = staff_client.post(change, opened)

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "Nothing was saved: since this page was opened, this comment")
    comment.refresh_from_db()
    assert (comment.author_name, comment.email, comment.body) == ("", "", "")
    assert comment.status == Comment.Status.REMOVED
    page = reader.get(article.get_absolute_url()).content.decode()
    assert "Something I regret saying." not in page


def test_approving_every_comment_leaves_out_those_posted_since_the_queue_was_shown(
    staff_client,
):
    """ "Select all" takes in every comment the filter finds when the action runs, and a
    comment posted since is one the moderator never saw."""
    article = make_article()
    shown = make_comment(article, status="pending", approved_at=None, body="On the page.")
    queue = staff_client.get(reverse(QUEUE) + "?status__exact=pending").content.decode()
    opened_at = re.search(r'name="opened_at" value="([^"]+)"', queue)[1]
    post_comment(Client(), article, body="Posted while the moderator read.")
    posted = Comment.objects.get(body="Posted while the moderator read.")

    response = staff_client.post(
        reverse(QUEUE) + "?status__exact=pending",
        {
            "action": "approve",
            "select_across": "1",
            "_selected_action": [shown.pk],
            "opened_at": opened_at,
        },
        follow=True,
    )
    assertContains(response, "1 comment was not approved: it was posted or edited after this")
    shown.refresh_from_db()
    posted.refresh_from_db()
    assert (shown.status, posted.status) == (Comment.Status.APPROVED, Comment.Status.PENDING)
