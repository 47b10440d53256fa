"""A caseworker signs in, registers a person, reads the record and switches to Ukrainian."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db.models import Model
from django.utils import translation
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepath.accounts.models import Organisation, Role, Team, User
from safepath.people.models import Person
from tests.browser.conftest import ConsoleErrors, screenshot
from tests.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "safepath-demo"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _create[M: Model](model: type[M], factory: Any, **fields: Any) -> M:
    """A factory_boy factory's object, typed (the factories themselves are not)."""
    obj = factory(**fields)
    assert isinstance(obj, model)
    return obj


def _ukrainian(text: str) -> str | None:
    """The Ukrainian of an interface string, or None while there is no compiled catalogue."""
    catalogue = Path(settings.LOCALE_PATHS[0]) / "uk" / "LC_MESSAGES" / "django.mo"
    if not catalogue.exists():
        return None
    with translation.override("uk"):
        translated = translation.gettext(text)
    return translated if translated != text else None


def test_caseworker_registers_a_person_and_reads_it_in_ukrainian(
    page: Page, live_server: LiveServer, console_errors: ConsoleErrors, artifacts_dir: Path
) -> None:
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
        first_name="Olena",
        last_name="Kovalenko",
        password=DEMO_PASSWORD,
    )

    # Sign in through the real allauth form.
    page.goto(f"{live_server.url}/en/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("input[name=login]").fill("caseworker.iom")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/en/app/")
    expect(page.locator(".whoami")).to_contain_text("caseworker.iom")

    # People, then the registration form.
    page.locator("header nav").get_by_role("link", name="People", exact=True).click()
    page.wait_for_url(f"{live_server.url}/en/app/people/")
    page.get_by_role("link", name="Register a person").click()
    page.wait_for_url(f"{live_server.url}/en/app/people/new/")
    page.locator("#id_given_name").fill("Oksana")
    page.locator("#id_family_name").fill("Melnyk")
    page.locator("#id_phone").fill("+48601234567")
    page.locator("#id_sex").select_option("female")
    page.locator("#id_nationality").select_option("UKR")
    page.locator("#id_voivodeship").select_option("14")
    page.locator("main form").get_by_role("button", name="Save").click()

    # The detail page of the new record.
    page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/en/app/people/{UUID}/$"))
    assert Person.objects.count() == 1
    person = Person.objects.get()
    heading = page.locator("main h1")
    expect(heading).to_have_text(f"{person.code} · Oksana Melnyk")
    expect(page.locator("main .code")).to_have_text(person.code)
    expect(page.locator("main .messages")).to_have_text(f"Person {person.code} registered.")
    detail_path = f"/app/people/{person.public_id}/"
    assert page.url == f"{live_server.url}/en{detail_path}"

    # Switch to Ukrainian with the switcher in the top bar.
    switcher = page.locator("header form.language-switcher")
    switcher.locator("select[name=language]").select_option("uk")
    switcher.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/uk{detail_path}")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(heading).to_have_text(f"{person.code} · Oksana Melnyk")
    # Country and voivodeship names come localised from iso-codes.
    expect(page.locator("main")).to_contain_text("Україна")
    expect(page.locator("main")).to_contain_text("Мазовецьке воєводство")
    profile = _ukrainian("Profile")
    if profile is not None:
        expect(page.locator("main h2", has_text=profile)).to_have_count(1)
    screenshot(page, artifacts_dir, "person-detail-uk.png", docs=True)

    # Exactly one record, written as entered, owned by the caseworker's team.
    assert Person.objects.count() == 1
    person.refresh_from_db()
    assert (person.given_name, person.family_name) == ("Oksana", "Melnyk")
    assert person.phone == "+48601234567"
    assert (person.sex, person.nationality, person.voivodeship) == ("female", "UKR", "14")
    assert (person.organisation_id, person.team_id) == (org.pk, team.pk)
    assert person.created_by_id == caseworker.pk
    caseworker.refresh_from_db()
    assert caseworker.language == "uk"
    assert console_errors.csp_violations() == []
