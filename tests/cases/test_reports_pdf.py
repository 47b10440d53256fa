"""The report's PDF: a valid PDF in Polish or English with the bundled font, the
person's identity only with consent or a legal ground, nothing fetched but the font,
and, on the web, only after a re-authentication made in the last five minutes."""

import datetime
import time
from typing import Any

import pytest
from django.test import Client

from safepath.audit.models import AuditEvent
from safepath.cases import report_pdf
from safepath.cases.models import Case, CaseEvent
from safepath.cases.report_services import (
    ReauthenticationRequired,
    ReportInvalid,
    report_generate_pdf,
)
from safepath.people.services import consent_record
from tests.cases.report_helpers import (
    approved,
    draft,
    pdf_fonts,
    pdf_text,
    reauthenticate,
    with_password,
)
from tests.conftest import Cast

IDENTITY = ("Oksana", "Melnyk", "601234567", "AB1234567", "12.04.1990", "1990-04-12")


@pytest.fixture
def identified_case(case_a: Case) -> Case:
    """Person A with every identity field the PDF may show."""
    person = case_a.person
    person.document_number = "AB1234567"
    person.date_of_birth = datetime.date(1990, 4, 12)
    person.save()
    return case_a


def _pdf(cast: Cast, case: Case, language: str = "pl", **report: Any) -> bytes:
    return report_generate_pdf(
        actor=cast.caseworker_a,
        report=approved(cast, case, **report),
        language=language,
        recently_authenticated=True,
    )


def _consent(cast: Cast, case: Case, *, given: bool) -> None:
    consent_record(
        actor=cast.caseworker_a,
        person=case.person,
        purpose="law_enforcement",
        given=given,
        method="written",
        date=datetime.date(2026, 6, 2),
    )


def test_the_polish_pdf_holds_the_report_and_redacts_identity_without_consent(
    cast: Cast, identified_case: Case
) -> None:
    pdf = _pdf(cast, identified_case)
    text = pdf_text(pdf)
    for expected in (
        "Zgłoszenie do organów ścigania",
        "Zażółć gęślą jaźń",  # every Polish diacritic of the facts, as typed
        "Gospodarstwo pod Grójcem",
        "Polska / mazowieckie",  # country and voivodeship in Polish (iso-codes)
        "AL-DR-01",
        "Wprowadzenie w błąd co do rodzaju pracy",  # the indicator's Polish label
        "Werbownik lub pośrednik",
        "[utajniono]",
        "dane identyfikujące utajniono",
        identified_case.person.code,
    ):
        assert expected in text, expected
    for value in IDENTITY:
        assert value not in text
    # Every glyph comes from the bundled font (named after its @font-face family), none
    # from a font the machine happens to have.
    fonts = pdf_fonts(pdf)
    assert fonts
    assert all(name.split("+", 1)[1].startswith("Safepath-Sans") for name in fonts), fonts
    event = AuditEvent.objects.get(action="report.pdf")
    assert (event.actor_username, event.detail) == (
        "caseworker.a",
        {"via": "web", "language": "pl", "reason": "redacted"},
    )
    assert identified_case.events.last().kind == "report_pdf"  # type: ignore[union-attr]


def test_with_consent_to_sharing_with_law_enforcement_the_pdf_names_the_person(
    cast: Cast, identified_case: Case
) -> None:
    _consent(cast, identified_case, given=True)
    text = pdf_text(_pdf(cast, identified_case))
    for value in ("Oksana Melnyk", "+48601234567", "AB1234567", "12.04.1990", "02.06.2026"):
        assert value in text, value
    assert "[utajniono]" not in text
    assert AuditEvent.objects.get(action="report.pdf").detail["reason"] == "consent"


def test_a_withdrawn_consent_redacts_the_next_pdf(cast: Cast, identified_case: Case) -> None:
    _consent(cast, identified_case, given=True)
    report = approved(cast, identified_case)
    _consent(cast, identified_case, given=False)
    text = pdf_text(
        report_generate_pdf(
            actor=cast.supervisor_a, report=report, language="pl", recently_authenticated=True
        )
    )
    for value in IDENTITY:
        assert value not in text
    assert "[utajniono]" in text


def test_another_purpose_of_consent_does_not_count(cast: Cast, identified_case: Case) -> None:
    consent_record(
        actor=cast.caseworker_a,
        person=identified_case.person,
        purpose="referral",
        given=True,
        method="written",
        date=datetime.date(2026, 6, 2),
    )
    text = pdf_text(_pdf(cast, identified_case))
    assert "Oksana" not in text


def test_a_legal_ground_shares_identity_in_the_english_pdf(
    cast: Cast, identified_case: Case
) -> None:
    pdf = _pdf(
        cast,
        identified_case,
        language="en",
        legal_ground="imminent_danger",
        legal_ground_reason="Grożono jej śmiercią, sprawcy wiedzą, gdzie mieszka.",
    )
    text = pdf_text(pdf)
    for expected in (
        "Report to law enforcement",
        "Oksana Melnyk",
        "imminent danger to life or health",
        "Grożono jej śmiercią",
        "Misled about the kind of job",
        "Recruiter or intermediary",
    ):
        assert expected in text, expected
    assert "[redacted]" not in text
    assert "Zgłoszenie" not in text
    assert AuditEvent.objects.get(action="report.pdf").detail == {
        "via": "web",
        "language": "en",
        "reason": "imminent_danger",
    }


def test_no_pdf_before_approval_in_another_language_or_without_reauthentication(
    cast: Cast, case_a: Case
) -> None:
    report = draft(cast, case_a)
    with pytest.raises(ReportInvalid) as refused:
        report_generate_pdf(
            actor=cast.caseworker_a, report=report, language="pl", recently_authenticated=True
        )
    assert refused.value.errors[0].field == "status"
    report = approved(cast, case_a)
    with pytest.raises(ReportInvalid) as refused:
        report_generate_pdf(
            actor=cast.caseworker_a, report=report, language="uk", recently_authenticated=True
        )
    assert refused.value.errors[0].field == "language"
    with pytest.raises(ReauthenticationRequired):
        report_generate_pdf(
            actor=cast.caseworker_a, report=report, language="pl", recently_authenticated=False
        )
    assert AuditEvent.objects.filter(action="report.pdf").count() == 0


def test_the_renderer_fetches_nothing_but_its_font() -> None:
    fetcher = report_pdf._fetcher()
    font = report_pdf.font_path()
    assert font.is_file()
    assert fetcher.fetch(font.as_uri()).read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    for url in ("http://example.com/x.png", "file:///etc/passwd", "data:text/plain,hi"):
        with pytest.raises(PermissionError):
            fetcher.fetch(url)


# --- on the web: re-authentication ------------------------------------------------------


def _pdf_url(report: Any, language: str = "pl") -> str:
    return f"/en/app/cases/reports/{report.public_id}/pdf/?language={language}"


def _report_events() -> int:
    return AuditEvent.objects.filter(action__startswith="report.").count()


def test_a_session_without_a_recent_password_is_sent_to_reauthenticate_and_nothing_is_made(
    cast: Cast, case_a: Case, login: Any
) -> None:
    report = approved(cast, case_a)
    client = login(cast.caseworker_a)  # a session with no password check on record
    before = (_report_events(), CaseEvent.objects.count())
    response = client.get(_pdf_url(report))
    assert response.status_code == 302
    assert response["Location"] == (
        "/en/accounts/reauthenticate/?next=%2Fen%2Fapp%2Fcases%2Freports%2F"
        f"{report.public_id}%2Fpdf%2F%3Flanguage%3Dpl"
    )
    assert (_report_events(), CaseEvent.objects.count()) == before
    assert AuditEvent.objects.filter(action="report.pdf").count() == 0


def test_a_password_check_older_than_five_minutes_is_asked_again(
    cast: Cast, case_a: Case, login: Any, client: Client
) -> None:
    report = approved(cast, case_a)
    login(with_password(cast.caseworker_a))
    reauthenticate(client)
    session = client.session
    records = session["account_authentication_methods"]
    for record in records:
        record["at"] = time.time() - 301
    session["account_authentication_methods"] = records
    session.save()
    response = client.get(_pdf_url(report))
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/reauthenticate/?next=")
    assert AuditEvent.objects.filter(action="report.pdf").count() == 0


def test_after_reauthenticating_the_pdf_downloads_as_an_uncached_attachment(
    cast: Cast, case_a: Case, login: Any, client: Client
) -> None:
    report = approved(cast, case_a)
    login(with_password(cast.caseworker_a))
    asked = client.get(_pdf_url(report))
    # allauth's page sends the user back to the PDF.
    assert reauthenticate(client, asked["Location"].split("next=", 1)[1]) == _pdf_url(report)
    response = client.get(_pdf_url(report))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="law-enforcement-report-{report.public_id}-pl.pdf"'
    )
    assert "no-store" in response["Cache-Control"].split(", ")
    assert "Zgłoszenie do organów ścigania" in pdf_text(response.content)
    assert (
        AuditEvent.objects.filter(action="report.pdf", actor_username="caseworker.a").count() == 1
    )


def test_a_fresh_sign_in_counts_as_a_recent_password_check(
    cast: Cast, case_a: Case, client: Client
) -> None:
    report = approved(cast, case_a)
    with_password(cast.supervisor_a)
    signed_in = client.post(
        "/en/accounts/login/", {"login": "supervisor.a", "password": "a-long-enough-password"}
    )
    assert signed_in.status_code == 302
    response = client.get(_pdf_url(report, "en"))
    assert response.status_code == 200
    assert "Report to law enforcement" in pdf_text(response.content)


def test_the_pdf_page_refuses_a_draft_and_an_unknown_language_without_writing(
    cast: Cast, case_a: Case, login: Any, client: Client
) -> None:
    report = draft(cast, case_a)
    login(with_password(cast.caseworker_a))
    reauthenticate(client)
    before = _report_events()
    response = client.get(_pdf_url(report))
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    report = approved(cast, case_a)
    before = _report_events()
    response = client.get(_pdf_url(report, "ru"))
    assert response.status_code == 302
    assert _report_events() == before
    page = client.get(response["Location"]).content.decode()
    assert "Choose Polish or English for the PDF." in page
