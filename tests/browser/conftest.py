"""Browser tests: Debian chromium driven by Playwright. ONEWINDOW_REQUIRE_BROWSER=1 (as in CI) makes a
missing chromium a failure instead of a skip."""

import os
import shutil

import pytest

CHROMIUM = (
    os.environ.get("ONEWINDOW_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
# Playwright's sync API runs an event loop in the test's thread; the tests only read the database there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM or os.environ.get("ONEWINDOW_REQUIRE_BROWSER"):
        return
    skip = pytest.mark.skip(reason="chromium is not installed (apt install chromium)")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser(live_server):
    # Depends on the live server so that it closes first: the server must not stop under open connections.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


from onewindow.trading.tests.fixtures import parties, start_guarantor, tender  # noqa: E402, F401 (fixtures)
