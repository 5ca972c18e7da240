"""Browser tests: Playwright drives Debian's Chromium against one live server per run.

Nothing here downloads a browser: Chromium comes from `apt-get install chromium`, and
the judges (axe-core, the Nu Html Checker) from `npm ci`. Without them the tests skip
with the reason; with CI=true they fail instead, so CI can never pass by skipping.
"""

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
NODE_MODULES = BASE_DIR / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
IN_CI = os.environ.get("CI", "").lower() == "true"

# Root in a container has no user namespace for Chromium's sandbox; the rest keeps a
# headless run quiet and offline (no updates, sync or background requests).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
# Readers use an ordinary browser: headless Chromium names itself "HeadlessChrome", which
# the site rightly treats as automated (its program clicks are not counted).
USER_AGENTS = {
    "phone": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/{version} Mobile Safari/537.36",
    "desktop": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/{version} Safari/537.36",
}

# Chromium reports a blocked script or style as a console error; this makes the report
# unmistakable, with the directive that blocked it.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def require(condition: bool, reason: str) -> None:
    """Skip with `reason` when something the test needs is missing; fail in CI."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run the browser tests, but {reason}", pytrace=False)
    pytest.skip(reason)


def chromium_missing_reason():
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    return None


def node_package_missing_reason(path):
    if not path.exists():
        return f"{path.relative_to(BASE_DIR)} is missing (run `npm ci` at the top of the checkout)"
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # The browser runs an event loop in the main thread until the session ends (see
    # `browser`), so browser tests go last: no other test ever runs beside that loop.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    reason = chromium_missing_reason()
    require(reason is None, reason)
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an event loop running in this thread, and Django
    # refuses ORM calls from a thread with a running loop; every call here is synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@dataclass
class Watcher:
    """Console errors, uncaught exceptions and CSP violations seen on any page."""

    problems: list = field(default_factory=list)
    allowed: list = field(default_factory=list)

    def console(self, message):
        if message.type == "error":
            text = f"{message.text} (at {message.location.get('url', '?')})"
            if not any(allowed in text for allowed in self.allowed):
                self.problems.append(text)

    def page_error(self, error):
        self.problems.append(f"uncaught: {error}")

    def allow(self, text):
        """An error the test expects, e.g. the 404 status of a page it visits on purpose."""
        self.allowed.append(text)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Staff sign in through the real form in these tests; the production hasher's
    # deliberate slowness would only slow the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The comment form refuses a post sent within FORM_MIN_SECONDS of loading it;
# tests/comments/test_abuse.py holds that rule at its real two seconds. A browser journey
# waits out a shorter minimum instead, so its posts still pass the same check.
JOURNEY_FORM_MIN_SECONDS = 0.5


@pytest.fixture(autouse=True)
def _shorter_form_minimum(monkeypatch):
    from comments import moderation

    monkeypatch.setattr(moderation, "FORM_MIN_SECONDS", JOURNEY_FORM_MIN_SECONDS)


@pytest.fixture(params=list(VIEWPORTS), ids=lambda name: name)
def viewport(request):
    return request.param


@pytest.fixture
def open_browser(browser, live_server, viewport):
    """A factory of browser contexts at the test's viewport, each watched for console
    errors and CSP violations; the test fails if any page showed one."""
    contexts = []
    watcher = Watcher()

    def new_context(*, axe=False, **options):
        context = browser.new_context(
            base_url=live_server.url,
            user_agent=USER_AGENTS[viewport].format(version=browser.version),
            **VIEWPORTS[viewport] | options,
        )
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_WATCH)
        if axe:
            context.add_init_script(path=str(AXE_SCRIPT))
        context.on("console", watcher.console)
        context.on("weberror", lambda web_error: watcher.page_error(web_error.error))
        contexts.append(context)
        return context

    new_context.watcher = watcher
    new_context.viewport = viewport
    yield new_context
    for context in contexts:
        context.close()
    assert not watcher.problems, "Console errors or CSP violations:\n" + "\n".join(watcher.problems)


@pytest.fixture
def page(open_browser):
    """One page of a fresh browser context: a reader with no cookies."""
    return open_browser().new_page()


@pytest.fixture
def java():
    path = shutil.which("java")
    require(path is not None, "Java is not installed (the Nu Html Checker needs it)")
    reason = node_package_missing_reason(VNU_JAR)
    require(reason is None, reason)
    return path
