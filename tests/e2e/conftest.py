"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser) against pytest-django's live
server, at a phone's 360 x 740 viewport."""

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
def phone(live_server, monkeypatch):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, so Django would refuse the test's own (plain,
    # synchronous) ORM calls while the browser is open. Set for this test only: no other test or subprocess
    # inherits it, and the browser is closed before the database is flushed.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", base_url=live_server.url)
        yield context.new_page()
        context.close()
        browser.close()
        # While the loop runs, Django keeps database connections per context rather than per thread; close the
        # ones the test opened here, or they outlive the test and block dropping the test database.
        connections.close_all()
