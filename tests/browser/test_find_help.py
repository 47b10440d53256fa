"""A visitor looks for help on a phone, in Ukrainian and in Polish: the search form,
results and no results pass axe-core, the help lines and quick exit stay in view, the
whole page is under 200 kB, and the search works with JavaScript switched off."""

from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect
from pytest_django.live_server_helper import LiveServer

from safepath.directory import hours
from safepath.directory.hours import WARSAW
from tests.browser.conftest import (
    Accessibility,
    ConsoleErrors,
    ContextFactory,
    screenshot,
)
from tests.directory.find_help_data import demo_like_directory, small_directory

pytestmark = pytest.mark.browser

WED_10 = datetime(2025, 5, 14, 10, 0, tzinfo=WARSAW)
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
LIMIT = 200 * 1024


@pytest.fixture
def find_help_data(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hours, "current_time", lambda: WED_10)
    small_directory()
    demo_like_directory(21)


class Weight:
    """Bytes of every response the page loaded (HTML, CSS, scripts, fonts, images)."""

    def __init__(self, page: Page) -> None:
        self.bytes = 0
        self.urls: list[str] = []
        page.on("response", self._count)

    def _count(self, response: Response) -> None:
        self.urls.append(response.url)
        self.bytes += len(response.body())

    def reset(self) -> None:
        self.bytes = 0
        self.urls = []


def _search(page: Page, **choices: str) -> None:
    """Fill the form by its fields' ids (the labels' words wait for the translators)."""
    form = page.locator("form.find-help-form")
    if "voivodeship" in choices:
        form.locator("#id_voivodeship").select_option(choices["voivodeship"])
    if "city" in choices:
        form.locator("#id_city").fill(choices["city"])
    if "service_type" in choices:
        form.locator("#id_service_type").select_option(choices["service_type"])
    if choices.get("open_now"):
        form.locator("#id_open_now").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")


@pytest.mark.parametrize("language", ["uk", "pl"])
def test_find_help_on_a_phone_is_accessible_light_and_keeps_help_in_view(
    make_context: ContextFactory,
    live_server: LiveServer,
    console_errors: ConsoleErrors,
    artifacts_dir: Path,
    find_help_data: None,
    language: str,
) -> None:
    context = make_context(locale={"uk": "uk-UA", "pl": "pl-PL"}[language], **PHONE)
    page = console_errors.watch(context.new_page())
    weight = Weight(page)
    axe = Accessibility()

    # The empty search.
    page.goto(f"{live_server.url}/{language}/find-help/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#results-heading")).to_have_count(0)
    axe.check(page)
    screenshot(page, artifacts_dir, f"find-help-empty-{language}.png")

    # Results: shelters in Mazowieckie, open now (a full page of 20).
    weight.reset()
    _search(page, voivodeship="14", service_type="shelter", open_now="on")
    results = page.locator("ol.results > li")
    expect(results).to_have_count(20)
    expect(page.locator("#results-heading")).to_be_visible()
    first = results.first
    expect(first.locator("a.tel")).to_have_attribute("href", "tel:+48221000101")
    expect(first.locator(".badge-open")).to_be_visible()
    expect(page.locator("nav.pager")).to_be_visible()
    axe.check(page)
    assert weight.bytes < LIMIT, f"{weight.bytes} bytes: {weight.urls}"
    assert all(url.startswith(live_server.url) for url in weight.urls), weight.urls
    screenshot(page, artifacts_dir, f"find-help-results-{language}.png")

    # Scrolled to the end of the list, the help lines and quick exit are still on screen.
    results.last.scroll_into_view_if_needed()
    for locator in (
        page.locator("aside.helplines a[href='tel:+48224902044']"),
        page.locator("aside.helplines a[href='tel:112']"),
        page.locator("#quick-exit"),
    ):
        expect(locator).to_be_in_viewport()

    # No results: a kind of help nobody offers in Podkarpackie.
    _search(page, voivodeship="18", service_type="education")
    expect(page.locator("ol.results")).to_have_count(0)
    expect(page.locator(".no-results")).to_be_visible()
    axe.check(page)
    screenshot(page, artifacts_dir, f"find-help-none-{language}.png")

    assert axe.pages == 3
    assert axe.problems == []
    assert console_errors.csp_violations() == []
    assert context.cookies() == []


def test_find_help_works_without_javascript(
    make_context: ContextFactory,
    live_server: LiveServer,
    artifacts_dir: Path,
    find_help_data: None,
) -> None:
    context = make_context(locale="uk-UA", java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/uk/find-help/")
    _search(page, city="Краків")
    results = page.locator("ol.results > li")
    expect(results).to_have_count(2)
    expect(results.first.locator("h3")).to_have_text("Безпечний дім Краків")
    expect(results.first).to_contain_text("Пн–Пт 09:00–17:00")
    expect(results.first.locator("a.tel")).to_have_attribute("href", "tel:+48123456789")
    expect(results.nth(1).locator("h3")).to_have_text("Лінія допомоги")
    screenshot(page, artifacts_dir, "find-help-no-script-uk.png")
    assert context.cookies() == []
