"""Readers discuss an article and staff moderate, each in their own browser."""

import datetime
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from tests.e2e.content import make_conversation, make_full_article
from tests.e2e.test_staff_journeys import sign_in
from tests.factories import make_comment

pytestmark = pytest.mark.e2e

# The comment form refuses posts made within two seconds of loading it (bots do that).
HUMAN_PAUSE_SECONDS = 2.2


def write_comment(page, *, name, email, text, loaded_at):
    form = page.locator("form.comment-form")
    form.get_by_role("textbox", name="Name", exact=True).fill(name)
    form.get_by_role("textbox", name="E-mail", exact=True).fill(email)
    form.get_by_role("textbox", name="Comment", exact=True).fill(text)
    time.sleep(max(0, loaded_at + HUMAN_PAUSE_SECONDS - time.monotonic()))
    form.get_by_role("button", name="Post comment").click()


def approve_in_admin(staff, author_name):
    staff.goto(reverse("admin:comments_comment_changelist"))
    staff.get_by_role("row").filter(has_text=author_name).get_by_role("checkbox").check()
    staff.get_by_label("Action:").select_option(label="Approve selected comments")
    staff.get_by_role("button", name="Go").click()
    expect(staff.locator(".messagelist")).to_contain_text("approved")


def open_article(page, article):
    page.goto(article.get_absolute_url())
    return time.monotonic()


def test_a_reader_comments_from_the_cached_compressed_copy_of_a_page(open_browser):
    article = make_full_article()
    open_browser().new_page().goto(article.get_absolute_url())  # an earlier reader

    reader = open_browser().new_page()
    response = reader.goto(article.get_absolute_url())
    loaded_at = time.monotonic()
    assert response.headers["x-page-cache"] == "hit"
    assert response.headers["content-encoding"] == "gzip"
    expect(reader.get_by_role("heading", level=1)).to_have_text(article.title)
    write_comment(
        reader,
        name="Robin",
        email="robin@example.com",
        text="Posted from the copy every reader shares.",
        loaded_at=loaded_at,
    )
    expect(reader.get_by_role("status").filter(has_text="awaiting moderation")).to_be_visible()
    assert (
        Comment.objects.get(author_name="Robin").body == "Posted from the copy every reader shares."
    )


def test_comment_waits_for_moderation_then_a_staff_approval_and_a_reply(
    open_browser, django_user_model
):
    article = make_full_article()
    staff_user = django_user_model.objects.create_superuser(
        "editor", "editor@example.com", "correct-horse-battery-staple"
    )

    # A first-time reader comments and is told it waits for a moderator.
    first_reader = open_browser().new_page()
    loaded_at = open_article(first_reader, article)
    expect(first_reader.get_by_text("Comments are moderated")).to_be_visible()
    write_comment(
        first_reader,
        name="Jordan",
        email="jordan@example.com",
        text="Was the dose adjusted for body weight?",
        loaded_at=loaded_at,
    )
    notice = first_reader.get_by_role("status").filter(has_text="awaiting moderation")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Was the dose adjusted for body weight?")

    # Nobody else sees it yet.
    second_reader = open_browser().new_page()
    open_article(second_reader, article)
    expect(second_reader.get_by_text("Was the dose adjusted")).to_have_count(0)

    # Staff approve it from the moderation queue.
    staff = open_browser().new_page()
    sign_in(staff, staff_user)
    approve_in_admin(staff, "Jordan")
    comment = Comment.objects.get(author_name="Jordan")
    assert comment.status == Comment.Status.APPROVED

    # A minute later (flood control counts posts per network, and every reader here
    # shares 127.0.0.1), another reader replies to it.
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    loaded_at = open_article(second_reader, article)
    approved = second_reader.locator(f"#comment-{comment.pk}")
    expect(approved).to_contain_text("Was the dose adjusted for body weight?")
    approved.get_by_role("link", name=re.compile("Reply")).click()
    expect(second_reader.locator("#comment-form-heading")).to_have_text("Reply to Jordan")
    write_comment(
        second_reader,
        name="Sam",
        email="sam@example.com",
        text="The paper says the dose was per kilogram.",
        loaded_at=loaded_at,
    )
    expect(
        second_reader.get_by_role("status").filter(has_text="awaiting moderation")
    ).to_be_visible()
    reply = Comment.objects.get(author_name="Sam")
    assert reply.parent_id == comment.pk

    # Once approved, the reply shows under the comment it answers.
    approve_in_admin(staff, "Sam")
    open_article(first_reader, article)
    thread = first_reader.locator(".comment-item").filter(
        has=first_reader.locator(f"#comment-{comment.pk}")
    )
    expect(thread.locator(".comment-replies")).to_contain_text(
        "The paper says the dose was per kilogram."
    )


def test_comment_form_error_keeps_the_readers_text(open_browser):
    article = make_full_article()
    page = open_browser().new_page()
    open_browser.watcher.allow("status of 400")
    loaded_at = open_article(page, article)
    write_comment(
        page,
        name="Alex",
        # The browser's own check lets this through; the server's does not.
        email="alex@example",
        text="A long and careful comment I would hate to lose.",
        loaded_at=loaded_at,
    )
    expect(page.locator("form.comment-form").get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "A long and careful comment I would hate to lose."
    )
    email = page.get_by_role("textbox", name="E-mail", exact=True)
    expect(email).to_have_value("alex@example")
    expect(page.locator("form.comment-form")).to_contain_text("Please enter a valid e-mail address")
    # The field to correct is marked in red, and the cursor is in it.
    expect(email).to_be_focused()
    expect(email).to_have_css("border-top-color", "rgb(180, 35, 24)")
    expect(page.get_by_role("textbox", name="Name", exact=True)).not_to_have_css(
        "border-top-color", "rgb(180, 35, 24)"
    )
    assert not Comment.objects.exists()


def test_a_reader_who_cancels_a_reply_by_keyboard_keeps_their_place(page):
    """Focus goes to the form's heading, not back to the top of the page."""
    article = make_full_article()
    make_conversation(article)
    page.goto(article.get_absolute_url())
    page.get_by_role("link", name="Reply to Jordan").focus()
    page.keyboard.press("Enter")
    heading = page.locator("#comment-form-heading")
    expect(heading).to_have_text("Reply to Jordan")
    page.get_by_role("button", name="Cancel reply").focus()
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Add a comment")
    expect(heading).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_be_focused()


def test_a_reply_brought_back_by_the_back_button_is_still_a_reply(page):
    """The browser refills the text on Back but not which comment it answered: sent
    again as it stood, it would land as a new comment, out of its thread."""
    article = make_full_article()
    first = make_conversation(article)
    Comment.objects.filter(article=article).update(email="alex@example.com")  # not held
    loaded_at = open_article(page, article)
    page.get_by_role("link", name="Reply to Jordan").click()
    write_comment(
        page, name="Alex", email="alex@example.com", text="Same question here.", loaded_at=loaded_at
    )
    expect(page.get_by_text("Same question here.")).to_be_visible()
    reply = Comment.objects.get(body="Same question here.")
    assert reply.parent_id == first.pk

    page.go_back()
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "Same question here."
    )
    expect(page.locator("#comment-form-heading")).to_have_text("Reply to Jordan")
    time.sleep(HUMAN_PAUSE_SECONDS)
    page.locator("form.comment-form").get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Same question here.")).to_have_count(1)
    assert list(Comment.objects.filter(body="Same question here.")) == [reply]


def post_a_reply_to_jordan(page):
    """Alex, whose comments are not held, answers Jordan and sees the reply in place."""
    article = make_full_article()
    make_conversation(article)
    Comment.objects.filter(article=article).update(email="alex@example.com")
    loaded_at = open_article(page, article)
    page.get_by_role("link", name="Reply to Jordan").click()
    write_comment(page, name="Alex", email="alex@example.com", text="A reply.", loaded_at=loaded_at)
    expect(page.locator(".comment__body").filter(has_text="A reply.")).to_be_visible()


def test_a_new_comment_brought_back_after_a_reply_stays_a_new_comment(page, monkeypatch):
    from comments import moderation

    # Two comments in a few seconds from one reader: flood control would hold the second.
    monkeypatch.setattr(moderation, "FLOOD_MIN_INTERVAL", datetime.timedelta(0))
    post_a_reply_to_jordan(page)
    loaded_at = time.monotonic()
    write_comment(
        page, name="Alex", email="alex@example.com", text="A new thought.", loaded_at=loaded_at
    )
    expect(page.get_by_text("A new thought.")).to_be_visible()

    page.go_back()
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_value("A new thought.")
    expect(page.locator("#comment-form-heading")).to_have_text("Add a comment")


def test_a_new_comment_typed_while_the_page_loads_is_not_made_a_reply(page):
    """After posting a reply, the next page may still be loading its pictures when the
    reader starts a new comment; the page's late "pageshow" must not take their text for
    a reply the browser refilled and move it under the comment answered before."""
    post_a_reply_to_jordan(page)

    page.get_by_role("textbox", name="Comment", exact=True).fill("A thought of its own.")
    # The page finishing its load after that typing.
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: false}))")
    expect(page.locator("#comment-form-heading")).to_have_text("Add a comment")
    expect(page.locator("[data-comment-parent]")).to_have_value("")


def leave_and_come_back(page):
    """Follow the header's "Articles" link, then press Back: the browser loads the article
    again and refills the form with what was typed."""
    page.get_by_role("banner").get_by_role("link", name="Articles").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("articles:list")) + "$"))
    page.go_back()
    return time.monotonic()  # the page that came back carries a new form timestamp


def post_after_a_pause(page, loaded_at):
    time.sleep(max(0, loaded_at + HUMAN_PAUSE_SECONDS - time.monotonic()))
    page.locator("form.comment-form").get_by_role("button", name="Post comment").click()


def test_a_comment_typed_after_a_reply_and_brought_back_stays_a_new_comment(page, monkeypatch):
    """Sending a reply must not leave the next comment on the page it leads to answering
    the same comment, not even when Back brings that next comment's text back."""
    from comments import moderation

    monkeypatch.setattr(moderation, "FLOOD_MIN_INTERVAL", datetime.timedelta(0))
    post_a_reply_to_jordan(page)
    form = page.locator("form.comment-form")
    expect(page.locator("#comment-form-heading")).to_have_text("Add a comment")
    form.get_by_role("textbox", name="Name", exact=True).fill("Alex")
    form.get_by_role("textbox", name="E-mail", exact=True).fill("alex@example.com")
    form.get_by_role("textbox", name="Comment", exact=True).fill("Something else entirely.")

    loaded_at = leave_and_come_back(page)
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "Something else entirely."
    )
    expect(page.locator("#comment-form-heading")).to_have_text("Add a comment")
    post_after_a_pause(page, loaded_at)
    expect(
        page.locator(".comment__body").filter(has_text="Something else entirely.")
    ).to_be_visible()
    assert Comment.objects.get(body="Something else entirely.").parent is None


def test_a_reply_left_unsent_and_brought_back_is_still_a_reply(page):
    """Back to a reply the reader had not sent yet puts it under its comment again, also
    when they had looked at another comment's own address on the way."""
    article = make_full_article()
    first = make_conversation(article)
    Comment.objects.filter(article=article).update(email="alex@example.com")  # not held
    open_article(page, article)
    page.get_by_role("link", name="Reply to Jordan").click()
    form = page.locator("form.comment-form")
    form.get_by_role("textbox", name="Name", exact=True).fill("Alex")
    form.get_by_role("textbox", name="E-mail", exact=True).fill("alex@example.com")
    form.get_by_role("textbox", name="Comment", exact=True).fill("Was it the same for rats?")
    page.locator(".comment").filter(has_text="Yes, per kilogram.").locator(
        ".comment__permalink"
    ).click()
    expect(page).to_have_url(re.compile("#comment-"))

    loaded_at = leave_and_come_back(page)
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "Was it the same for rats?"
    )
    expect(page.locator("#comment-form-heading")).to_have_text("Reply to Jordan")
    post_after_a_pause(page, loaded_at)
    expect(
        page.locator(".comment__body").filter(has_text="Was it the same for rats?")
    ).to_be_visible()
    assert Comment.objects.get(body="Was it the same for rats?").parent_id == first.pk


def test_a_cancelled_reply_link_brought_back_stays_a_new_comment(page):
    """A `?reply_to=` page always comes from the server as a reply; once the reader has
    cancelled it, the text Back refills is their new comment."""
    article = make_full_article()
    first = make_conversation(article)
    Comment.objects.filter(article=article).update(email="alex@example.com")  # not held
    page.goto(f"{article.get_absolute_url()}?reply_to={first.pk}#reply")
    expect(page.locator("#comment-form-heading")).to_have_text("Reply to Jordan")
    form = page.locator("form.comment-form")
    form.get_by_role("button", name="Cancel reply").click()
    expect(page.locator("#comment-form-heading")).to_have_text("Add a comment")
    form.get_by_role("textbox", name="Name", exact=True).fill("Alex")
    form.get_by_role("textbox", name="E-mail", exact=True).fill("alex@example.com")
    form.get_by_role("textbox", name="Comment", exact=True).fill("A topic of its own.")

    loaded_at = leave_and_come_back(page)
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "A topic of its own."
    )
    expect(page.locator("#comment-form-heading")).to_have_text("Add a comment")
    post_after_a_pause(page, loaded_at)
    expect(page.locator(".comment__body").filter(has_text="A topic of its own.")).to_be_visible()
    assert Comment.objects.get(body="A topic of its own.").parent is None


def test_replying_elsewhere_after_a_dead_reply_link_drops_its_note(page):
    """The note that a `?reply_to=` link's comment is not shown would contradict a form
    that has since moved under another comment, or back home."""
    article = make_full_article()
    make_conversation(article)
    held = make_comment(article, author_name="Kim", status=Comment.Status.PENDING)
    page.goto(f"{article.get_absolute_url()}?reply_to={held.pk}#reply")
    note = page.get_by_text("The comment you wanted to reply to is not available any more")
    expect(note).to_be_visible()

    page.get_by_role("link", name="Reply to Jordan").click()
    expect(page.locator("#comment-form-heading")).to_have_text("Reply to Jordan")
    expect(note).to_have_count(0)
    page.get_by_role("button", name="Cancel reply").click()
    expect(page.locator("#comment-form-heading")).to_have_text("Add a comment")
    expect(note).to_have_count(0)


def test_replying_elsewhere_after_the_parent_went_drops_that_error_only(open_browser):
    """The error about the comment that went goes with the form; the one about the
    reader's own e-mail address stays until they correct it."""
    article = make_full_article()
    first = make_conversation(article)
    page = open_browser().new_page()
    open_browser.watcher.allow("status of 400")
    loaded_at = open_article(page, article)
    page.get_by_role("link", name="Reply to Jordan").click()
    # A moderator removes Jordan's comment while the reader writes.
    first.status = Comment.Status.REMOVED
    first.save()
    write_comment(
        page, name="Alex", email="alex@example", text="Same question here.", loaded_at=loaded_at
    )
    form = page.locator("form.comment-form")
    gone = form.get_by_text("The comment you are replying to is no longer available")
    email_error = form.get_by_text("Please enter a valid e-mail address")
    expect(gone).to_be_visible()
    expect(email_error).to_be_visible()

    page.get_by_role("link", name="Reply to Sam").click()
    expect(page.locator("#comment-form-heading")).to_have_text("Reply to Sam")
    expect(gone).to_have_count(0)
    expect(form.get_by_role("alert")).to_have_count(0)
    expect(email_error).to_be_visible()
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "Same question here."
    )
    form.get_by_role("button", name="Cancel reply").click()
    expect(page.locator("#comment-form-heading")).to_have_text("Add a comment")
    expect(gone).to_have_count(0)
    expect(email_error).to_be_visible()
    assert not Comment.objects.filter(author_name="Alex").exists()


def test_without_javascript_cancel_reply_keeps_what_was_typed(open_browser):
    """The reply link opens a reply form on a new page; cancelling it there must not
    throw the text away, and what is sent afterwards is a comment of its own."""
    article = make_full_article()
    make_conversation(article)
    page = open_browser(java_script_enabled=False).new_page()
    page.goto(article.get_absolute_url())
    page.get_by_role("link", name="Reply to Jordan").click()
    expect(page.locator("#comment-form-heading")).to_have_text("Reply to Jordan")
    form = page.locator("form.comment-form")
    form.get_by_role("textbox", name="Name", exact=True).fill("Riley")
    form.get_by_role("textbox", name="E-mail", exact=True).fill("riley@example.com")
    form.get_by_role("textbox", name="Comment", exact=True).fill("On second thought, a new topic.")
    form.get_by_role("button", name="Cancel reply").click()

    expect(page.locator("#comment-form-heading")).to_have_text("Add a comment")
    loaded_at = time.monotonic()  # the page that came back carries a new form timestamp
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "On second thought, a new topic."
    )
    expect(form.get_by_role("button", name="Cancel reply")).to_be_hidden()
    assert not Comment.objects.filter(author_name="Riley").exists()

    time.sleep(max(0, loaded_at + HUMAN_PAUSE_SECONDS - time.monotonic()))
    form.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status").filter(has_text="awaiting moderation")).to_be_visible()
    sent = Comment.objects.get(author_name="Riley")
    assert sent.body == "On second thought, a new topic."
    assert sent.parent is None
