"""Cases exported as HTCDS CSV: the standard's field names and value names, only the
cases in reach, identity only for roles that may see it and after a re-authentication,
and every export audited."""

import csv
import datetime
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from safepath.audit.models import AuditEvent
from safepath.cases.htcds_export import BASE_COLUMNS, IDENTITY_COLUMNS, as_csv_lines
from safepath.cases.models import Case
from safepath.cases.services import case_update
from tests.cases.report_helpers import reauthenticate, with_password
from tests.conftest import Cast

URL = "/en/app/cases/export/htcds/"


def _csv(response: Any) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_uses_htcds_names_and_values(cast: Cast, case_a: Case, login: Any) -> None:
    case_update(
        actor=cast.caseworker_a,
        case=case_a,
        data={
            "means_of_control": ["WithholdsDocuments", "DebtBondage"],
            "exploitation_types": ["ForcedLabour"],
        },
        expected_version=1,
    )
    response = login(cast.caseworker_a).get(URL)
    assert response["Content-Disposition"] == 'attachment; filename="safepath-cases-htcds.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    rows = _csv(response)
    assert list(rows[0]) == list(BASE_COLUMNS)  # no identity unless asked
    row = rows[0]
    assert row["safepath_case_id"] == str(case_a.public_id)
    assert row["prs_Gender"] == "Feminine"
    assert row["prs_Citizenship"] == "UA"
    assert row["vic_TraffickingStatus"] == "PossibleVictimOfTrafficking"
    assert row["vic_MethodsOfControl"] == "DebtBondage;WithholdsDocuments"
    assert row["vic_TypeOfExploitation"] == "ForcedLabour"
    assert row["cas_Status"] == "Active"
    assert not any("Oksana" in value or "Melnyk" in value for value in row.values())
    event = AuditEvent.objects.get(action="case.exported")
    assert event.detail == {"count": 1, "via": "web", "target": "htcds", "fields": []}


def test_dates_are_warsaw_days(cast: Cast, case_a: Case, login: Any) -> None:
    # Opened at 00:30 in Warsaw on 16 January, which is still the 15th in UTC.
    Case.objects.filter(pk=case_a.pk).update(
        created_at=datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)
    )
    row = _csv(login(cast.caseworker_a).get(URL))[0]
    assert row["safepath_opened_on"] == "2026-01-16"


def test_identity_needs_the_role_and_a_fresh_password(
    cast: Cast, case_a: Case, client: Client
) -> None:
    with_password(cast.caseworker_a)
    client.force_login(
        cast.caseworker_a, backend="safepath.accounts.backends.AuthenticationBackend"
    )
    response = client.get(URL + "?identity=1")
    assert response.status_code == 302
    assert "/accounts/reauthenticate/" in response["Location"]
    assert not AuditEvent.objects.filter(action="case.exported").exists()
    reauthenticate(client)
    rows = _csv(client.get(URL + "?identity=1"))
    assert list(rows[0])[-4:] == list(IDENTITY_COLUMNS)
    assert (rows[0]["prs_FirstName"], rows[0]["prs_SecondName"]) == ("Oksana", "Melnyk")
    assert rows[0]["prs_MobilePhone"] == "+48601234567"
    event = AuditEvent.objects.get(action="case.exported")
    assert event.detail["fields"] == list(IDENTITY_COLUMNS)


def test_analysts_export_without_identity_and_cannot_ask_for_it(
    cast: Cast, case_a: Case, login: Any
) -> None:
    client = login(cast.analyst)
    rows = _csv(client.get(URL))
    assert [r["safepath_person_code"] for r in rows] == [case_a.person.code]
    assert client.get(URL + "?identity=1").status_code == 404


def test_outsiders_export_nothing_of_organisation_a(cast: Cast, case_a: Case, login: Any) -> None:
    rows = _csv(login(cast.caseworker_b).get(URL))
    assert rows == []
    for user in (cast.hotline, cast.partner, cast.trainer, cast.admin):
        assert login(user).get(URL).status_code == 404
    assert (
        AuditEvent.objects.filter(action="case.exported").count() == 1
    )  # caseworker B's empty export


def test_anonymous_is_sent_to_sign_in(client: Client, cast: Cast, case_a: Case) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action="case.exported").exists()


def test_the_command_writes_the_same_rows(cast: Cast, case_a: Case, tmp_path: Any) -> None:
    output = tmp_path / "cases.csv"
    out = io.StringIO()
    call_command(
        "cases", "export-htcds", "--output", str(output), "--as", "caseworker.a", stdout=out
    )
    assert '"cases": 1' in out.getvalue()
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert rows[0]["safepath_case_id"] == str(case_a.public_id)
    assert "prs_FirstName" not in rows[0]
    call_command(
        "cases",
        "export-htcds",
        "--output",
        str(output),
        "--as",
        "caseworker.a",
        "--identity",
        stdout=out,
    )
    assert next(iter(csv.DictReader(output.open(encoding="utf-8"))))["prs_FirstName"] == "Oksana"
    with pytest.raises(CommandError) as raised:
        call_command(
            "cases", "export-htcds", "--output", str(output), "--as", "analyst.a", "--identity"
        )
    assert raised.value.returncode == 2
    with pytest.raises(CommandError):
        call_command(
            "cases", "export-htcds", "--output", "/nonexistent/x.csv", "--as", "caseworker.a"
        )
    assert AuditEvent.objects.filter(action="case.exported", detail__via="command").count() == 2


def test_text_a_spreadsheet_would_run_is_made_inert() -> None:
    lines = list(as_csv_lines(iter([["=HYPERLINK(1)", "+48601234567", "@x", "plain"]])))
    assert lines == ["'=HYPERLINK(1),+48601234567,'@x,plain\r\n"]
