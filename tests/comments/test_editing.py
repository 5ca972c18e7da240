"""A commenter may change their own comment for a while after posting, from the browser
they posted it in; moderation reads the new text."""

import datetime
import html
import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import moderation
from comments.models import Comment
from comments.services import comment_edit, comment_withdraw
from tests.comments.conftest import post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def edit_url(comment):
    return reverse("comments:edit", args=[comment.pk])


def page_of(client, article):
    return html.unescape(client.get(article.get_absolute_url()).content.decode())


def post_approved(client, article, body):
    """Ada has an approved comment already, so hers is published at once."""
    make_comment(article, email="ada@example.com")
    post_comment(client, article, body=body)
    comment = Comment.objects.get(body=body)
    assert comment.status == Comment.Status.APPROVED
    return comment


def test_the_author_mends_a_typo_and_every_reader_sees_it_marked_as_edited(client, settings):
    settings.PAGE_CACHE_SECONDS = 600
    article = make_article()
    comment = post_approved(client, article, "Spine density rose by 10 percnet.")
    other = Client()
    assert "10 percnet." in page_of(other, article)  # and kept in the page cache

    page = page_of(client, article)
    assert f'<a class="comment__edit" href="{edit_url(comment)}">' in page
    assert "(15 minutes left)" in page
    form = client.get(edit_url(comment))
    assert form.status_code == HTTPStatus.OK
    assert "Spine density rose by 10 percnet.</textarea>" in form.content.decode()

    response = client.post(edit_url(comment), {"body": "Spine density rose by 10 percent."})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == comment.get_absolute_url()
    for reader in [other, client]:
        page = page_of(reader, article)
        assert "10 percent." in page
        assert "percnet" not in page
        assert "· edited" in page
    assert 'class="comment__edit"' not in page_of(other, article)


def test_nobody_else_can_edit_and_a_refused_edit_gives_the_text_back(client):
    article = make_article()
    comment = post_approved(client, article, "My own words.")
    stranger = Client()
    message = (
        "Only the person who wrote a comment can edit it, from the browser they posted it "
        "in, within 15 minutes of posting."
    )
    response = stranger.get(edit_url(comment))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert message in response.content.decode()

    response = stranger.post(edit_url(comment), {"body": "Words put in Ada's mouth."})
    assert response.status_code == HTTPStatus.FORBIDDEN
    page = html.unescape(response.content.decode())
    assert "Your changes were not saved" in page
    assert "Words put in Ada's mouth." in page
    assert Comment.objects.get(pk=comment.pk).body == "My own words."


def test_the_time_to_edit_ends(client, time_machine):
    article = make_article()
    comment = post_approved(client, article, "Posted a while ago.")
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=14, seconds=30))
    assert "(1 minute left)" in page_of(client, article)

    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=1))
    assert 'class="comment__edit"' not in page_of(client, article)
    response = client.post(edit_url(comment), {"body": "Too late, but kept."})
    assert response.status_code == HTTPStatus.FORBIDDEN
    page = html.unescape(response.content.decode())
    assert "The time to edit this comment ended 15 minutes after it was posted." in page
    assert "Too late, but kept." in page
    assert Comment.objects.get(pk=comment.pk).body == "Posted a while ago."


def test_a_reader_whose_comment_was_published_keeps_a_session_only_while_they_may_edit(
    client, settings
):
    article = make_article()
    post_approved(client, article, "Published at once.")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert 14 * 60 < int(cookie["max-age"]) <= 15 * 60


def test_a_held_comment_is_edited_from_the_notice_and_stays_held(client):
    article = make_article()
    post_comment(client, article, body="My first comment, with a typo: teh.")
    comment = Comment.objects.get()
    page = page_of(client, article)
    notice = page[page.index('id="comment-awaiting"') :]
    assert f'href="{edit_url(comment)}"' in notice

    response = client.post(edit_url(comment), {"body": "My first comment, without the typo."})
    assert response["Location"] == f"{article.get_absolute_url()}#comment-awaiting"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_note == "first comment from this e-mail address"
    assert "My first comment, without the typo." in page_of(client, article)
    assert "My first comment" not in page_of(Client(), article)


def test_an_edit_that_breaks_a_rule_takes_the_comment_off_the_page_for_a_moderator(
    client, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATOR_EMAILS = ["mod@example.com"]
    article = make_article()
    comment = post_approved(client, article, "Harmless at first.")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(comment), {"body": "Harmless at first. Where to buy it?"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_note == 'moderation word "where to buy"'
    assert [message.to for message in mail.outbox] == [["mod@example.com"]]
    assert "Harmless at first" not in page_of(Client(), article)
    page = page_of(client, article)
    assert "Your comment is awaiting moderation" in page
    assert "Where to buy it?" in page
    moderator = Client()
    moderator.force_login(admin_user)
    queue = moderator.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert "(edited)" in queue


def test_changes_in_quick_succession_wait_their_turn(client, time_machine):
    """Each change to a published comment empties the page cache: a script changing one
    every moment would keep every page of the site uncached."""
    time_machine.move_to(timezone.now(), tick=False)
    article = make_article()
    comment = post_approved(client, article, "First.")
    client.post(edit_url(comment), {"body": "Second."})
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=5))
    response = client.post(edit_url(comment), {"body": "Third."})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Retry-After"] == "10"
    page = html.unescape(response.content.decode())
    assert "You saved a change a moment ago. Please wait 10 seconds and save again" in page
    assert "Third.</textarea>" in page
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=10))
    assert client.post(edit_url(comment), {"body": "Third."}).status_code == HTTPStatus.FOUND
    assert Comment.objects.get(pk=comment.pk).body == "Third."


def test_the_same_text_again_is_no_edit(client):
    article = make_article()
    comment = post_approved(client, article, "Unchanged.")
    client.post(edit_url(comment), {"body": "Unchanged.\r\n"})
    assert Comment.objects.get(pk=comment.pk).edited_at is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Please write your comment."),
        ("x" * 3001, "Please shorten your comment to 3,000 characters or fewer (it has 3001)."),
    ],
    ids=["empty", "too long"],
)
def test_bad_text_comes_back_with_a_message_and_the_text(client, body, message):
    article = make_article()
    comment = post_approved(client, article, "Before.")
    response = client.post(edit_url(comment), {"body": body})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = html.unescape(response.content.decode())
    assert message in page
    assert f"{body}</textarea>" in page
    assert Comment.objects.get(pk=comment.pk).body == "Before."


def test_a_stale_form_token_brings_the_edit_back_to_send_again():
    article = make_article()
    reader = Client(enforce_csrf_checks=True)
    make_comment(article, email="ada@example.com")
    reader.get(article.get_absolute_url())
    post_comment(
        reader, article, body="Before.", csrfmiddlewaretoken=reader.cookies["csrftoken"].value
    )
    comment = Comment.objects.get(body="Before.")
    form = reader.get(edit_url(comment)).content.decode()
    stale_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    reader.cookies.pop("csrftoken")  # cleared meanwhile

    response = reader.post(
        edit_url(comment), {"body": "After.", "csrfmiddlewaretoken": stale_token}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    page = html.unescape(response.content.decode())
    assert "the page's security check did not match your browser's" in page
    assert "After.</textarea>" in page
    fresh_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = reader.post(
        edit_url(comment), {"body": "After.", "csrfmiddlewaretoken": fresh_token}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.get(pk=comment.pk).body == "After."


def test_editing_can_be_switched_off(client, settings):
    settings.COMMENTS_EDIT_MINUTES = 0
    article = make_article()
    comment = post_approved(client, article, "Final as posted.")
    assert 'class="comment__edit"' not in page_of(client, article)
    response = client.get(edit_url(comment))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Comments cannot be edited once posted." in response.content.decode()


def test_a_comment_no_longer_on_the_site_is_not_found_and_sent_text_comes_back(client):
    article = make_article()
    comment = post_approved(client, article, "Soon removed.")
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.REMOVED)
    assert client.get(edit_url(comment)).status_code == HTTPStatus.NOT_FOUND
    response = client.post(edit_url(comment), {"body": "My edit, kept."})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "My edit, kept." in html.unescape(response.content.decode())


def withdraw_url(comment):
    return reverse("comments:withdraw", args=[comment.pk])


def test_the_author_deletes_a_comment_they_regret_after_being_asked(client, settings):
    settings.PAGE_CACHE_SECONDS = 600
    article = make_article()
    comment = post_approved(
        client, article, "My therapist at Elm Street Clinic knows all about this."
    )
    other = Client()
    assert "Elm Street Clinic" in page_of(other, article)

    edit_page = html.unescape(client.get(edit_url(comment)).content.decode())
    assert f'<a href="{withdraw_url(comment)}">Delete this comment</a>' in edit_page
    confirm = html.unescape(client.get(withdraw_url(comment)).content.decode())
    assert "Delete your comment?" in confirm
    assert "My therapist at Elm Street Clinic knows all about this." in confirm
    assert Comment.objects.filter(pk=comment.pk).exists()  # asking deletes nothing

    response = client.post(withdraw_url(comment))
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert "Elm Street Clinic" not in page_of(other, article)


def test_a_deleted_comment_with_replies_leaves_a_placeholder_and_nothing_of_its_author(client):
    article = make_article()
    comment = post_approved(client, article, "Something I regret.")
    make_comment(article, parent=comment, author_name="Ben", body="A reply that stays.")
    client.post(withdraw_url(comment))
    emptied = Comment.objects.get(pk=comment.pk)
    assert (emptied.status, emptied.author_name, emptied.email, emptied.body) == (
        Comment.Status.REMOVED,
        "",
        "",
        "",
    )
    page = page_of(Client(), article)
    assert "This comment was removed." in page
    assert "A reply that stays." in page
    assert "Something I regret." not in page
    assert "Ada Reader" not in page


def test_only_the_author_may_delete_and_only_while_they_may_edit(client, time_machine):
    article = make_article()
    comment = post_approved(client, article, "Still here.")
    stranger = Client()
    assert stranger.get(withdraw_url(comment)).status_code == HTTPStatus.FORBIDDEN
    assert stranger.post(withdraw_url(comment)).status_code == HTTPStatus.FORBIDDEN
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=16))
    response = client.post(withdraw_url(comment))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "The time to edit this comment ended" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).body == "Still here."


def test_a_staff_members_words_sent_again_by_a_reader_give_the_reader_no_edit(
    client, django_user_model
):
    """A duplicate lands on the earlier comment; a reader on the staff member's network
    (a shared office, a café) sending their public words under their address must not
    gain the staff comment to edit, whose edits skip moderation."""
    article = make_article()
    staff = django_user_model.objects.create_user(
        "editor", email="editor@example.com", password="x" * 16, is_staff=True
    )
    client.force_login(staff)
    words = {"author_name": "The Editor", "email": "editor@example.com", "body": "Staff words."}
    post_comment(client, article, remote_addr="203.0.113.7", **words)
    comment = Comment.objects.get(body="Staff words.")
    assert comment.by_staff

    reader = Client()
    response = post_comment(reader, article, remote_addr="203.0.113.7", **words)
    assert response["Location"] == comment.get_absolute_url()
    assert reader.get(edit_url(comment)).status_code == HTTPStatus.FORBIDDEN
    assert 'class="comment__edit"' not in page_of(reader, article)


def test_mending_a_typo_around_words_a_moderator_approved_does_not_ask_again(
    client, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATOR_EMAILS = ["mod@example.com"]
    article = make_article()
    make_comment(article, email="ada@example.com")
    post_comment(client, article, body="Nobody here will tell you where to buy it. Good.")
    comment = Comment.objects.get(body__startswith="Nobody")
    assert comment.status == Comment.Status.PENDING  # "where to buy" is a moderation word
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(comment), {"body": "Nobody here will tell you where to buy it. Good!"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert mail.outbox == []


def test_an_edit_sent_as_a_moderator_decides_leaves_the_decision_standing(rf):
    """The edit page was opened before a moderator marked the comment as spam or
    removed it; the edit saved a moment after must not bring it back."""
    article = make_article()
    comment = make_comment(article, body="Before.")
    sender = moderation.sender_from_request(rf.get("/"))
    for decision in [Comment.Status.SPAM, Comment.Status.REMOVED]:
        opened = Comment.objects.get(pk=comment.pk)
        Comment.objects.filter(pk=comment.pk).update(status=decision, edited_at=None)
        try:
            comment_edit(comment=opened, body=f"After {decision}.", sender=sender, base_url="")
        except Comment.DoesNotExist:
            assert decision == Comment.Status.REMOVED
        assert Comment.objects.get(pk=comment.pk).status == decision


def test_a_held_comment_mended_to_break_no_rule_says_why_it_was_held_before(client):
    """It still waits for a moderator, who reads what held it as the earlier text's."""
    article = make_article()
    make_comment(article, email="ada@example.com")
    post_comment(client, article, body="See https://a.example and https://b.example too.")
    comment = Comment.objects.get(body__startswith="See")
    assert comment.moderation_note == "2 links"
    client.post(edit_url(comment), {"body": "See the paper itself."})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_note == "2 links (before it was edited)"
    Comment.objects.filter(pk=comment.pk).update(edited_at=None)  # a while later
    client.post(edit_url(comment), {"body": "See the paper itself, page 3."})
    comment.refresh_from_db()
    assert comment.moderation_note == "2 links (before it was edited)"


def test_a_deletion_sent_as_a_moderator_approves_still_clears_the_cached_page(settings):
    """The delete page was opened while the comment waited; a moderator approved it, and
    its replies, a moment before the author confirmed."""
    settings.PAGE_CACHE_SECONDS = 600
    article = make_article()
    opened = make_comment(article, body="Regretted words.", status=Comment.Status.PENDING)
    Comment.objects.filter(pk=opened.pk).update(status=Comment.Status.APPROVED)
    make_comment(article, parent=opened, body="A reply.")
    reader = Client()
    assert "Regretted words." in page_of(reader, article)  # now in the page cache

    comment_withdraw(comment=opened)
    page = page_of(reader, article)
    assert "Regretted words." not in page
    assert "This comment was removed." in page
