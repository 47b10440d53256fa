"""The acceptance journey of referrals (issue 5), in a real browser, with two people at
two screens in two languages: a caseworker working in Ukrainian refers a screened person,
who consented to being referred to the shelter's organisation, from their case to a
shelter found in the directory; the caseworker sees exactly what will be shared before
sending. The shelter's partner focal point, working in Polish, sees only the shared
fields, accepts, starts and completes the referral. The caseworker's case page shows
each step on its timeline. axe-core checks every page of the journey: no serious or
critical violation. Screenshots go to test-artifacts/."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone, translation
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from safepath.accounts.models import Organisation, Role, Team, User
from safepath.cases import timeline
from safepath.cases.models import Case, CaseEvent
from safepath.cases.services import case_open
from safepath.directory.models import (
    Address,
    Attribute,
    DirectoryOrganization,
    Language,
    Location,
    Service,
    ServiceAtLocation,
)
from safepath.directory.taxonomies import GROUPS, SERVICE_TYPES, ensure_taxonomies, term
from safepath.people import services as people_services
from safepath.referrals.models import Referral, ReferralStatus
from safepath.referrals.pathway_services import ensure_default_pathways
from safepath.screening.services import ConsentGiven, screening_create
from safepath.screening.services import Location as Where
from tests.browser.conftest import Accessibility, ConsoleErrors, ContextFactory, screenshot
from tests.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "safepath-demo"
INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PURPOSE = "Потрібне безпечне житло на найближчі тижні."
OUTCOME = "Przyjęta do schroniska; plan wsparcia ustalony."


def _create[M: Model](model: type[M], factory: Any, **fields: Any) -> M:
    obj = factory(**fields)
    assert isinstance(obj, model)
    return obj


def _setup() -> tuple[Case, Service]:
    """IOM Poland's caseworker (Ukrainian interface) with a screened person who consented
    to being referred to the shelter's organisation; the shelter's partner focal point
    (Polish interface); the shelter in the directory, provided by that organisation."""
    ensure_taxonomies()
    ensure_default_pathways()
    org = _create(
        Organisation, OrganisationFactory, code="IOM", name="IOM Poland", type="international"
    )
    team = _create(Team, TeamFactory, organisation=org, name="Rzeszów", voivodeship="18")
    caseworker = _create(
        User,
        UserFactory,
        username="caseworker.iom",
        role=Role.CASEWORKER,
        organisation=org,
        team=team,
        password=PASSWORD,
        language="uk",
    )
    shelter_org = _create(
        Organisation,
        OrganisationFactory,
        code="DOM",
        name="Fundacja Bezpieczny Dom",
        type="service_provider",
    )
    _create(
        User,
        UserFactory,
        username="partner.dom",
        role=Role.PARTNER_FOCAL_POINT,
        organisation=shelter_org,
        team=None,
        password=PASSWORD,
        language="pl",
    )
    provider = DirectoryOrganization.objects.create(
        name={"pl": "Fundacja Bezpieczny Dom", "en": "Safe House Foundation"},
        organisation=shelter_org,
    )
    service = Service.objects.create(
        organization=provider,
        name={
            "pl": "Schronisko dla kobiet",
            "en": "Shelter for women",
            "uk": "Притулок для жінок",
            "ru": "Приют для женщин",
        },
    )
    for taxonomy, code in ((SERVICE_TYPES, "shelter"), (GROUPS, "women")):
        Attribute.objects.create(service=service, taxonomy_term=term(taxonomy, code))
    location = Location.objects.create(organization=provider, voivodeship="18")
    Address.objects.create(
        location=location,
        address_1="ul. Przykładowa 1",
        city="Rzeszów",
        state_province="podkarpackie",
        postal_code="35-001",
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    Language.objects.create(service=service, code="uk", name="українська")

    person = people_services.person_create(
        actor=caseworker,
        data={
            "given_name": "Oksana",
            "family_name": "Melnyk",
            "phone": "+48601234567",
            "sex": "female",
            "nationality": "UKR",
            "age_band": "18-59",
            "languages": ["uk"],
        },
    )
    today = timezone.localdate()
    screening = screening_create(
        actor=caseworker,
        person=person,
        catalogue="AL",
        indicators=INDICATED,
        act=False,
        factors=[],
        needs=["shelter"],
        consent=ConsentGiven("oral_witnessed", today),
        location=Where(site_type="border_crossing", voivodeship="18"),
        interview_language="uk",
    )
    people_services.consent_record(
        actor=caseworker,
        person=person,
        purpose="referral",
        given=True,
        method="oral_witnessed",
        date=today,
        recipient=shelter_org,
    )
    return case_open(actor=caseworker, screening=screening), service


def _signed_in(
    make_context: ContextFactory,
    console_errors: ConsoleErrors,
    base: str,
    username: str,
    language: str,
) -> tuple[BrowserContext, Page]:
    context = make_context(locale={"uk": "uk-UA", "pl": "pl-PL"}[language])
    page = console_errors.watch(context.new_page())
    page.goto(f"{base}/{language}/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/{language}/app/")
    return context, page


def _case_url(base: str, case: Case, language: str) -> str:
    with translation.override(language):
        return base + case.get_absolute_url()


def test_caseworker_refers_in_ukrainian_and_the_shelter_accepts_and_completes_in_polish(
    make_context: ContextFactory,
    live_server: LiveServer,
    console_errors: ConsoleErrors,
    artifacts_dir: Path,
) -> None:
    case, service = _setup()
    base = live_server.url
    axe = Accessibility()
    _cw, worker = _signed_in(make_context, console_errors, base, "caseworker.iom", "uk")
    _pf, partner = _signed_in(make_context, console_errors, base, "partner.dom", "pl")

    # The caseworker starts a referral from the case page (Ukrainian interface).
    worker.goto(_case_url(base, case, "uk"))
    expect(worker.locator("html")).to_have_attribute("lang", "uk")
    worker.locator("section[aria-labelledby=referrals-heading] a.button").click()
    worker.wait_for_url(re.compile(r"/uk/app/referrals/new/\?case="))
    # The adult-victim pathway is proposed from the screening; the shelter is found by
    # searching the directory for shelters.
    expect(worker.locator('[data-pathway="adult-victim"]')).to_have_count(1)
    axe.check(worker)
    worker.locator("#id_service_type").select_option("shelter")
    worker.locator("section[aria-labelledby=search-heading] button[type=submit]").click()
    results = worker.locator("#search-results")
    expect(results).to_contain_text("Притулок для жінок")
    screenshot(worker, artifacts_dir, "referral-1-recipient-uk.png")
    results.locator(f'a[href*="service={service.public_id}"]').click()
    worker.wait_for_url(re.compile(r"/uk/app/referrals/new/details/\?"))

    # Step 2: what to share (the minimal defaults plus the given name), the purpose.
    worker.locator('input[name=share][value="given_name"]').check()
    worker.locator("#id_purpose").fill(PURPOSE)
    axe.check(worker)
    worker.locator('button[name=action][value="preview"]').click()

    # Step 3: the preview shows exactly what will be shared; nothing is sent yet.
    preview = worker.locator("#shared-preview")
    expect(preview).to_contain_text("Oksana")
    expect(preview).not_to_contain_text("Melnyk")
    expect(preview).not_to_contain_text("+48601234567")
    assert Referral.objects.count() == 0
    axe.check(worker)
    screenshot(worker, artifacts_dir, "referral-2-preview-uk.png")
    worker.locator('button[name=action][value="send"]').click()
    worker.wait_for_url(re.compile(rf"/uk/app/referrals/{UUID}/$"))
    expect(worker.locator("#referral-status")).to_have_attribute("data-status", "sent")
    referral = Referral.objects.get()
    assert referral.to_organisation is not None
    assert referral.to_organisation.code == "DOM"
    axe.check(worker)
    screenshot(worker, artifacts_dir, "referral-3-sent-uk.png")

    # The partner focal point (Polish interface) finds it in the list of received ones.
    partner.goto(f"{base}/pl/app/referrals/")
    expect(partner.locator("html")).to_have_attribute("lang", "pl")
    axe.check(partner)
    partner.locator(f'a[href="/pl/app/referrals/{referral.public_id}/"]').click()
    partner.wait_for_url(re.compile(rf"/pl/app/referrals/{referral.public_id}/$"))
    shared = partner.locator("#shared-fields")
    expect(shared).to_contain_text("Oksana")
    expect(partner.locator("main")).not_to_contain_text("Melnyk")
    expect(partner.locator("main")).not_to_contain_text("+48601234567")
    axe.check(partner)
    screenshot(partner, artifacts_dir, "referral-4-received-pl.png")
    partner.locator("#accept").click()
    expect(partner.locator("#referral-status")).to_have_attribute("data-status", "accepted")
    partner.locator("#start").click()
    expect(partner.locator("#referral-status")).to_have_attribute("data-status", "in_progress")
    partner.locator("#outcome").fill(OUTCOME)
    partner.locator("#complete").click()
    expect(partner.locator("#referral-status")).to_have_attribute("data-status", "completed")
    axe.check(partner)
    screenshot(partner, artifacts_dir, "referral-5-completed-pl.png")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED

    # The caseworker's case page shows each step on the timeline.
    worker.goto(_case_url(base, case, "uk"))
    events = CaseEvent.objects.filter(case=case, kind__startswith="referral_").order_by("id")
    assert [e.kind for e in events] == [
        "referral_sent",
        "referral_accepted",
        "referral_started",
        "referral_completed",
    ]
    with translation.override("uk"):
        texts = [line.text for line in timeline.lines(events)]
    line_items = worker.locator("ol.timeline li")
    for text in texts:
        expect(line_items.filter(has_text=text)).to_have_count(1)
    axe.check(worker)
    screenshot(worker, artifacts_dir, "referral-6-case-timeline-uk.png")

    assert axe.pages == 8
    assert axe.problems == []
    assert console_errors.csp_violations() == []
