"""Reports to law enforcement for the tests, made through the services, and the
re-authentication a PDF download needs."""

import datetime
import io

from django.test import Client
from pypdf import PdfReader

from safepath.accounts.models import User
from safepath.cases.models import Case, LawEnforcementReport
from safepath.cases.report_services import (
    PerpetratorIn,
    PlaceIn,
    ReportContent,
    report_approve,
    report_create,
    report_submit,
)
from tests.conftest import Cast

FACTS = "Zwerbowana przez ogłoszenie w internecie; praca w szklarni bez zapłaty. Zażółć gęślą jaźń."
PASSWORD = "a-long-enough-password"


def content(**changes: object) -> ReportContent:
    values: dict[str, object] = {
        "facts": FACTS,
        "indicators": ["AL-DR-01", "AL-EX-01"],
        "places": [
            PlaceIn(
                place="Gospodarstwo pod Grójcem",
                voivodeship="14",
                date=datetime.date(2026, 5, 1),
                what_happened="Odebrano paszport",
            )
        ],
        "perpetrators": [PerpetratorIn(role="RecruiterOrIntermediary", description="Pan Zbyszek")],
    }
    values.update(changes)
    return ReportContent(**values)  # type: ignore[arg-type]


def draft(cast: Cast, case: Case, **changes: object) -> LawEnforcementReport:
    return report_create(actor=cast.caseworker_a, case=case, content=content(**changes))


def approved(cast: Cast, case: Case, **changes: object) -> LawEnforcementReport:
    report = draft(cast, case, **changes)
    report = report_submit(actor=cast.caseworker_a, report=report)
    return report_approve(actor=cast.supervisor_a, report=report)


def with_password(user: User) -> User:
    """Give the user a known password; do it before signing in (a new password ends the
    user's sessions)."""
    user.set_password(PASSWORD)
    user.save()
    return user


def reauthenticate(client: Client, next_url: str = "") -> str:
    """Enter the password again on allauth's page; answers where it sent the user."""
    url = "/en/accounts/reauthenticate/" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return str(response["Location"])


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    # Lines wrap where the layout wants: compare text with single spaces.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pdf_fonts(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names: set[str] = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]  # type: ignore[index]
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names
