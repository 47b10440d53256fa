"""`safepath cases import-htcds`: submissions of IOM's HTCDS Core XLSForm, as KoboToolbox
(JSON, CSV with group prefixes) and ODK Central (CSV) export them, become a person, their
consent and a case each; once and only once, all or nothing, every bad row named."""

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from safepath.audit.models import AuditEvent
from safepath.cases.htcds_import import TIMELINE_KIND, already_imported
from safepath.cases.models import Case, CaseEvent
from safepath.people.models import Consent, Person
from tests.conftest import Cast

# The field names below are the form's own (sheet `survey` of
# ../shared/reference/htcds/htcds_core_xlsform.xlsx); `test_fixtures_use_the_forms_names`
# checks them against the file when it is there.
FORM = Path(__file__).resolve().parents[3] / "shared/reference/htcds/htcds_core_xlsform.xlsx"
FORM_FIELDS = {
    "start",
    "end",
    "con_Consent",
    "prs_First_Name",
    "prs_Second_Name",
    "prs_Birthdate",
    "prs_Gender",
    "prs_Citizenship",
    "prs_MobilePhone",
    "vic_MethodOfRecruitment",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_Methods_of_Control",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "cas_Status",
}
NAME = "Halyna"  # never in a message


def _submission(number: int, **answers: str) -> dict[str, str]:
    fields = {
        "start": "2026-11-20T09:00:00.000+01:00",
        "end": "2026-11-20T09:40:00.000+01:00",
        "con_Consent": "TRUE",
        "prs_First_Name": NAME,
        "prs_Second_Name": f"Bondarenko{number}",
        "prs_Birthdate": "1990-04-0" + str(number),
        "prs_Gender": "Feminine",
        "prs_Citizenship": "UA",
        "prs_MobilePhone": f"+48 600 100 20{number}",
        "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
        "vic_Methods_of_Control": "WithholdsDocuments DebtBondage",
        "vic_TypeOfExploitation": "ForcedLabour",
        "vic_ForcedLabourIndustry": "A_AgricultureForestryAndFishing",
        "vic_MethodOfRecruitment": "ThroughOnlineSocialNetworks",
        "cas_Status": "Active",
        "instanceID": f"uuid:0000000{number}-aaaa-4bbb-8ccc-dddddddddddd",
    }
    fields.update(answers)
    return fields


def _kobo(fields: dict[str, str]) -> dict[str, Any]:
    """As KoboToolbox exports it: the instance id under `meta/`, `_uuid` without prefix."""
    record: dict[str, Any] = {k: v for k, v in fields.items() if k != "instanceID"}
    record["meta/instanceID"] = fields["instanceID"]
    record["_uuid"] = fields["instanceID"].removeprefix("uuid:")
    record["_id"] = 1
    return record


def _kobo_csv_record(fields: dict[str, str]) -> dict[str, Any]:
    """KoboToolbox CSV with group prefixes, and the 0/1 split columns of a
    select_multiple, which the import ignores (the space-separated column is read)."""
    record = {f"group_case/{k}": v for k, v in _kobo(fields).items() if not k.startswith("_")}
    record["_uuid"] = fields["instanceID"].removeprefix("uuid:")
    chosen = fields["vic_Methods_of_Control"].split()
    for choice in ("WithholdsDocuments", "DebtBondage", "Other"):
        record[f"group_case/vic_Methods_of_Control/{choice}"] = "1" if choice in chosen else "0"
    return record


def _odk(fields: dict[str, str]) -> dict[str, str]:
    """As ODK Central exports CSV: `meta-instanceID`, `KEY`."""
    record = {k: v for k, v in fields.items() if k != "instanceID"}
    record["SubmissionDate"] = "2026-11-21T10:00:00.000Z"
    record["meta-instanceID"] = fields["instanceID"]
    record["KEY"] = fields["instanceID"]
    return record


def _write_csv(path: Path, records: list[dict[str, Any]], *, delimiter: str = ",") -> Path:
    columns: list[str] = []
    for record in records:
        columns.extend(c for c in record if c not in columns)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(records)
    return path


def _file(tmp_path: Path, kind: str, submissions: list[dict[str, str]]) -> Path:
    if kind == "kobo-json":
        path = tmp_path / "kobo.json"
        page = {"count": len(submissions), "next": None, "results": [_kobo(s) for s in submissions]}
        path.write_text(json.dumps(page), encoding="utf-8")
        return path
    if kind == "kobo-csv":
        return _write_csv(
            tmp_path / "kobo.csv", [_kobo_csv_record(s) for s in submissions], delimiter=";"
        )
    return _write_csv(tmp_path / "odk.csv", [_odk(s) for s in submissions])


def _import(path: Path, *args: str) -> dict[str, int]:
    stdout = StringIO()
    call_command("cases", "import-htcds", str(path), "--organisation", "ORGA", *args, stdout=stdout)
    result: dict[str, int] = json.loads(stdout.getvalue())
    return result


def _person(family_name: str) -> Person:
    """By name: names are encrypted, so not in a query."""
    return next(p for p in Person.objects.all() if p.family_name == family_name)


def _refused(path: Path) -> list[str]:
    stderr = StringIO()
    with pytest.raises(CommandError, match="nothing imported") as raised:
        call_command("cases", "import-htcds", str(path), "--organisation", "ORGA", stderr=stderr)
    assert raised.value.returncode == 1
    assert Person.objects.count() == 0
    assert Consent.objects.count() == 0
    assert Case.objects.count() == 0
    assert not AuditEvent.objects.filter(action__in=["case.opened", "person.created"]).exists()
    lines = stderr.getvalue().splitlines()
    assert not any(NAME in line for line in lines)
    return lines


def test_fixtures_use_the_forms_names() -> None:
    if not FORM.is_file():
        pytest.skip("the HTCDS Core XLSForm is not in ../shared/reference")
    survey = openpyxl.load_workbook(FORM, read_only=True)["survey"]
    names = {row[1] for row in survey.iter_rows(min_row=2, values_only=True) if row[1]}
    assert names >= FORM_FIELDS


@pytest.mark.parametrize("kind", ["kobo-json", "kobo-csv", "odk-csv"])
def test_import_once_then_duplicates(cast: Cast, tmp_path: Path, kind: str) -> None:
    path = _file(tmp_path, kind, [_submission(1), _submission(2, cas_Status="FollowUp")])

    assert _import(path) == {"created": 2, "duplicates_skipped": 0}
    assert _import(path) == {"created": 0, "duplicates_skipped": 2}

    assert Person.objects.count() == 2
    assert Case.objects.count() == 2
    person = _person("Bondarenko1")
    assert person.given_name == NAME
    assert person.sex == "female"
    assert person.nationality == "UKR"
    assert person.phone == "+48600100201"
    assert str(person.date_of_birth) == "1990-04-01"
    assert person.organisation == cast.org_a
    consent = Consent.objects.get(person=person)
    assert (consent.purpose, consent.given, consent.method) == (
        "data_processing",
        True,
        "oral_witnessed",
    )
    assert str(consent.date) == "2026-11-20"
    case = Case.objects.get(person=person)
    assert case.owner == cast.supervisor_a
    assert case.status == "Active"
    assert case.trafficking_status == "PossibleVictimOfTrafficking"
    assert case.means_of_control == ["DebtBondage", "WithholdsDocuments"]  # canonical order
    assert case.exploitation_types == ["ForcedLabour"]
    assert case.forced_labour_industries == ["A_AgricultureForestryAndFishing"]
    assert case.recruitment_methods == ["ThroughOnlineSocialNetworks"]
    assert Case.objects.get(person=_person("Bondarenko2")).status == "FollowUp"
    assert already_imported(cast.org_a.pk, "00000001-aaaa-4bbb-8ccc-dddddddddddd")
    assert not already_imported(cast.org_b.pk, "00000001-aaaa-4bbb-8ccc-dddddddddddd")
    event = CaseEvent.objects.get(case=case, kind=TIMELINE_KIND)
    assert event.detail == {
        "source": "htcds",
        "instance_id": "00000001-aaaa-4bbb-8ccc-dddddddddddd",
    }
    opened = AuditEvent.objects.filter(action="case.opened")
    assert opened.count() == 2
    assert all(e.detail == {"via": "htcds"} for e in opened)


def test_a_repeated_instance_in_one_file_is_a_duplicate(cast: Cast, tmp_path: Path) -> None:
    path = _file(tmp_path, "kobo-json", [_submission(1), _submission(1)])
    assert _import(path, "--as", "caseworker.a", "--consent-method", "written") == {
        "created": 1,
        "duplicates_skipped": 1,
    }
    case = Case.objects.get()
    assert case.owner == cast.caseworker_a
    assert Consent.objects.get().method == "written"


def test_a_bad_row_writes_nothing_and_is_named(cast: Cast, tmp_path: Path) -> None:
    submissions = [_submission(1), _submission(2, prs_Birthdate="20.04.1990"), _submission(3)]
    path = _file(tmp_path, "odk-csv", submissions)
    lines = _refused(path)
    assert lines == [
        "row 3 (00000002-aaaa-4bbb-8ccc-dddddddddddd): prs_Birthdate: "
        "not a date (expected YYYY-MM-DD)"
    ]


def test_a_row_without_consent_is_refused(cast: Cast, tmp_path: Path) -> None:
    submissions = [_submission(1), _submission(2, con_Consent="FALSE"), _submission(3)]
    submissions[2]["con_Consent"] = ""
    lines = _refused(_file(tmp_path, "kobo-json", submissions))
    assert len(lines) == 2
    assert lines[0].startswith("submission 2 (00000002-aaaa-4bbb-8ccc-dddddddddddd): con_Consent:")
    assert "no consent to data processing" in lines[0]
    assert lines[1].startswith("submission 3 (00000003-aaaa-4bbb-8ccc-dddddddddddd): con_Consent:")


def test_unknown_picklist_values_are_named(cast: Cast, tmp_path: Path) -> None:
    submission = _submission(
        1,
        vic_Methods_of_Control="DebtBondage Hypnosis",
        vic_TypeOfExploitation="ForcedCriminality",
        prs_Gender="Female",
        prs_Citizenship="XX",
        vic_TraffickingStatusDecisionMakingOrg="Church",
    )
    lines = _refused(_file(tmp_path, "kobo-csv", [submission]))
    fields = {line.split(": ")[1]: line for line in lines}
    assert set(fields) == {
        "prs_Gender",
        "prs_Citizenship",
        "vic_TraffickingStatusDecisionMakingOrg",
        "vic_TypeOfExploitation",
        "vic_Methods_of_Control",
    }
    assert fields["vic_Methods_of_Control"].endswith("unknown values: Hypnosis")
    assert "'Church' is not one of Police, NGO" in fields["vic_TraffickingStatusDecisionMakingOrg"]
    assert all(line.startswith("row 2 (") for line in lines)


def test_a_closed_case_or_an_undated_identification_is_refused(cast: Cast, tmp_path: Path) -> None:
    submissions = [
        _submission(1, cas_Status="Closed"),
        _submission(
            2,
            vic_TraffickingStatus="ActualVictimOfTrafficking",
            vic_TraffickingStatusDecisionMakingOrg="Police",
        ),
    ]
    lines = _refused(_file(tmp_path, "kobo-json", submissions))
    assert len(lines) == 2
    assert ": cas_Status: 'Closed': a case is closed only with a supervisor's approval" in lines[0]
    assert ": vic_TraffickingStatus: an identification needs the date" in lines[1]


def test_an_unknown_organisation_is_bad_input(cast: Cast, tmp_path: Path) -> None:
    path = _file(tmp_path, "kobo-json", [_submission(1)])
    with pytest.raises(CommandError) as raised:
        call_command("cases", "import-htcds", str(path), "--organisation", "NOPE")
    assert raised.value.returncode == 2
    assert Case.objects.count() == 0
