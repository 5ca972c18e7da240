"""axe-core finds no WCAG 2.1 A/AA violation on any kind of public page, at phone and
desktop widths."""

import pytest

from tests.e2e.conftest import AXE_SCRIPT, node_package_missing_reason, require
from tests.e2e.content import judged_pages
from tests.e2e.judges import axe_violations

pytestmark = pytest.mark.e2e


def test_public_pages_have_no_accessibility_violations(open_browser):
    reason = node_package_missing_reason(AXE_SCRIPT)
    require(reason is None, reason)
    open_browser.watcher.allow("status of 404")
    page = open_browser(axe=True).new_page()
    found = {}
    for name, url in judged_pages().items():
        page.goto(url)
        if violations := axe_violations(page):
            found[name] = violations
    assert not found, "\n".join(
        f"{name}:\n  " + "\n  ".join(violations) for name, violations in found.items()
    )
