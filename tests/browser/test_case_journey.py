"""The acceptance journey of cases (issue 4), in Polish, in a real browser, with two
people at two screens: a caseworker opens a case from a screening that indicated
trafficking and asks for the assessment's approval; a supervisor approves it; the
caseworker records hygiene kits given from a warehouse's stock and drafts a report to
law enforcement; the supervisor approves the report; the caseworker downloads its
Polish PDF, which names the person because they consented to sharing with law
enforcement. The sign-in through the form counts as the re-authentication the PDF
needs. axe-core checks the case page and the report page: no serious or critical
violation."""

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone, translation
from playwright.sync_api import BrowserContext, Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from safepath.accounts.models import Organisation, Role, Team, User
from safepath.audit.models import AuditEvent
from safepath.cases.assistance_services import stock_receive, warehouse_create
from safepath.cases.models import (
    Assistance,
    Case,
    CaseApproval,
    LawEnforcementReport,
    StockBalance,
    StockMovement,
    Warehouse,
)
from safepath.people import services as people_services
from safepath.people.models import Person
from safepath.screening.models import Screening
from safepath.screening.services import ConsentGiven, Location, screening_create
from tests.browser.conftest import (
    Accessibility,
    ConsoleErrors,
    ContextFactory,
    in_language,
    screenshot,
)
from tests.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "safepath-demo"
UI = "pl"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]
RECEIVED = 20
ISSUED = 3
FACTS = "Zwerbowana przez ogłoszenie w internecie; praca w szklarni bez zapłaty i bez umowy."
PLACE = "Gospodarstwo pod Grójcem"


def _pl(text: str) -> str:
    return in_language(UI, text)


def _create[M: Model](model: type[M], factory: Any, **fields: Any) -> M:
    obj = factory(**fields)
    assert isinstance(obj, model)
    return obj


def _url(base: str, obj: Case | Screening | LawEnforcementReport) -> str:
    """The object's page in the Polish interface."""
    with translation.override(UI):
        return base + obj.get_absolute_url()


def _setup() -> tuple[User, User, Screening, Warehouse]:
    """IOM Poland with a caseworker and a supervisor; a person who consented to data
    processing and to sharing with law enforcement, screened with trafficking indicated;
    a warehouse that received hygiene kits."""
    org = _create(
        Organisation, OrganisationFactory, code="IOM", name="IOM Poland", type="international"
    )
    team = _create(Team, TeamFactory, organisation=org, name="Warszawa", voivodeship="14")
    caseworker, supervisor = (
        _create(
            User,
            UserFactory,
            username=username,
            role=role,
            organisation=org,
            team=team,
            password=PASSWORD,
            language=UI,
        )
        for username, role in (
            ("caseworker.iom", Role.CASEWORKER),
            ("supervisor.iom", Role.SUPERVISOR),
        )
    )
    person = people_services.person_create(
        actor=caseworker,
        data={
            "given_name": "Oksana",
            "family_name": "Melnyk",
            "phone": "+48601234567",
            "sex": "female",
            "nationality": "UKR",
            "age_band": "18-59",
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
        needs=[],
        consent=ConsentGiven("oral_witnessed", today),
        location=Location(site_type="border_crossing", voivodeship="18"),
        interview_language="uk",
    )
    assert screening.result["trafficking_indicated"] is True
    people_services.consent_record(
        actor=caseworker,
        person=person,
        purpose="law_enforcement",
        given=True,
        method="written",
        date=today,
    )
    warehouse = warehouse_create(actor=supervisor, name="Magazyn Warszawa", voivodeship="14")
    stock_receive(
        actor=supervisor,
        warehouse=warehouse,
        kind="hygiene_kit",
        quantity=RECEIVED,
        received_on=today - datetime.timedelta(days=2),
    )
    return caseworker, supervisor, screening, warehouse


def _signed_in(
    make_context: ContextFactory, console_errors: ConsoleErrors, base: str, username: str
) -> tuple[BrowserContext, Page]:
    """A browser of its own for one user, signed in through the real form (which is also
    the authentication the PDF's five-minute rule counts)."""
    context = make_context(locale="pl-PL")
    page = console_errors.watch(context.new_page())
    page.goto(f"{base}/{UI}/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/{UI}/app/")
    return context, page


def _expect_message(page: Page, text: str) -> None:
    expect(page.locator("[role=status] .messages")).to_contain_text(_pl(text))


def _open_case(page: Page, base: str, screening: Screening, person: Person) -> Case:
    page.goto(_url(base, screening))
    page.locator("main").get_by_role("button", name=_pl("Open a case")).click()
    page.wait_for_url(re.compile(rf"/{UI}/app/cases/{UUID}/$"))
    _expect_message(page, "Case opened.")
    main = page.locator("main")
    expect(main.locator("h1")).to_contain_text(person.code)
    expect(main).to_contain_text(_pl("Possible victim of trafficking"))
    return Case.objects.get(person=person)


def _request_assessment_approval(page: Page) -> None:
    section = page.locator("section[aria-labelledby=approvals-heading]")
    expect(section).to_contain_text(_pl("No approval requested yet."))
    section.get_by_label(_pl("Ask a supervisor to approve")).select_option("assessment")
    section.get_by_label(_pl("Comment")).fill("Ocena po rozmowie na przejściu granicznym.")
    section.get_by_role("button", name=_pl("Request approval")).click()
    _expect_message(page, "Approval requested.")
    expect(section).to_contain_text(_pl("Waiting for a decision"))


def _approve_assessment(page: Page, base: str, case: Case) -> None:
    page.goto(_url(base, case))
    section = page.locator("section[aria-labelledby=approvals-heading]")
    decision = section.locator("form", has=page.locator("input[name=decision]"))
    decision.get_by_label(_pl("Approve"), exact=True).check()
    decision.get_by_role("button", name=_pl("Record the decision")).click()
    _expect_message(page, "Decision recorded.")
    expect(section.locator("li.card")).to_contain_text(_pl("Approved"))
    expect(section.locator("input[name=decision]")).to_have_count(0)


def _record_assistance_from_stock(page: Page, base: str, case: Case) -> None:
    page.goto(_url(base, case))
    # The approval the supervisor gave is on the case the caseworker sees.
    approvals = page.locator("section[aria-labelledby=approvals-heading]")
    expect(approvals.locator("li.card")).to_contain_text(_pl("Approved"))
    assistance = page.locator("section[aria-labelledby=assistance-heading]")
    expect(assistance).to_contain_text(_pl("No assistance recorded yet."))
    assistance.get_by_role("link", name=_pl("Record assistance")).click()
    page.wait_for_url(re.compile(rf"/{UI}/app/cases/{UUID}/assistance/$"))

    form = page.locator("main form")
    form.get_by_label(_pl("Item or service")).select_option(label=_pl("Hygiene kit"))
    form.get_by_label(_pl("Quantity")).fill(str(ISSUED))
    form.get_by_label(_pl("Issue from the stock of")).select_option(label="Magazyn Warszawa")
    form.get_by_role("button", name=_pl("Record the assistance")).click()
    page.wait_for_url(re.compile(rf"/{UI}/app/cases/{UUID}/assistance/$"))
    _expect_message(page, "Assistance recorded.")
    row = page.locator("main table tbody tr").first
    expect(row).to_contain_text(_pl("Hygiene kit"))
    expect(row).to_contain_text("Magazyn Warszawa")
    expect(row.locator("td").nth(2)).to_have_text(str(ISSUED))


def _draft_and_submit_report(page: Page, base: str, case: Case) -> LawEnforcementReport:
    page.goto(_url(base, case))
    reports = page.locator("section[aria-labelledby=reports-heading]")
    expect(reports).to_contain_text(_pl("No reports yet."))
    reports.get_by_role("link", name=_pl("Prepare a report")).click()
    page.wait_for_url(re.compile(rf"/{UI}/app/cases/{UUID}/reports/new/$"))

    form = page.locator("main form")
    form.get_by_label(_pl("Facts")).fill(FACTS)
    # The screening's indicators are offered, all ticked to begin with.
    for code in INDICATED:
        expect(form.locator(f"input[name=indicators][value='{code}']")).to_be_checked()
    form.locator("input[name=indicators][value='AL-CD-02']").uncheck()
    form.locator("[name='places-0-place']").fill(PLACE)
    form.locator("[name='places-0-country']").select_option("POL")
    form.locator("[name='places-0-voivodeship']").select_option("14")
    form.locator("[name='places-0-date']").fill("2026-05-01")
    form.locator("[name='places-0-what_happened']").fill("Odebrano paszport.")
    form.locator("[name='perpetrators-0-role']").select_option("RecruiterOrIntermediary")
    # No legal ground: the person's consent decides whether the PDF names them.
    expect(
        form.get_by_label(_pl("Legal ground for sharing the identity without consent"))
    ).to_have_value("")
    form.get_by_role("button", name=_pl("Save the draft")).click()

    page.wait_for_url(re.compile(rf"/{UI}/app/cases/reports/{UUID}/$"))
    _expect_message(page, "Draft report saved.")
    main = page.locator("main")
    expect(main).to_contain_text(
        _pl("Shared: the person consented to sharing it with law enforcement.")
    )
    main.get_by_role("button", name=_pl("Ask a supervisor to approve it")).click()
    _expect_message(page, "Sent to a supervisor for approval.")
    expect(main.locator("dl.facts")).to_contain_text(_pl("Awaiting approval"))
    return LawEnforcementReport.objects.get(case=case)


def _approve_report(page: Page, base: str, report: LawEnforcementReport) -> None:
    page.goto(_url(base, report))
    main = page.locator("main")
    main.get_by_role("button", name=_pl("Approve"), exact=True).click()
    _expect_message(page, "Report approved.")
    expect(main.locator("dl.facts")).to_contain_text("supervisor.iom")


def _download_pdf(page: Page, tmp: Path) -> bytes:
    pdf_section = page.locator("section[aria-labelledby=pdf-heading]")
    link = pdf_section.get_by_role(
        "link", name=_pl("Download the PDF (%(language)s)") % {"language": "Polski"}
    )
    expect(link).to_have_attribute("hreflang", "pl")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert "Melnyk" not in download.suggested_filename
    path = tmp / download.suggested_filename
    download.save_as(path)
    return path.read_bytes()


def _pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    # Lines wrap where the layout wants: compare text with single spaces.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_screening_to_case_to_approved_report_pdf_in_polish(
    make_context: ContextFactory,
    live_server: LiveServer,
    console_errors: ConsoleErrors,
    artifacts_dir: Path,
    tmp_path: Path,
) -> None:
    caseworker, supervisor, screening, warehouse = _setup()
    person = screening.person
    assert person is not None
    base = live_server.url
    axe = Accessibility()
    _cw_context, worker = _signed_in(make_context, console_errors, base, "caseworker.iom")
    _sv_context, boss = _signed_in(make_context, console_errors, base, "supervisor.iom")

    # The caseworker opens the case from the screening's result and asks for approval.
    case = _open_case(worker, base, screening, person)
    _request_assessment_approval(worker)
    axe.check(worker)

    # The supervisor, at another screen, approves the assessment.
    _approve_assessment(boss, base, case)

    # The caseworker gives hygiene kits from the warehouse.
    _record_assistance_from_stock(worker, base, case)

    # The report: drafted and submitted by the caseworker, approved by the supervisor.
    report = _draft_and_submit_report(worker, base, case)
    _approve_report(boss, base, report)

    worker.goto(_url(base, report))
    expect(worker.locator("main dl.facts")).to_contain_text(_pl("Approved"))
    axe.check(worker)
    screenshot(worker, artifacts_dir, "case-report-pl.png")

    worker.goto(_url(base, case))
    main = worker.locator("main")
    expect(main.locator("section[aria-labelledby=assistance-heading]")).to_contain_text(
        _pl("Hygiene kit")
    )
    expect(main.locator("section[aria-labelledby=reports-heading]")).to_contain_text(
        _pl("Approved")
    )
    axe.check(worker)
    screenshot(worker, artifacts_dir, "case-detail-pl.png")

    # The Polish PDF, from the report page: the sign-in minutes ago is the check it needs.
    worker.goto(_url(base, report))
    pdf = _download_pdf(worker, tmp_path)
    text = _pdf_text(pdf)
    for expected in (
        "Zgłoszenie do organów ścigania",
        "Oksana Melnyk",  # named: the person consented to sharing with law enforcement
        "+48601234567",
        PLACE,
        "Polska / mazowieckie",
        "AL-DR-01",
        "Werbownik lub pośrednik",
        person.code,
    ):
        assert expected in text, expected
    assert "[utajniono]" not in text
    assert "AL-CD-02" not in text  # unticked on the form

    # What the journey left in the database.
    approval = CaseApproval.objects.get(case=case)
    assert (approval.kind, approval.status) == ("assessment", "approved")
    assert (approval.requested_by, approval.decided_by) == (caseworker, supervisor)

    assistance = Assistance.objects.get(case=case)
    assert (assistance.kind, assistance.quantity, assistance.created_by) == (
        "hygiene_kit",
        ISSUED,
        caseworker,
    )
    issue = StockMovement.objects.get(assistance=assistance)
    assert (issue.warehouse, issue.movement, issue.quantity) == (warehouse, "issue", ISSUED)
    balance = StockBalance.objects.get(warehouse=warehouse, kind="hygiene_kit")
    assert balance.quantity == issue.balance_after == RECEIVED - ISSUED

    report.refresh_from_db()
    assert report.status == "approved"
    assert (report.created_by, report.submitted_by, report.reviewed_by) == (
        caseworker,
        caseworker,
        supervisor,
    )
    assert report.facts == FACTS
    assert report.indicators == sorted(c for c in INDICATED if c != "AL-CD-02")
    assert report.legal_ground == ""
    pdf_event = AuditEvent.objects.get(action="report.pdf")
    assert (pdf_event.actor_username, pdf_event.object_id) == (
        "caseworker.iom",
        str(report.public_id),
    )
    assert pdf_event.detail == {"via": "web", "language": "pl", "reason": "consent"}
    assert list(case.events.filter(kind="report_pdf").values_list("actor", flat=True)) == [
        caseworker.pk
    ]

    assert axe.pages == 3
    assert axe.problems == []
    assert console_errors.csp_violations() == []
