"""Browser fixtures: the system Chromium driven by Playwright against pytest-django's live server.

Chromium is looked up in Debian's locations, or taken from ``LVZHI_CHROMIUM_PATH`` when that is
set (a path that does not exist there means "no browser", which is how the skip is tested).
Without Chromium every test here is skipped, unless ``LVZHI_REQUIRE_BROWSER=1``: then they
fail, so that CI can never lose the browser tests without noticing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from congress.models import User
from tests.factories import TEST_PASSWORD

E2E_DIR = Path(__file__).parent
MISSING_BROWSER = (
    "Chromium is not installed: browser tests skipped; install Debian's chromium package"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The browser sends English on purpose: the UI must be Chinese whatever the header says.
BROWSER_LOCALE = "en-US"
TIMEOUT_MS = 10_000


def find_chromium() -> str | None:
    override = os.environ.get("LVZHI_CHROMIUM_PATH")
    if override is not None:
        return override if os.access(override, os.X_OK) else None
    for candidate in ("/usr/lib/chromium/chromium", "/usr/bin/chromium"):
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


def browser_required() -> bool:
    return os.environ.get("LVZHI_REQUIRE_BROWSER") == "1"


def _in_this_folder(item: pytest.Item) -> bool:
    return E2E_DIR in Path(item.path).parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items, not only this folder's.
    skip = None
    if find_chromium() is None and not browser_required():
        skip = pytest.mark.skip(reason=MISSING_BROWSER)
    for item in items:
        if _in_this_folder(item):
            item.add_marker(pytest.mark.e2e)
            if skip is not None:
                item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    # Kept on the item so that the page fixture can tell, at teardown, whether the test failed.
    report = yield
    if _in_this_folder(item):
        setattr(item, f"report_{report.when}", report)
    return report


# One browser for the whole folder. Package scope rather than session scope, because while
# Playwright's sync API is alive its event loop counts as running in the main thread: Django
# then refuses ORM calls, so the loop and the override below must end with this folder instead
# of reaching the tests that run after it.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.fail(
            "Chromium is not installed, and LVZHI_REQUIRE_BROWSER=1 says the browser tests "
            "must run; install Debian's chromium package",
            pytrace=False,
        )
    expect.set_options(timeout=TIMEOUT_MS)
    # Test setup, teardown and the live server use the ORM from threads where Django sees
    # Playwright's loop running; nothing here is really async, so the check is lifted.
    with (
        pytest.MonkeyPatch.context() as patch,
        sync_playwright() as playwright,
    ):
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _open_page(request, browser: Browser, live_server, **context_options) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(
        base_url=live_server.url, locale=BROWSER_LOCALE, **context_options
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            folder = request.config.rootpath / "test-results"
            folder.mkdir(exist_ok=True)
            name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.name)
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def phone_page(request, browser: Browser, live_server) -> Iterator[Page]:
    """A deputy's phone: small, dense pixels, touch."""
    yield from _open_page(
        request,
        browser,
        live_server,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


@pytest.fixture
def desktop_page(request, browser: Browser, live_server) -> Iterator[Page]:
    """A staff member's office screen."""
    yield from _open_page(request, browser, live_server, viewport={"width": 1366, "height": 900})


def submit_login(page: Page, username: str, password: str) -> None:
    """Fill and send the real sign-in form, waiting for the page it leads to."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()


@pytest.fixture
def sign_in():
    """sign_in(page, user[, password]): through the login page, as a person would."""

    def sign_in(page: Page, user: User, password: str = TEST_PASSWORD) -> None:
        submit_login(page, user.username, password)

    return sign_in
