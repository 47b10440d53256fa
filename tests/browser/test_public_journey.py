"""A visitor of the public site in Ukrainian: help lines, finding help, and quick exit."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import NEUTRAL_TITLE, ConsoleErrors, screenshot

pytestmark = pytest.mark.browser

# Where the visitor came from: outside the live server, so answered by the neutral page.
SEARCH_PAGE = "https://search.example/?q=work+in+poland"


def test_public_home_shows_the_help_lines(
    page: Page, live_server: LiveServer, console_errors: ConsoleErrors, artifacts_dir: Path
) -> None:
    response = page.goto(f"{live_server.url}/uk/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    helplines = page.locator("aside.helplines")
    expect(helplines.locator("a[href='tel:+48224902044']")).to_have_text("+48 22 490 20 44")
    expect(helplines.locator("a[href='tel:112']")).to_have_text("112")
    expect(helplines.locator("a[href='tel:+48224902044']")).to_be_visible()
    expect(helplines.locator("a[href='tel:112']")).to_be_visible()
    expect(page.locator("#quick-exit")).to_be_visible()
    expect(page.locator("#quick-exit")).to_have_attribute(
        "data-exit-url", settings.SAFEPATH_QUICK_EXIT_URL
    )
    screenshot(page, artifacts_dir, "public-home-uk.png", docs=True)
    assert console_errors.csp_violations() == []


@pytest.mark.parametrize("how", ["escape", "button"])
def test_quick_exit_leaves_nothing_to_go_back_to(
    page: Page, live_server: LiveServer, console_errors: ConsoleErrors, how: str
) -> None:
    exit_url = settings.SAFEPATH_QUICK_EXIT_URL
    assert not exit_url.startswith(live_server.url)

    page.goto(SEARCH_PAGE)
    expect(page).to_have_title(NEUTRAL_TITLE)
    page.goto(f"{live_server.url}/uk/")
    expect(page.locator("html")).to_have_attribute("lang", "uk")

    # An internal link replaces the current history entry instead of adding one.
    page.locator("main a[href='/uk/find-help/']").click()
    page.wait_for_url(f"{live_server.url}/uk/find-help/")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator("aside.helplines")).to_contain_text("+48 22 490 20 44")
    # So does a search (a GET form).
    page.locator("form.find-help-form button[type='submit']").click()
    page.wait_for_url(f"{live_server.url}/uk/find-help/?**")

    if how == "escape":
        page.keyboard.press("Escape")
    else:
        page.locator("#quick-exit").click()
    page.wait_for_url(exit_url)
    expect(page).to_have_title(NEUTRAL_TITLE)

    # Back goes to where the visitor was before safepath, not to safepath.
    page.go_back()
    assert page.url == SEARCH_PAGE
    assert not page.url.startswith(live_server.url)
    assert console_errors.csp_violations() == []
