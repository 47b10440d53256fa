"""Browser journeys: Debian's headless Chromium driven by Playwright against a live server.

The browser never reaches the network: every request to a host other than the
live server is answered here with a small neutral page (DESIGN.md §6).
"""

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Route
from pytest_django.live_server_helper import LiveServer
from pytest_playwright.pytest_playwright import CreateContextCallback

# The sync Playwright API runs an event loop in the test thread; Django refuses
# database access from such a thread unless told it is fine (it is: one thread).
# It is set for the whole run on purpose: pytest-playwright keeps its loop open until
# the session ends, so tests collected after these would otherwise fail. Subprocesses
# that must look like a deployment drop it (tests/core/test_production_settings.py).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PROJECT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts"
DOCS_SCREENSHOTS_DIR = PROJECT_DIR / "docs" / "screenshots"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

NEUTRAL_TITLE = "Weather"
NEUTRAL_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
    f"<title>{NEUTRAL_TITLE}</title></head><body><p>Sunny, 21 °C.</p></body></html>"
)

ContextFactory = Callable[..., BrowserContext]

# axe-core impacts a journey must not have.
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Launch options of the session's one Chromium (pytest-playwright's `browser`)."""
    return {"executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    """Options of every context; replaces pytest-playwright's (no base_url, no device)."""
    return {"service_workers": "block"}


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS_DIR / ".gitkeep").touch()
    return ARTIFACTS_DIR


def screenshot(page: Page, artifacts_dir: Path, name: str, *, docs: bool = False) -> Path:
    """Save a full-page screenshot under test-artifacts/. The README's copies in
    docs/screenshots/ are refreshed only with SAFEPATH_UPDATE_SCREENSHOTS=1, so that a
    test run does not leave tracked files changed (timestamps and codes differ each run)."""
    path = artifacts_dir / name
    page.screenshot(path=str(path), full_page=True)
    if docs and os.environ.get("SAFEPATH_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS_DIR / name)
    return path


def _isolate(context: BrowserContext, origin: str) -> None:
    """Answer every request that is not for the live server with a neutral page."""

    def is_outside(url: str) -> bool:
        return not (url == origin or url.startswith(origin + "/"))

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=NEUTRAL_PAGE)

    context.route(is_outside, fulfil)


@pytest.fixture
def make_context(
    transactional_db: None, live_server: LiveServer, new_context: CreateContextCallback
) -> ContextFactory:
    """New browser contexts (e.g. with a locale), each cut off from the network."""

    def _make(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        _isolate(context, live_server.url)
        return context

    return _make


@pytest.fixture
def context(make_context: ContextFactory) -> BrowserContext:
    return make_context(locale="en-GB")


class ConsoleErrors:
    """Console messages of type error from the pages it watches."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Page) -> Page:
        def record(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.messages.append(message.text)

        page.on("console", record)
        return page

    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "content security policy" in m.lower()]


@pytest.fixture
def console_errors() -> ConsoleErrors:
    return ConsoleErrors()


@pytest.fixture
def page(context: BrowserContext, console_errors: ConsoleErrors) -> Page:
    return console_errors.watch(context.new_page())


def in_language(language: str, text: str) -> str:
    """The interface text in `language`; it must be translated, not fall back to English."""
    with translation.override(language):
        translated = translation.gettext(text)
    assert translated != text, f"not translated into {language}: {text!r}"
    return translated


class Accessibility:
    """axe-core over each page visited; the blocking violations, with where they are."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.problems: list[str] = []
        self.pages = 0

    def check(self, page: Page) -> None:
        self.pages += 1
        results = self.axe.run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in BLOCKING:
                targets = [node["target"] for node in violation["nodes"]]
                self.problems.append(
                    f"{page.url}: {violation['id']} ({violation['impact']}) {targets}"
                )
