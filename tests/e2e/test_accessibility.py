"""axe-core finds no WCAG 2.1 A/AA violation on any kind of public page, at phone and
desktop widths."""

import time

import pytest

from tests.e2e.conftest import AXE_SCRIPT, node_package_missing_reason, require
from tests.e2e.content import judged_pages, make_conversation, make_full_article
from tests.e2e.judges import axe_violations
from tests.e2e.test_comment_journeys import write_comment

pytestmark = pytest.mark.e2e


@pytest.fixture
def color_scheme():
    return "light"


@pytest.fixture
def axe_page(open_browser, color_scheme):
    reason = node_package_missing_reason(AXE_SCRIPT)
    require(reason is None, reason)
    return open_browser(axe=True, color_scheme=color_scheme).new_page()


# Phones at night ask for the dark scheme.
PHONE_IN_THE_DARK = pytest.mark.parametrize(("viewport", "color_scheme"), [("phone", "dark")])


def report(found):
    return "\n".join(f"{name}:\n  " + "\n  ".join(violations) for name, violations in found.items())


def test_public_pages_have_no_accessibility_violations(axe_page, open_browser):
    open_browser.watcher.allow("status of 404")
    found = {}
    for name, url in judged_pages().items():
        axe_page.goto(url)
        if violations := axe_violations(axe_page):
            found[name] = violations
    assert not found, report(found)


@PHONE_IN_THE_DARK
def test_public_pages_in_the_dark_scheme_have_no_accessibility_violations(axe_page, open_browser):
    """Its colours keep their contrast, and the page really is dark (not the light page
    with a few colours changed)."""
    open_browser.watcher.allow("status of 404")
    found = {}
    for name, url in judged_pages().items():
        axe_page.goto(url)
        background = axe_page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(18, 22, 20)", name
        if violations := axe_violations(axe_page):
            found[name] = violations
    assert not found, report(found)


@pytest.mark.parametrize(
    ("viewport", "color_scheme"), [("phone", "light"), ("desktop", "light"), ("phone", "dark")]
)
def test_comment_form_error_and_moderation_notice_are_accessible(axe_page, open_browser):
    open_browser.watcher.allow("status of 400")
    article = make_full_article()
    make_conversation(article)
    found = {}

    axe_page.goto(article.get_absolute_url())
    write_comment(
        axe_page, name="Alex", email="alex@example", text="A question.", loaded_at=time.monotonic()
    )
    axe_page.locator("form.comment-form").get_by_role("alert").wait_for()
    loaded_at = time.monotonic()
    if violations := axe_violations(axe_page):
        found["article with a comment form error"] = violations

    write_comment(
        axe_page, name="Alex", email="alex@example.com", text="A question.", loaded_at=loaded_at
    )
    notice = axe_page.get_by_role("status").filter(has_text="awaiting moderation")
    notice.wait_for()
    if violations := axe_violations(axe_page):
        found["moderation notice"] = violations

    notice.get_by_role("link", name="Edit your comment").click()
    axe_page.get_by_role("textbox", name="Comment").fill("A question, put better.")
    if violations := axe_violations(axe_page):
        found["comment edit page"] = violations
    axe_page.get_by_role("button", name="Save changes").click()
    notice.filter(has_text="A question, put better.").wait_for()
    assert not found, report(found)
