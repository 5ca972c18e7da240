"""Readers discuss an article and staff moderate, each in their own browser."""

import datetime
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment, SenderActivity
from tests.e2e.conftest import JOURNEY_FORM_MIN_SECONDS
from tests.e2e.content import make_conversation, make_full_article, make_other_articles
from tests.e2e.test_staff_journeys import sign_in
from tests.factories import make_comment

pytestmark = pytest.mark.e2e

# The comment form refuses posts made too soon after loading it (bots do that).
HUMAN_PAUSE_SECONDS = JOURNEY_FORM_MIN_SECONDS + 0.2
# The main journeys run at every viewport. What the form's script does with history and
# storage does not change with the screen, so those journeys run where most readers
# comment: on a phone.
ON_A_PHONE = pytest.mark.parametrize("viewport", ["phone"])


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


@ON_A_PHONE
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
    a_minute_ago = timezone.now() - datetime.timedelta(minutes=1)
    SenderActivity.objects.update(recent_posts=[a_minute_ago.timestamp()])
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


@ON_A_PHONE
def test_a_reader_abroad_reads_comment_times_in_their_own_zone(open_browser):
    """The page is the same for every reader, in the site's zone (UTC here); a reader in
    New York sees the evening before, in their own hours, and the site's time on hover."""
    article = make_full_article()
    evening = make_comment(article, author_name="Jordan", body="Late question.")
    summer = make_comment(article, author_name="Sam", body="Earlier thought.")
    Comment.objects.filter(pk=evening.pk).update(
        created_at=datetime.datetime(2026, 11, 13, 2, 10, tzinfo=datetime.UTC)
    )
    Comment.objects.filter(pk=summer.pk).update(
        created_at=datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)
    )
    page = open_browser(timezone_id="America/New_York").new_page()
    page.goto(article.get_absolute_url())

    evening_time = page.locator(f"#comment-{evening.pk} time")
    expect(evening_time).to_have_text("12 Nov 2026, 21:10 EST")
    expect(evening_time).to_have_attribute("title", "13 Nov 2026, 02:10 UTC")
    expect(page.locator(f"#comment-{summer.pk} time")).to_have_text("1 Jul 2026, 08:00 EDT")


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


@ON_A_PHONE
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


@ON_A_PHONE
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


@ON_A_PHONE
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


@ON_A_PHONE
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


def write_as_alex(form, text):
    form.get_by_role("textbox", name="Name", exact=True).fill("Alex")
    form.get_by_role("textbox", name="E-mail", exact=True).fill("alex@example.com")
    form.get_by_role("textbox", name="Comment", exact=True).fill(text)


def come_back_and_post(page, form, text, *, heading):
    """Leave the article and come back with Back, check the comment box holds `text`
    under `heading`, send it and see it posted; the comment as saved."""
    loaded_at = leave_and_come_back(page)
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_have_value(text)
    expect(page.locator("#comment-form-heading")).to_have_text(heading)
    post_after_a_pause(page, loaded_at)
    expect(page.locator(".comment__body").filter(has_text=text)).to_be_visible()
    return Comment.objects.get(body=text)


def post_after_a_pause(page, loaded_at):
    time.sleep(max(0, loaded_at + HUMAN_PAUSE_SECONDS - time.monotonic()))
    page.locator("form.comment-form").get_by_role("button", name="Post comment").click()


@ON_A_PHONE
def test_a_comment_typed_after_a_reply_and_brought_back_stays_a_new_comment(page, monkeypatch):
    """Sending a reply must not leave the next comment on the page it leads to answering
    the same comment, not even when Back brings that next comment's text back."""
    from comments import moderation

    monkeypatch.setattr(moderation, "FLOOD_MIN_INTERVAL", datetime.timedelta(0))
    post_a_reply_to_jordan(page)
    form = page.locator("form.comment-form")
    expect(page.locator("#comment-form-heading")).to_have_text("Add a comment")
    write_as_alex(form, "Something else entirely.")

    comment = come_back_and_post(page, form, "Something else entirely.", heading="Add a comment")
    assert comment.parent is None


@ON_A_PHONE
def test_a_reply_left_unsent_and_brought_back_is_still_a_reply(page):
    """Back to a reply the reader had not sent yet puts it under its comment again, also
    when they had looked at another comment's own address on the way."""
    article = make_full_article()
    first = make_conversation(article)
    Comment.objects.filter(article=article).update(email="alex@example.com")  # not held
    open_article(page, article)
    page.get_by_role("link", name="Reply to Jordan").click()
    form = page.locator("form.comment-form")
    write_as_alex(form, "Was it the same for rats?")
    page.locator(".comment").filter(has_text="Yes, per kilogram.").locator(
        ".comment__permalink"
    ).click()
    expect(page).to_have_url(re.compile("#comment-"))

    comment = come_back_and_post(page, form, "Was it the same for rats?", heading="Reply to Jordan")
    assert comment.parent_id == first.pk


@ON_A_PHONE
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
    write_as_alex(form, "A topic of its own.")

    comment = come_back_and_post(page, form, "A topic of its own.", heading="Add a comment")
    assert comment.parent is None


@ON_A_PHONE
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


@ON_A_PHONE
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


# The comment being written, and the reader's name and e-mail, kept for the tab -----------

# Records that the page's "pageshow" has run, and with it everything the comment form's
# script does on load: a check that a field stays empty means something only after it.
PAGESHOW_SEEN = "window.addEventListener('pageshow', () => { window.pageshowSeen = true; });"


def watch_pageshow(page):
    page.add_init_script(PAGESHOW_SEEN)
    return page


def wait_for_pageshow(page):
    # A function, not an expression: Playwright evaluates an expression again on every
    # poll, and the site's Content-Security-Policy refuses that eval.
    page.wait_for_function("() => window.pageshowSeen === true")


def comment_fields(page):
    form = page.locator("form.comment-form")
    return {
        "name": form.get_by_role("textbox", name="Name", exact=True),
        "email": form.get_by_role("textbox", name="E-mail", exact=True),
        "body": form.get_by_role("textbox", name="Comment", exact=True),
        "notify": form.get_by_role("checkbox", name="E-mail me when someone replies"),
    }


def expect_empty_form(page):
    wait_for_pageshow(page)
    fields = comment_fields(page)
    for name in ("name", "email", "body"):
        expect(fields[name]).to_have_value("")
    expect(fields["notify"]).not_to_be_checked()


def write_a_reply_to_jordan(page, text):
    """Alex, whose comments are not held, starts a reply to Jordan (and asks for e-mail)."""
    article = make_full_article()
    first = make_conversation(article)
    Comment.objects.filter(article=article).update(email="alex@example.com")
    open_article(page, article)
    page.get_by_role("link", name="Reply to Jordan").click()
    fields = comment_fields(page)
    fields["name"].fill("Alex")
    fields["email"].fill("alex@example.com")
    fields["body"].fill(text)
    fields["notify"].check()
    return first


@ON_A_PHONE
def test_a_comment_being_written_survives_a_reload(page):
    """A phone's pull-to-refresh reloads the page, and browsers do not refill a form on
    reload: the tab keeps what was typed, and the comment it answers, until it is sent."""
    watch_pageshow(page)
    first = write_a_reply_to_jordan(page, "Was it the same for rats?")

    page.reload()
    loaded_at = time.monotonic()
    fields = comment_fields(page)
    expect(fields["body"]).to_have_value("Was it the same for rats?")
    expect(fields["name"]).to_have_value("Alex")
    expect(fields["email"]).to_have_value("alex@example.com")
    expect(fields["notify"]).to_be_checked()
    expect(page.locator("#comment-form-heading")).to_have_text("Reply to Jordan")
    post_after_a_pause(page, loaded_at)
    expect(
        page.locator(".comment__body").filter(has_text="Was it the same for rats?")
    ).to_be_visible()
    sent = Comment.objects.get(body="Was it the same for rats?")
    assert sent.parent_id == first.pk
    assert sent.notify_on_reply

    # Sent, it is no draft any more: the next comment starts with the name and address only.
    for _ in range(2):
        expect(fields["name"]).to_have_value("Alex")
        expect(fields["body"]).to_have_value("")
        expect(page.locator("#comment-form-heading")).to_have_text("Add a comment")
        page.reload()
        wait_for_pageshow(page)


@ON_A_PHONE
def test_a_sent_reply_that_back_brings_back_is_gone_after_a_reload(page):
    """Back refills the reply just sent, as browsers do; reloading that page does not
    bring it back a second time, nor the comment it answered."""
    watch_pageshow(page)
    post_a_reply_to_jordan(page)
    page.go_back()
    fields = comment_fields(page)
    expect(fields["body"]).to_have_value("A reply.")
    expect(page.locator("#comment-form-heading")).to_have_text("Reply to Jordan")

    page.reload()
    wait_for_pageshow(page)
    expect(fields["name"]).to_have_value("Alex")
    expect(fields["email"]).to_have_value("alex@example.com")
    expect(fields["body"]).to_have_value("")
    expect(page.locator("#comment-form-heading")).to_have_text("Add a comment")


@ON_A_PHONE
def test_a_comment_whose_post_never_arrived_survives_back_and_a_reload(open_browser, monkeypatch):
    """A phone that loses its signal as the reader sends a second reply: the comment was
    not taken, so the tab still keeps it, also on the page the first reply led to (a
    comment's own address, which Back returns to)."""
    from comments import moderation

    monkeypatch.setattr(moderation, "FLOOD_MIN_INTERVAL", datetime.timedelta(0))
    page = watch_pageshow(open_browser().new_page())
    open_browser.watcher.allow("ERR_INTERNET_DISCONNECTED")
    post_a_reply_to_jordan(page)
    expect(page).to_have_url(re.compile("#comment-"))
    loaded_at = time.monotonic()
    page.get_by_role("link", name="Reply to Sam").click()
    fields = comment_fields(page)
    expect(fields["name"]).to_have_value("Alex")
    fields["body"].fill("Sent from a tunnel.")
    article = Comment.objects.get(author_name="Sam").article
    post_address = f"**{reverse('comments:post', args=[article.slug])}"
    page.route(post_address, lambda route: route.abort("internetdisconnected"))
    post_after_a_pause(page, loaded_at)
    page.wait_for_url(lambda url: not url.startswith("http"))  # the browser's own error page
    page.unroute(post_address)

    page.go_back()
    expect(page).to_have_url(re.compile("#comment-"))
    page.reload()
    loaded_at = time.monotonic()
    expect(fields["body"]).to_have_value("Sent from a tunnel.")
    expect(fields["name"]).to_have_value("Alex")
    expect(page.locator("#comment-form-heading")).to_have_text("Reply to Sam")
    post_after_a_pause(page, loaded_at)
    expect(page.locator(".comment__body").filter(has_text="Sent from a tunnel.")).to_be_visible()
    sam = Comment.objects.get(author_name="Sam")
    assert Comment.objects.get(body="Sent from a tunnel.").parent_id == sam.pk


@ON_A_PHONE
def test_back_keeps_its_own_text_and_a_reload_brings_the_latest_draft(page):
    """The browser's refill on Back is left as it is; the draft only fills a form the
    browser left empty, and it is what the reader typed last."""
    watch_pageshow(page)
    article = make_full_article()
    open_article(page, article)
    fields = comment_fields(page)
    fields["body"].fill("A first version.")

    page.get_by_role("banner").get_by_role("link", name="Articles").click()
    page.get_by_role("main").get_by_role("link", name=article.title).first.click()
    expect(fields["body"]).to_have_value("A first version.")
    fields["body"].fill("A second version.")

    page.go_back()
    page.go_back()
    wait_for_pageshow(page)
    expect(fields["body"]).to_have_value("A first version.")
    page.reload()
    expect(fields["body"]).to_have_value("A second version.")


@ON_A_PHONE
def test_text_typed_while_a_reloaded_page_loads_is_not_replaced_by_the_draft(page):
    """The draft fills only a form the reader has not started on: text typed while the
    page's pictures still load is the reader's new start."""
    watch_pageshow(page)
    article = make_full_article()
    open_article(page, article)
    fields = comment_fields(page)
    fields["body"].fill("The draft.")

    held = []  # the page's pictures, held back until the reader has typed
    page.route(
        "**/media/**", lambda route: route.continue_() if held is None else held.append(route)
    )
    page.reload(wait_until="domcontentloaded")
    fields["body"].fill("A new start.")
    pictures, held = held, None
    for route in pictures:
        route.continue_()
    wait_for_pageshow(page)
    expect(fields["body"]).to_have_value("A new start.")
    page.reload()
    expect(fields["body"]).to_have_value("A new start.")


@ON_A_PHONE
def test_the_name_and_e_mail_sent_fill_the_next_comment_form_in_that_tab_only(open_browser):
    """A reader replying several times, on a phone, types their name and address once;
    a refused post does not count, and no other tab or reader sees them."""
    article = make_full_article()
    other = make_other_articles(1)[0]
    open_browser.watcher.allow("status of 400")
    context = open_browser()
    context.add_init_script(PAGESHOW_SEEN)
    page = context.new_page()
    loaded_at = open_article(page, article)
    write_comment(
        page, name="Robin", email="robin@example", text="First thoughts.", loaded_at=loaded_at
    )
    fields = comment_fields(page)
    expect(page.locator("form.comment-form").get_by_role("alert")).to_be_visible()

    # Refused, so not sent: the next article's form starts empty...
    page.get_by_role("banner").get_by_role("link", name="Articles").click()
    page.get_by_role("main").get_by_role("link", name=other.title).first.click()
    expect_empty_form(page)
    # ...and the first article's still holds the comment being written.
    loaded_at = open_article(page, article)
    expect(fields["body"]).to_have_value("First thoughts.")
    expect(fields["email"]).to_have_value("robin@example")
    fields["email"].fill("robin@example.com")
    fields["notify"].check()
    post_after_a_pause(page, loaded_at)
    expect(page.get_by_role("status").filter(has_text="awaiting moderation")).to_be_visible()
    assert Comment.objects.get(author_name="Robin").email == "robin@example.com"

    page.get_by_role("banner").get_by_role("link", name="Articles").click()
    page.get_by_role("main").get_by_role("link", name=other.title).first.click()
    expect(fields["name"]).to_have_value("Robin")
    expect(fields["email"]).to_have_value("robin@example.com")
    expect(fields["notify"]).to_be_checked()
    expect(fields["body"]).to_have_value("")

    another_tab = context.new_page()
    another_tab.goto(other.get_absolute_url())
    expect_empty_form(another_tab)
    another_reader = watch_pageshow(open_browser().new_page())
    another_reader.goto(other.get_absolute_url())
    expect_empty_form(another_reader)


@ON_A_PHONE
def test_with_storage_switched_off_the_comment_form_works_as_before(open_browser):
    """Private modes may refuse sessionStorage outright: nothing is kept, and nothing
    fails."""
    context = open_browser()
    context.add_init_script(
        "Object.defineProperty(window, 'sessionStorage', { get() {"
        " throw new DOMException('The operation is insecure.', 'SecurityError'); } });"
    )
    context.add_init_script(PAGESHOW_SEEN)
    page = context.new_page()
    first = write_a_reply_to_jordan(page, "Kept nowhere.")
    page.reload()
    loaded_at = time.monotonic()
    expect_empty_form(page)

    page.get_by_role("link", name="Reply to Jordan").click()
    write_comment(
        page, name="Alex", email="alex@example.com", text="Kept nowhere.", loaded_at=loaded_at
    )
    expect(page.locator(".comment__body").filter(has_text="Kept nowhere.")).to_be_visible()
    assert Comment.objects.get(body="Kept nowhere.").parent_id == first.pk
    page.reload()
    expect_empty_form(page)


@ON_A_PHONE
def test_a_comment_refused_for_now_survives_editing_an_earlier_one(open_browser):
    """Told to wait a moment before sending another comment, the reader mends their
    earlier one meanwhile. Saving the edit leads to that comment's address, as a post
    does, but the comment still waiting to be sent is no post that arrived: it stays."""
    open_browser.watcher.allow("status of 429")
    page = watch_pageshow(open_browser().new_page())
    post_a_reply_to_jordan(page)
    loaded_at = time.monotonic()
    fields = comment_fields(page)
    fields["body"].fill("A second thought, to send in a moment.")
    post_after_a_pause(page, loaded_at)
    expect(page.locator(".form-errors")).to_contain_text("Please wait")

    page.get_by_role("link", name="Edit your comment").click()
    page.get_by_role("textbox", name="Comment", exact=True).fill("A reply, mended.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".comment__body").filter(has_text="A reply, mended.")).to_be_visible()
    wait_for_pageshow(page)
    expect(fields["body"]).to_have_value("A second thought, to send in a moment.")


@ON_A_PHONE
def test_an_author_mends_their_comment_and_a_reload_keeps_the_change(open_browser):
    article = make_full_article()
    make_comment(article, author_name="Robin", email="robin@example.com")  # known to trust
    reader = open_browser().new_page()
    loaded_at = open_article(reader, article)
    write_comment(
        reader,
        name="Robin",
        email="robin@example.com",
        text="The spines grew by 10 precent.",
        loaded_at=loaded_at,
    )
    mine = reader.locator(".comment").filter(has_text="10 precent")
    mine.get_by_role("link", name="Edit your comment").click()

    text = reader.get_by_role("textbox", name="Comment")
    text.fill("The spines grew by about 10 percent.")
    reader.reload()  # a pull-to-refresh on a phone
    expect(text).to_have_value("The spines grew by about 10 percent.")
    reader.get_by_role("button", name="Save changes").click()
    mended = reader.locator(".comment").filter(has_text="about 10 percent.")
    expect(mended).to_contain_text("· edited")
    assert Comment.objects.get(author_name="Robin", body__contains="spines").body == (
        "The spines grew by about 10 percent."
    )
