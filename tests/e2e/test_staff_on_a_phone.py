"""Staff in the roles the site ships with, working from a phone: a moderator on the comment
queue, an editor mending an article."""

import importlib
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from tests.e2e.test_staff_journeys import STAFF_PASSWORD, sign_in
from tests.factories import make_article, make_comment

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("viewport", ["phone"])]

# A small phone, as staff carry them, and a tablet upright.
SMALL_PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2}
TABLET = {"viewport": {"width": 800, "height": 1280}}


def role_member(django_user_model, role):
    """A staff account in one of the roles the migration makes. Browser tests empty the
    database after each test, groups with it, so the role is made again as shipped."""
    roles = importlib.import_module("articles.migrations.0011_staff_roles").ROLES
    group, created = Group.objects.get_or_create(name=role)
    if created:
        for model, actions in roles[role].items():
            app_label, model_name = model.split(".")
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model_name}" for action in actions],
                )
            )
    user = django_user_model.objects.create_user(
        role.lower(), f"{role.lower()}@example.com", STAFF_PASSWORD, is_staff=True
    )
    user.groups.add(group)
    return user


def test_the_editors_buttons_stay_in_reach_while_mending_a_long_article(
    open_browser, django_user_model
):
    """A phone shows a few lines of a long article at a time: the bold, list and link
    buttons follow the text down, rather than staying at its top, a long scroll away."""
    paragraphs = "".join(f"<p>Paragraph {number} of a long article.</p>" for number in range(60))
    article = make_article(body=paragraphs + "<p>The last line.</p>")
    editor_account = role_member(django_user_model, "Editors")
    staff = open_browser(**SMALL_PHONE).new_page()
    sign_in(staff, editor_account, tap=True)
    staff.goto(reverse("admin:articles_article_change", args=[article.pk]))

    last_line = staff.locator(".ProseMirror p").last
    last_line.scroll_into_view_if_needed()
    last_line.tap()
    bold = staff.get_by_role("button", name="bold")
    expect(bold).to_be_in_viewport()
    staff.keyboard.press("End")
    bold.tap()
    staff.keyboard.type(" Corrected.")
    staff.get_by_role("button", name="Save", exact=True).first.tap()

    expect(staff.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.body.endswith("<p>The last line.<strong> Corrected.</strong></p>")


def test_a_moderator_reads_each_held_comment_whole_and_ticks_it_with_a_thumb(
    open_browser, django_user_model
):
    """The queue was a table twice the screen's width: who wrote a comment, and on which
    article, were a sideways scroll away, and its boxes a 13-pixel target."""
    article = make_article(title="One dose of psilocybin grew lasting new connections in mice")
    held = [
        make_comment(
            article,
            author_name=f"Reader with a fairly long name {number}",
            email=f"a.long.address.for.reader{number}@a-long-domain-name.example.org",
            body="I tried this for three weeks and it changed how I sleep. " * 2,
            status=Comment.Status.PENDING,
        )
        for number in range(3)
    ]
    moderator = role_member(django_user_model, "Moderators")
    staff = open_browser(**SMALL_PHONE).new_page()
    sign_in(staff, moderator, tap=True)
    staff.goto(reverse("admin:comments_comment_changelist"))

    newest = staff.locator("#result_list tbody tr").first
    newest.scroll_into_view_if_needed()
    expect(newest.get_by_text(held[-1].author_name)).to_be_in_viewport(ratio=1)
    expect(newest.get_by_role("link", name=article.title)).to_be_in_viewport(ratio=1)
    expect(newest.get_by_text(held[-1].email)).to_be_in_viewport(ratio=1)

    for row in staff.locator("#result_list tbody tr").all()[:2]:
        box = row.get_by_role("checkbox").bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
        row.get_by_role("checkbox").tap()
    staff.get_by_label("Action:").select_option(label="Mark selected comments as spam")
    staff.get_by_role("button", name="Go").tap()

    expect(staff.locator(".messagelist")).to_contain_text("2 comments marked as spam.")
    statuses = [Comment.objects.get(pk=comment.pk).status for comment in held]
    assert statuses == [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.SPAM]


def test_the_queue_fits_a_tablet_with_its_reader_request_actions(open_browser, django_user_model):
    """Beside the admin's menu and the filters, the action menu, as wide as its longest
    entry, made the whole page scroll sideways."""
    article = make_article()
    comment = make_comment(article, status=Comment.Status.PENDING)
    moderator = role_member(django_user_model, "Moderators")
    staff = open_browser(**TABLET).new_page()
    sign_in(staff, moderator, tap=True)
    staff.goto(reverse("admin:comments_comment_changelist"))

    assert staff.evaluate("document.documentElement.scrollWidth") <= 800
    actions = staff.get_by_label("Action:")
    expect(actions).to_be_in_viewport(ratio=1)
    staff.get_by_role("checkbox", name=re.compile(comment.author_name)).tap()
    actions.select_option(
        label="Stop all e-mails to the selected comments' authors (a reader's request)"
    )
    staff.get_by_role("button", name="Go").tap()
    expect(staff.locator(".messagelist")).to_contain_text(f"No more e-mails go to {comment.email}")
