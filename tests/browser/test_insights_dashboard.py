"""An analyst reads the trends dashboard in the four languages, then one panel's table.

The demo's own data (`safepath demo`, with 60 people): a year of screenings, cases,
assistance and referrals, counted into the rollups.
Screenshots: test-artifacts/insights/dashboard-<language>.png and panel-en.png.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepath.insights.dashboards import PANELS
from tests.browser.conftest import Accessibility, ConsoleErrors, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "safepath-demo"
INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]
SITES = ["border_crossing", "reception_point", "collective_shelter", "transit_point"]
LANGUAGES = ["en", "pl", "uk", "ru"]


def _demo() -> None:
    """The demo `make run` loads (`safepath demo`), smaller: 60 people and their
    screenings, cases, assistance and referrals spread over the past year, 600 anonymous
    screenings, the Podkarpackie rise, the rollups rebuilt and the week's alerts found."""
    call_command("demo", "--people", "60", stdout=StringIO())


def _sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/en/accounts/login/")
    page.locator("input[name=login]").fill("analyst.iom")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/en/app/")


def test_an_analyst_reads_the_dashboard_in_four_languages_and_drills_down(
    page: Page, live_server: LiveServer, console_errors: ConsoleErrors, artifacts_dir: Path
) -> None:
    _demo()
    base = live_server.url
    axe = Accessibility()
    shots = artifacts_dir / "insights"
    shots.mkdir(parents=True, exist_ok=True)
    _sign_in(page, base)

    for language in LANGUAGES:
        page.goto(f"{base}/{language}/app/insights/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        charts = page.locator("main figure.chart svg[role=img]")
        expect(charts).to_have_count(len(PANELS))
        # Drawn figures: bars and lines, not empty frames.
        assert page.locator("main .mark-rect path").count() > 20
        assert page.locator("main .mark-line path").count() >= 2
        # The headline of screenings is a number, not a dash.
        expect(page.locator(".headline-figure").first).to_have_text(re.compile(r"^\d[\d\s]*$"))
        axe.check(page)
        screenshot(page, artifacts_dir, f"insights/dashboard-{language}.png")
        assert (shots / f"dashboard-{language}.png").stat().st_size > 50_000

    # A chart's table for screen readers, then the panel's own page.
    page.goto(f"{base}/en/app/insights/")
    first = page.locator("main section.panel").first
    first.locator("summary").click()
    expect(first.locator("table caption")).to_contain_text("Screenings by month")
    first.get_by_role("link", name="Open the table – Screenings by month").click()
    page.wait_for_url(f"{base}/en/app/insights/screenings-by-month/")
    expect(page.locator("h1")).to_have_text("Screenings by month")
    rows = page.locator("main table.insights-table tbody tr")
    expect(rows).to_have_count(12)
    expect(page.locator("main svg[role=img]")).to_have_count(1)
    axe.check(page)
    screenshot(page, artifacts_dir, "insights/panel-en.png")

    # A filter with a bad month: the form says why, and no chart is drawn.
    page.locator("#id_from_month").evaluate("element => element.type = 'text'")
    page.locator("#id_from_month").fill("2025-13")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".insights-filters .error")).to_have_text("There is no month 13.")
    expect(page.locator("main svg")).to_have_count(0)
    axe.check(page)

    assert axe.pages == len(LANGUAGES) + 2
    assert axe.problems == []
    assert console_errors.csp_violations() == []
