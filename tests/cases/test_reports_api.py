"""Reports to law enforcement in the API: create and list on a case; the PDF only for a
recently re-authenticated browser session, never for a bearer token. Another
organisation gets 404 like a missing case, and nothing is written."""

import json
import uuid
from typing import Any

from django.test import Client

from safepath.accounts.models import User
from safepath.accounts.services import token_issue
from safepath.audit.models import AuditEvent
from safepath.cases.models import Case, LawEnforcementReport
from tests.cases.report_helpers import approved, draft, pdf_text, reauthenticate, with_password
from tests.conftest import Cast

PROBLEM = "application/problem+json"
BODY: dict[str, Any] = {
    "facts": "Werbunek przez ogłoszenie; praca bez zapłaty.",
    "indicators": ["AL-DR-01"],
    "places": [{"place": "Grójec", "voivodeship": "14", "date": "2026-05-01"}],
    "perpetrators": [{"role": "Exploiter", "description": "Właściciel"}],
}


def _headers(user: User) -> dict[str, str]:
    raw, _token = token_issue(user=user)
    return {"Authorization": f"Bearer {raw}"}


def _url(case: Case) -> str:
    return f"/api/v1/cases/{case.public_id}/law-enforcement-reports"


def _pdf_url(case: Case, report: LawEnforcementReport, language: str = "pl") -> str:
    return f"{_url(case)}/{report.public_id}/pdf?language={language}"


def _post(client: Client, case: Case, body: dict[str, Any], **headers: str) -> Any:
    return client.post(
        _url(case), data=json.dumps(body), content_type="application/json", headers=headers
    )


def test_create_a_draft_and_list_it(client: Client, cast: Cast, case_a: Case) -> None:
    response = _post(client, case_a, BODY, **_headers(cast.caseworker_a))
    assert response.status_code == 201
    body = response.json()
    assert (body["case"], body["status"], body["version"], body["created_by"]) == (
        str(case_a.public_id),
        "draft",
        1,
        "caseworker.a",
    )
    assert body["indicators"] == [
        {
            "code": "AL-DR-01",
            "label": "Misled about the kind of job, the work location or the employer",
        }
    ]
    assert body["places"] == [
        {
            "place": "Grójec",
            "country": "POL",
            "voivodeship": "14",
            "date": "2026-05-01",
            "what_happened": "",
        }
    ]
    assert (body["identity"], body["facts"]) == ("redacted", BODY["facts"])
    assert AuditEvent.objects.get(action="report.created").detail == {"via": "api"}

    listed = client.get(_url(case_a), headers=_headers(cast.supervisor_a))
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [body["id"]]
    assert listed.json()["next_cursor"] is None


def test_an_idempotency_key_creates_once(client: Client, cast: Cast, case_a: Case) -> None:
    headers = {**_headers(cast.caseworker_a), "Idempotency-Key": "report-1"}
    first = _post(client, case_a, BODY, **headers)
    again = _post(client, case_a, BODY, **headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert LawEnforcementReport.objects.count() == 1


def test_bad_input_is_422_naming_the_field_and_nothing_is_written(
    client: Client, cast: Cast, case_a: Case
) -> None:
    headers = _headers(cast.caseworker_a)
    for body, pointer in (
        ({**BODY, "indicators": ["AL-VD-09"]}, "/indicators"),
        (
            {**BODY, "places": [{"place": "Kijów", "country": "UKR", "voivodeship": "14"}]},
            "/places",
        ),
        ({**BODY, "perpetrators": [{"role": "Boss"}]}, "/perpetrators"),
        ({**BODY, "legal_ground": "imminent_danger"}, "/legal_ground_reason"),
        ({**BODY, "places": [{"voivodeship": "14"}]}, "/places/0/place"),
        ({**BODY, "owner": "caseworker.b"}, "/owner"),
        ({**BODY, "facts": "x" * 10_001}, "/facts"),
    ):
        response = _post(client, case_a, body, **headers)
        assert response.status_code == 422, body
        assert response["Content-Type"] == PROBLEM
        assert pointer in [error["pointer"] for error in response.json()["errors"]], body
    assert LawEnforcementReport.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="report.").count() == 0


def test_another_organisation_gets_404_like_a_missing_case_and_nothing_is_written(
    client: Client, cast: Cast, case_a: Case
) -> None:
    report = approved(cast, case_a)
    missing_case = f"/api/v1/cases/{uuid.uuid4()}/law-enforcement-reports"
    for user in (cast.caseworker_b, cast.caseworker_a_other_team):
        headers = _headers(user)
        hidden = client.get(_url(case_a), headers=headers)
        missing = client.get(missing_case, headers=headers)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
        assert _post(client, case_a, BODY, **headers).status_code == 404
        assert client.get(_pdf_url(case_a, report), headers=headers).status_code == 404
        assert (
            AuditEvent.objects.filter(
                actor_username=user.get_username(), action__in=("case.viewed", "report.pdf")
            ).count()
            == 0
        )
    assert LawEnforcementReport.objects.count() == 1


def test_roles_without_reports_get_404_and_nothing_is_written(
    client: Client, cast: Cast, case_a: Case
) -> None:
    report = approved(cast, case_a)
    for user in (cast.analyst, cast.hotline, cast.partner, cast.trainer, cast.admin):
        headers = _headers(user)
        assert client.get(_url(case_a), headers=headers).status_code == 404
        assert _post(client, case_a, BODY, **headers).status_code == 404
        assert client.get(_pdf_url(case_a, report), headers=headers).status_code == 404
    assert LawEnforcementReport.objects.count() == 1
    assert AuditEvent.objects.filter(action__in=("report.created", "report.pdf")).count() == 1


def test_anonymous_is_401_and_nothing_is_written(client: Client, cast: Cast, case_a: Case) -> None:
    report = approved(cast, case_a)
    events = AuditEvent.objects.count()
    assert client.get(_url(case_a)).status_code == 401
    assert _post(client, case_a, BODY).status_code == 401
    assert client.get(_pdf_url(case_a, report)).status_code == 401
    assert LawEnforcementReport.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_a_bearer_token_never_gets_the_pdf(client: Client, cast: Cast, case_a: Case) -> None:
    report = approved(cast, case_a)
    response = client.get(_pdf_url(case_a, report), headers=_headers(cast.caseworker_a))
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Re-authentication required"
    assert "web app" in response.json()["detail"]
    assert AuditEvent.objects.filter(action="report.pdf").count() == 0


def test_a_browser_session_gets_the_pdf_only_after_reauthenticating(
    client: Client, cast: Cast, case_a: Case, login: Any
) -> None:
    report = approved(cast, case_a)
    login(with_password(cast.caseworker_a))
    stale = client.get(_pdf_url(case_a, report))
    assert stale.status_code == 403
    assert AuditEvent.objects.filter(action="report.pdf").count() == 0
    reauthenticate(client)
    # The report under another case's id is not found.
    assert (
        client.get(
            f"/api/v1/cases/{uuid.uuid4()}/law-enforcement-reports/{report.public_id}/pdf"
        ).status_code
        == 404
    )
    response = client.get(_pdf_url(case_a, report, "en"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; ")
    assert "no-store" in response["Cache-Control"].split(", ")
    assert "Report to law enforcement" in pdf_text(response.content)
    assert AuditEvent.objects.get(action="report.pdf").detail == {
        "via": "api",
        "language": "en",
        "reason": "redacted",
    }
    bad = client.get(_pdf_url(case_a, report, "ru"))
    assert bad.status_code == 422
    assert AuditEvent.objects.filter(action="report.pdf").count() == 1


def test_a_draft_has_no_pdf(client: Client, cast: Cast, case_a: Case, login: Any) -> None:
    report = draft(cast, case_a)
    login(with_password(cast.caseworker_a))
    reauthenticate(client)
    response = client.get(_pdf_url(case_a, report))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"
    assert AuditEvent.objects.filter(action="report.pdf").count() == 0
