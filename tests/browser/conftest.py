"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage

from claims import access
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery staple"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: run `make system-packages` (Debian package `chromium`).")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        # caret="initial": hiding the caret leaves style attributes on inputs, which htmx then copies
        # onto swapped-in elements, and the Content-Security-Policy refuses.
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    return take


def log_in_page(page, live_server, username: str = "alice") -> None:
    """Log `page` in through the login form (for pages of a context a test opens itself)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def log_in(page, live_server):
    def as_user(username: str) -> None:
        log_in_page(page, live_server, username)

    return as_user


@pytest.fixture
def log_out(page):
    def leave() -> None:
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url("**/accounts/login/")

    return leave


@pytest.fixture
def dave(team):
    """An editor and reviewer, so one person can try to publish their own verdict."""
    return UserFactory(username="dave", roles=[access.EDITOR, access.REVIEWER], teams=[team])


@pytest.fixture
def csp_violations(page) -> list[str]:
    """What the browser refused under the Content-Security-Policy (inline script, style or handler),
    as Chromium reports it on the console."""
    refused: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            where = message.location
            refused.append(f"{message.text} ({where.get('url')}:{where.get('lineNumber')})")

    page.on("console", heard)
    return refused


@pytest.fixture(autouse=True)
def csp_respected(csp_violations):
    """Every browser test runs with the policy on and fails if a page broke it."""
    yield
    assert not csp_violations, f"Content-Security-Policy violations: {csp_violations}"
