"""An analyst reads the trends dashboard in the four languages, then one panel's table.

Demo-like data: screenings (some with a person, most anonymous) and cases of one
organisation over the last months and the year before, counted into the rollups.
Screenshots: test-artifacts/insights/dashboard-<language>.png and panel-en.png.
"""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepath.accounts.models import Organisation, Role, Team, User
from safepath.cases.services import case_open, case_update
from safepath.insights.dashboards import PANELS
from safepath.insights.rollups.build import rebuild
from safepath.people.services import consent_record, person_create
from safepath.screening.models import Screening
from safepath.screening.services import Location, screening_create
from tests.browser.conftest import Accessibility, ConsoleErrors, screenshot
from tests.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "safepath-demo"
INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]
SITES = ["border_crossing", "reception_point", "collective_shelter", "transit_point"]
LANGUAGES = ["en", "pl", "uk", "ru"]


def _create[M: Model](model: type[M], factory: Any, **fields: Any) -> M:
    obj = factory(**fields)
    assert isinstance(obj, model)
    return obj


def _demo() -> None:
    """About 120 screenings and 24 cases of one organisation, spread over this period
    and the one before, then the rollups rebuilt."""
    org = _create(
        Organisation, OrganisationFactory, code="IOM", name="IOM Poland", type="international"
    )
    team = _create(Team, TeamFactory, organisation=org, name="Warsaw", voivodeship="14")
    caseworker = _create(
        User,
        UserFactory,
        username="caseworker.iom",
        role=Role.CASEWORKER,
        organisation=org,
        team=team,
    )
    _create(
        User,
        UserFactory,
        username="analyst.iom",
        role=Role.ANALYST,
        organisation=org,
        team=None,
        password=PASSWORD,
    )
    today = timezone.localdate()
    made: list[int] = []
    for n in range(24):
        person = person_create(
            actor=caseworker,
            data={
                "given_name": f"Demo{n}",
                "family_name": "Person",
                "sex": "female" if n % 3 else "male",
                "nationality": "UKR" if n % 4 else "BLR",
                "voivodeship": "14" if n % 2 else "06",
                "date_of_birth": datetime.date(1970 + n, 5, 1),
            },
        )
        consent_record(
            actor=caseworker,
            person=person,
            purpose="data_processing",
            given=True,
            method="written",
            date=today,
        )
        screening = screening_create(
            actor=caseworker,
            person=person,
            catalogue="AL",
            indicators=INDICATED,
            act=False,
            factors=[],
            needs=[],
            consent=None,
            location=Location(site_type=SITES[n % 2], voivodeship="14" if n % 2 else "06"),
        )
        made.append(screening.pk)
        case = case_open(actor=caseworker, person=person)
        case_update(
            actor=caseworker,
            case=case,
            data={
                "exploitation_types": ["ForcedLabour"] if n % 3 else ["SexualExploitation"],
                "means_of_control": ["DebtBondage", "WithholdsDocuments"],
                "forced_labour_industries": ["F_Construction"] if n % 3 else [],
                "recruitment_methods": ["ThroughOnlineSocialNetworks"],
            },
            expected_version=case.version,
        )
    for n in range(96):
        screening = screening_create(
            actor=caseworker,
            person=None,
            catalogue="AL",
            indicators=INDICATED if n % 3 == 0 else [],
            act=False,
            factors=[],
            needs=[],
            consent=None,
            location=Location(site_type=SITES[n % 4], voivodeship=["14", "06", "12"][n % 3]),
        )
        made.append(screening.pk)
    # Spread the screenings over six months of this period and six of the one before.
    now = timezone.now()
    for index, pk in enumerate(made):
        months_back = index % 6 + (13 if index % 4 == 0 else 0)
        Screening.objects.filter(pk=pk).update(
            created_at=now - datetime.timedelta(days=30 * months_back)
        )
    rebuild()


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
        expect(page.locator(".headline-figure").first).to_have_text("90")
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
