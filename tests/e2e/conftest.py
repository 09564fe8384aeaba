"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser) against pytest-django's live
server, at a phone's 360 x 740 (`phone`) or an office screen's 1366 x 768 (`desk`)."""

import shutil

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in item.nodeid.split("::")[0]:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def browser_page(live_server, monkeypatch, request):
    """Open a page at a given viewport: `browser_page(width, height, **context_options)`; the browser closes after the
    test.

    `@pytest.mark.chromium_args("--switch", ...)` on a test adds switches to its browser's command line."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, so Django would refuse the test's own (plain,
    # synchronous) ORM calls while the browser is open. Set for this test only: no other test or subprocess
    # inherits it, and the browser is closed before the database is flushed.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        marker = request.node.get_closest_marker("chromium_args")
        args = CHROMIUM_ARGS + (list(marker.args) if marker else [])
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        contexts = []
        # Chromium reports what the Content-Security-Policy blocked on the console: every such line fails the test,
        # so a script or style that stops working under the enforced policy cannot go unnoticed.
        policy_violations = []

        def open_page(width, height, **context_options):
            # `context_options` for Playwright's new_context, e.g. device_scale_factor=2 for a page zoomed to 200%.
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="zh-CN", base_url=live_server.url, **context_options
            )
            contexts.append(context)
            page = context.new_page()
            page.on("console", lambda message: _note_policy_violation(message, policy_violations))
            return page

        yield open_page
        for context in contexts:
            context.close()
        browser.close()
        # While the loop runs, Django keeps database connections per context rather than per thread; close the
        # ones the test opened here, or they outlive the test and block dropping the test database.
        connections.close_all()
        assert policy_violations == [], "the Content-Security-Policy blocked something on these pages"


def _note_policy_violation(message, violations):
    if "Content Security Policy" in message.text:
        violations.append(f"{message.location.get('url', '')}: {message.text}")


@pytest.fixture
def phone(browser_page):
    """A job seeker's phone: 360 x 740."""
    return browser_page(360, 740)


@pytest.fixture
def desk(browser_page):
    """A clerk's or dispatcher's office screen: 1366 x 768."""
    return browser_page(1366, 768)
