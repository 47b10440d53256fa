"""The web screening in a real browser, in Ukrainian and in Polish: consent first in the
interview language and recorded, the questions grouped by dimension, a step that
survives a dropped connection, the result explained, and a case opened from it.
axe-core checks every page of the form, the result and the case: no serious or
critical violation."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Model
from django.utils import translation
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from safepath.accounts.models import Organisation, Role, Team, User
from safepath.cases.models import Case
from safepath.people import services as people_services
from safepath.people.models import Consent, Person
from safepath.screening.interview_texts import TEXT_VERSION
from safepath.screening.models import Screening
from tests.browser.conftest import Accessibility, ConsoleErrors, ContextFactory, screenshot
from tests.browser.conftest import in_language as _in
from tests.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "safepath-demo"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _create[M: Model](model: type[M], factory: Any, **fields: Any) -> M:
    obj = factory(**fields)
    assert isinstance(obj, model)
    return obj


def _setup(language: str) -> tuple[User, Person]:
    org = _create(
        Organisation, OrganisationFactory, code="IOM", name="IOM Poland", type="international"
    )
    team = _create(Team, TeamFactory, organisation=org, name="Przemyśl", voivodeship="18")
    caseworker = _create(
        User,
        UserFactory,
        username="caseworker.iom",
        role=Role.CASEWORKER,
        organisation=org,
        team=team,
        password=PASSWORD,
        language=language,
    )
    person = people_services.person_create(
        actor=caseworker,
        data={
            "given_name": "Oksana",
            "family_name": "Melnyk",
            "sex": "female",
            "nationality": "UKR",
            "age_band": "18-59",
        },
    )
    return caseworker, person


def _sign_in(page: Page, base: str, language: str) -> None:
    page.goto(f"{base}/{language}/accounts/login/")
    page.locator("input[name=login]").fill("caseworker.iom")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/{language}/app/")


def _continue(page: Page, language: str) -> None:
    page.locator("main form").get_by_role("button", name=_in(language, "Save and continue")).click()


def _answer(page: Page, code: str, answer: str, language: str) -> None:
    """Tick an answer of one indicator question by its visible label."""
    question = page.locator(
        "fieldset.question", has=page.locator(f"input[name='indicator_{code}']")
    )
    question.get_by_label(_in(language, answer), exact=True).check()


def _screen(
    page: Page,
    context: BrowserContext,
    base: str,
    person: Person,
    *,
    ui: str,
    interview: str,
    axe: Accessibility,
    artifacts_dir: Path,
) -> Screening:
    _sign_in(page, base, ui)
    page.goto(f"{base}/{ui}{person.get_absolute_url()[3:]}")
    page.get_by_role("link", name=_in(ui, "Screen this person")).click()

    # Interview language, chosen apart from the interface language.
    axe.check(page)
    page.get_by_label({"uk": "Українська", "pl": "Polski"}[interview], exact=True).check()
    page.get_by_role("button", name=_in(ui, "Start")).click()

    # Consent first, its text in the interview language, marked as such.
    page.wait_for_url(re.compile(rf"/{ui}/app/screenings/drafts/{UUID}/consent/$"))
    consent_text = page.locator(f"section.consent-text[lang='{interview}']")
    with translation.override(interview):
        question = translation.gettext("Do you agree that we record your answers with your name?")
    expect(consent_text).to_contain_text(question)
    expect(page.locator("main h2", has_text=_in(ui, "Read this to the person"))).to_be_visible()
    axe.check(page)
    page.get_by_label(_in(ui, "Consent given"), exact=True).check()
    page.locator("main form").get_by_role(
        "button", name=_in(ui, "Record the decision and continue")
    ).click()

    # Where and who: the age chooses the adult path.
    page.wait_for_url(re.compile(r"/where/$"))
    axe.check(page)
    page.get_by_label(_in(ui, "Border crossing"), exact=True).check()
    page.get_by_label(_in(ui, "Voivodeship")).select_option("06")
    page.get_by_label(_in(ui, "18 or over"), exact=True).check()
    _continue(page, ui)

    # Deceptive recruitment: the question in the interview language, the catalogue
    # label one click away.
    page.wait_for_url(re.compile(r"/DR/$"))
    first = page.locator("fieldset.question").first
    expect(first.locator(f"legend span[lang='{interview}']")).to_be_visible()
    label = first.locator("details.catalogue-label")
    expect(label.locator("p")).to_be_hidden()
    label.locator("summary").click()
    expect(label.locator("p")).to_be_visible()
    axe.check(page)
    _answer(page, "AL-DR-01", "Yes", ui)
    screenshot(page, artifacts_dir, f"screening-step-{ui}.png")
    _answer(page, "AL-DR-02", "Yes", ui)
    _answer(page, "AL-DR-03", "Don't know", ui)

    # The connection drops while sending: the answers stay on the page, nothing is lost.
    context.set_offline(True)
    _continue(page, ui)
    expect(page.locator("[data-offline-note]")).to_be_visible()
    assert re.search(r"/DR/$", page.url)
    expect(page.locator("input[name='indicator_AL-DR-01'][value=yes]")).to_be_checked()
    context.set_offline(False)
    _continue(page, ui)

    for dimension, yes in (
        ("CR", []),
        ("AV", []),
        ("EX", ["AL-EX-01", "AL-EX-02"]),
        ("CD", ["AL-CD-01", "AL-CD-02"]),
        ("VD", []),
    ):
        page.wait_for_url(re.compile(rf"/{dimension}/$"))
        for code in yes:
            _answer(page, code, "Yes", ui)
        _continue(page, ui)

    page.wait_for_url(re.compile(r"/needs/$"))
    axe.check(page)
    page.get_by_label(_in(ui, "Travelling alone"), exact=True).check()
    page.get_by_label(_in(ui, "Shelter"), exact=True).check()
    _continue(page, ui)

    page.wait_for_url(re.compile(r"/review/$"))
    axe.check(page)
    page.locator("main form").get_by_role("button", name=_in(ui, "Save the screening")).click()

    # The result, explained.
    page.wait_for_url(re.compile(rf"/{ui}/app/screenings/{UUID}/\?finished=1$"))
    main = page.locator("main")
    expect(main.locator("#outcome-heading")).to_have_text(_in(ui, "Possible victim of trafficking"))
    expect(main).to_contain_text(_in(ui, "Next actions"))
    expect(main).to_contain_text("AL-EX-01")
    axe.check(page)
    screenshot(page, artifacts_dir, f"screening-result-{ui}.png", docs=ui == "uk")

    # The next action: open a case, which carries the screening.
    main.get_by_role("button", name=_in(ui, "Open a case")).click()
    page.wait_for_url(re.compile(rf"/{ui}/app/cases/{UUID}/$"))
    expect(page.locator("main")).to_contain_text(_in(ui, "Possible victim of trafficking"))
    expect(page.locator("main h1")).to_contain_text(person.code)
    axe.check(page)
    return Screening.objects.get(person=person)


@pytest.mark.parametrize(("ui", "interview"), [("uk", "uk"), ("pl", "uk")])
def test_screening_in_the_browser_records_consent_and_explains_the_result(
    make_context: ContextFactory,
    live_server: LiveServer,
    console_errors: ConsoleErrors,
    artifacts_dir: Path,
    ui: str,
    interview: str,
) -> None:
    _caseworker, person = _setup(ui)
    # The Polish run is on a phone-sized screen: the form is built for one.
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    context = make_context(
        locale={"uk": "uk-UA", "pl": "pl-PL"}[ui], **(phone if ui == "pl" else {})
    )
    page = console_errors.watch(context.new_page())
    axe = Accessibility()

    screening = _screen(
        page,
        context,
        live_server.url,
        person,
        ui=ui,
        interview=interview,
        axe=axe,
        artifacts_dir=artifacts_dir,
    )

    consent = Consent.objects.get(person=person)
    assert consent.given
    assert consent.purpose == "data_processing"
    assert (consent.language, consent.text_version) == (interview, TEXT_VERSION)
    assert screening.consent == consent
    assert screening.interview_language == interview
    assert screening.indicators == [
        "AL-CD-01",
        "AL-CD-02",
        "AL-DR-01",
        "AL-DR-02",
        "AL-EX-01",
        "AL-EX-02",
    ]
    assert screening.indicators_unknown == ["AL-DR-03"]
    assert screening.result["trafficking_indicated"] is True
    assert (screening.site_type, screening.voivodeship) == ("border_crossing", "06")
    assert axe.pages == 8
    assert Case.objects.get(person=person).screening == screening
    assert axe.problems == []
    assert console_errors.csp_violations() == []
