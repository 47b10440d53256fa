"""The browser's language chooses the language prefix of the public site."""

import pytest
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import ConsoleErrors, ContextFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("locale", "language"),
    [("pl-PL", "pl"), ("uk-UA", "uk"), ("de-DE", "en")],
)
def test_visitor_lands_in_the_language_of_their_browser(
    make_context: ContextFactory,
    live_server: LiveServer,
    console_errors: ConsoleErrors,
    locale: str,
    language: str,
) -> None:
    page = console_errors.watch(make_context(locale=locale).new_page())
    response = page.goto(f"{live_server.url}/")
    assert response is not None
    assert response.status == 200
    assert page.url == f"{live_server.url}/{language}/"
    expect(page.locator("html")).to_have_attribute("lang", language)
    current = page.locator("header .language-links a[aria-current=true]")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("lang", language)
    assert console_errors.csp_violations() == []
