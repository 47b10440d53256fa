"""`safepath screening import`: submissions of the offline form, as KoboToolbox and ODK
Central export them, imported once, all-or-nothing."""

import csv
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from safepath.audit.models import AuditEvent
from safepath.screening.imports import (
    ImportFileError,
    field_name,
    normalise_instance_id,
    read_submissions,
)
from safepath.screening.models import Screening
from safepath.screening.xlsform import ACT, CONSENT, FACTORS_FIELD, NEEDS_FIELD, indicator_field
from tests.conftest import Cast

INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]


def _adult(number: int, **changes: str) -> dict[str, str]:
    """One adult submission, by the form's field names (no prefixes)."""
    fields = {
        "instanceID": f"uuid:00000000-0000-4000-8000-{number:012d}",
        CONSENT: "no",
        "voivodeship": "06",
        "site_type": "border_crossing",
        "interview_language": "uk",
        "age_known": "yes",
        "age": "34",
        "population": "adult",
        "catalogue": "AL",
        "catalogue_version": "2009-09",
        FACTORS_FIELD: "travelling_alone language_barrier",
        NEEDS_FIELD: "shelter",
    }
    for code in INDICATED:
        fields[indicator_field(code)] = "yes"
    fields[indicator_field("AL-DR-03")] = "no"
    fields[indicator_field("AL-DR-04")] = "dont_know"
    fields.update(changes)
    return fields


def _child(number: int) -> dict[str, str]:
    fields = _adult(number, population="child", catalogue="CL", age="15")
    for code in INDICATED:
        del fields[indicator_field(code)]
    del fields[indicator_field("AL-DR-03")]
    del fields[indicator_field("AL-DR-04")]
    fields[indicator_field("CL-EX-01")] = "yes"
    fields[ACT] = "yes"
    return fields


GROUPS = {"voivodeship": "site", "site_type": "site", "interview_language": "site"}
GROUPS |= {FACTORS_FIELD: "vulnerability", NEEDS_FIELD: "vulnerability"}


def _group(name: str) -> str | None:
    if name == "instanceID":
        return "meta"
    if name in GROUPS:
        return GROUPS[name]
    if name[:2] in ("AL", "CL") and name.count("_") == 2:
        return name[:5]
    return None


def _kobo(fields: dict[str, str]) -> dict[str, Any]:
    """As KoboToolbox's JSON and CSV exports name them: group paths with `/`, plus
    `_uuid`, `_id` and other metadata."""
    record: dict[str, Any] = {}
    for name, value in fields.items():
        group = _group(name)
        record[f"{group}/{name}" if group else name] = value
    record["_uuid"] = normalise_instance_id(fields["instanceID"])
    record["_id"] = 1000 + len(record)
    record["formhub/uuid"] = "abc123"
    record["__version__"] = "vXYZ"
    record["_validation_status"] = {}
    return record


def _odk(fields: dict[str, str]) -> dict[str, str]:
    """As ODK Central's CSV names them: group paths with `-`, and `KEY`."""
    record = {"SubmissionDate": "2025-11-30T10:00:00.000Z"}
    for name, value in fields.items():
        group = _group(name)
        record[f"{group}-{name}" if group else name] = value
    record["KEY"] = fields["instanceID"]
    record["SubmitterName"] = "collect-1"
    return record


def _write_csv(path: Path, records: list[dict[str, Any]], *, delimiter: str = ",") -> Path:
    columns: list[str] = []
    for record in records:
        columns.extend(c for c in record if c not in columns and not isinstance(record[c], dict))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    return path


def _import(path: Path, *args: str) -> dict[str, int]:
    stdout = StringIO()
    call_command("screening", "import", str(path), "--organisation", "ORGA", *args, stdout=stdout)
    result: dict[str, int] = json.loads(stdout.getvalue())
    return result


SUBMISSIONS = [_adult(1), _adult(2, site_type="outreach", voivodeship=""), _child(3)]


def _files(tmp_path: Path) -> dict[str, Path]:
    kobo = [_kobo(fields) for fields in SUBMISSIONS]
    results = tmp_path / "kobo-results.json"
    results.write_text(json.dumps({"count": 3, "results": kobo}), encoding="utf-8")
    plain = tmp_path / "kobo-list.json"
    plain.write_text(json.dumps(kobo), encoding="utf-8")
    return {
        "kobo-json-results": results,
        "kobo-json-list": plain,
        "kobo-csv-semicolon": _write_csv(tmp_path / "kobo-semi.csv", kobo, delimiter=";"),
        "kobo-csv-comma": _write_csv(tmp_path / "kobo-comma.csv", kobo),
        "kobo-csv-no-groups": _write_csv(tmp_path / "kobo-plain.csv", SUBMISSIONS),
        "odk-central-csv": _write_csv(
            tmp_path / "odk.csv", [_odk(fields) for fields in SUBMISSIONS]
        ),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "kobo-json-results",
        "kobo-json-list",
        "kobo-csv-semicolon",
        "kobo-csv-comma",
        "kobo-csv-no-groups",
        "odk-central-csv",
    ],
)
def test_import_once_then_duplicates(cast: Cast, tmp_path: Path, kind: str) -> None:
    path = _files(tmp_path)[kind]

    assert _import(path) == {"created": 3, "duplicates_skipped": 0}

    screenings = list(Screening.objects.order_by("id"))
    assert len(screenings) == 3
    adult, outreach, child = screenings
    assert {s.source for s in screenings} == {"xlsform"}
    assert adult.source_instance_id == "00000000-0000-4000-8000-000000000001"
    assert adult.person is None
    assert adult.consent is None
    assert adult.organisation == cast.org_a
    assert adult.created_by == cast.supervisor_a
    assert adult.catalogue == "AL"
    assert adult.indicators == sorted(INDICATED)
    assert adult.indicators_unknown == ["AL-DR-04"]  # answered "don't know": not counted
    assert adult.result["trafficking_indicated"] is True
    assert (adult.voivodeship, adult.site_type, adult.interview_language) == (
        "06",
        "border_crossing",
        "uk",
    )
    assert adult.factors == ["language_barrier", "travelling_alone"]
    assert adult.needs == ["shelter"]
    assert (outreach.site_type, outreach.voivodeship) == ("outreach", "")
    assert (child.catalogue, child.population, child.act) == ("CL", "child", True)
    assert child.indicators == ["CL-EX-01"]
    events = AuditEvent.objects.filter(action="screening.created")
    assert events.count() == 3
    assert {e.detail["via"] for e in events} == {"xlsform"}

    assert _import(path) == {"created": 0, "duplicates_skipped": 3}
    assert Screening.objects.count() == 3
    assert AuditEvent.objects.filter(action="screening.created").count() == 3


def test_same_instance_in_another_organisation_is_not_a_duplicate(
    cast: Cast, tmp_path: Path
) -> None:
    path = _files(tmp_path)["kobo-json-list"]
    _import(path)
    stdout = StringIO()
    call_command(
        "screening",
        "import",
        str(path),
        "--organisation",
        "ORGB",
        "--as",
        "caseworker.b",
        stdout=stdout,
    )
    assert json.loads(stdout.getvalue()) == {"created": 3, "duplicates_skipped": 0}
    assert Screening.objects.filter(organisation=cast.org_b, team=cast.team_b).count() == 3


def test_repeated_instance_in_one_file_counts_as_duplicate(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text(json.dumps([_kobo(_adult(1)), _kobo(_adult(1))]), encoding="utf-8")
    assert _import(path) == {"created": 1, "duplicates_skipped": 1}


def test_as_user(cast: Cast, tmp_path: Path) -> None:
    path = _files(tmp_path)["kobo-json-list"]
    _import(path, "--as", "caseworker.a")
    assert {s.created_by for s in Screening.objects.all()} == {cast.caseworker_a}


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"site_type": "market"}, "site_type"),
        ({"voivodeship": "99"}, "voivodeship"),
        ({"AL_DR_99": "yes"}, "AL_DR_99"),
        ({"AL_DR_01": "maybe"}, "AL_DR_01"),
        ({"CL_EX_01": "yes"}, "CL_EX_01"),
        ({FACTORS_FIELD: "child nonsense"}, FACTORS_FIELD),
        ({"catalogue": ""}, "catalogue"),
        ({"instanceID": ""}, "meta/instanceID"),
    ],
)
def test_one_bad_row_writes_nothing(
    cast: Cast, tmp_path: Path, bad: dict[str, str], field: str
) -> None:
    records = [_kobo(_adult(1)), _kobo(_adult(2, **bad)), _kobo(_adult(3))]
    if field == "meta/instanceID":
        del records[1]["_uuid"]
    path = _write_csv(tmp_path / "bad.csv", records, delimiter=";")
    stderr = StringIO()

    with pytest.raises(CommandError, match="nothing imported") as raised:
        call_command("screening", "import", str(path), "--organisation", "ORGA", stderr=stderr)

    assert raised.value.returncode == 1
    lines = stderr.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("row 3")
    assert f": {field}: " in lines[0]
    assert Screening.objects.count() == 0
    assert not AuditEvent.objects.filter(action="screening.created").exists()


def test_every_bad_row_is_reported(cast: Cast, tmp_path: Path) -> None:
    records = [_kobo(_adult(1, site_type="x")), _kobo(_adult(2)), _kobo(_adult(3, age="1"))]
    records[2]["site/voivodeship"] = "00"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"results": records}), encoding="utf-8")
    stderr = StringIO()
    with pytest.raises(CommandError):
        call_command("screening", "import", str(path), "--organisation", "ORGA", stderr=stderr)
    lines = stderr.getvalue().splitlines()
    assert lines == [
        "submission 1 (00000000-0000-4000-8000-000000000001): site_type: 'x' is not one of "
        "border_crossing, reception_point, collective_shelter, transit_point, info_line, "
        "outreach, other",
        "submission 3 (00000000-0000-4000-8000-000000000003): voivodeship: '00' is not a "
        "TERYT code (02 ... 32)",
    ]


def test_unknown_organisation(cast: Cast, tmp_path: Path) -> None:
    path = _files(tmp_path)["kobo-json-list"]
    with pytest.raises(CommandError, match="no active organisation 'NOPE'"):
        call_command("screening", "import", str(path), "--organisation", "NOPE")


def test_user_of_another_organisation(cast: Cast, tmp_path: Path) -> None:
    path = _files(tmp_path)["kobo-json-list"]
    with pytest.raises(CommandError, match="not in organisation"):
        _import(path, "--as", "caseworker.b")


def test_organisation_without_supervisor(cast: Cast, tmp_path: Path) -> None:
    path = _files(tmp_path)["kobo-json-list"]
    with pytest.raises(CommandError, match="no active supervisor"):
        call_command("screening", "import", str(path), "--organisation", "ORGB")


@pytest.mark.parametrize("content", ["", "[]", '{"count": 0, "results": []}'])
def test_empty_file(cast: Cast, tmp_path: Path, content: str) -> None:
    for suffix in (".json", ".csv"):
        if suffix == ".csv" and content:
            continue
        path = tmp_path / f"empty{suffix}"
        path.write_text(content, encoding="utf-8")
        assert _import(path) == {"created": 0, "duplicates_skipped": 0}


def test_header_only_csv(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("meta/instanceID;site/site_type\n", encoding="utf-8")
    assert _import(path) == {"created": 0, "duplicates_skipped": 0}


def test_field_names() -> None:
    assert field_name("AL_DR/AL_DR_01") == "AL_DR_01"
    assert field_name("meta/instanceID") == "instanceID"
    assert field_name("site-voivodeship", odk_central=True) == "voivodeship"
    assert field_name("site-voivodeship") == "site-voivodeship"
    assert field_name("vulnerability/factors/child") is None
    assert normalise_instance_id("uuid:abc") == "abc"


def test_exit_status_from_the_shell(tmp_path: Path) -> None:
    """The file is checked before the database is used, so the shell sees status 1
    and every bad row without a database of its own."""
    records = [_odk(_adult(1)), _odk(_adult(2, site_type="market"))]
    path = _write_csv(tmp_path / "odk.csv", records)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    command = [sys.executable, "-m", "safepath", "screening", "import", str(path)]
    completed = subprocess.run(
        [*command, "--organisation", "ORGA"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "row 3 (00000000-0000-4000-8000-000000000002): site_type: 'market'" in (completed.stderr)
    assert "nothing imported" in completed.stderr
    assert completed.stdout == ""


# --- JSON is streamed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        {"count": 3, "next": None, "previous": None, "results": "RESULTS"},
        {"results": "RESULTS", "count": 3},
        {"count": 3, "meta": {"results": [1]}, "results": "RESULTS", "next": None},
    ],
)
def test_json_results_wherever_the_key_is(cast: Cast, tmp_path: Path, page: dict[str, Any]) -> None:
    kobo = [_kobo(fields) for fields in SUBMISSIONS]
    page = {key: (kobo if value == "RESULTS" else value) for key, value in page.items()}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    assert _import(path) == {"created": 3, "duplicates_skipped": 0}


def test_json_with_a_byte_order_mark(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_text(json.dumps([_kobo(_adult(1))]), encoding="utf-8-sig")
    assert _import(path) == {"created": 1, "duplicates_skipped": 0}


def test_json_is_read_as_a_stream(tmp_path: Path) -> None:
    """A submission is handed on before the rest of the file is read."""
    path = tmp_path / "cut.json"
    path.write_text(
        '{"count": 2, "results": [' + json.dumps(_kobo(_adult(1))) + ', {"site/site_type": "ou',
        encoding="utf-8",
    )
    reader = read_submissions(path)
    row, fields = next(reader)
    assert (row, fields["site_type"], fields["instanceID"]) == (
        "submission 1",
        "border_crossing",
        "uuid:00000000-0000-4000-8000-000000000001",
    )
    with pytest.raises(ImportFileError, match="after submission 1: parse error: premature EOF"):
        next(reader)


EXPECTED = 'expected a list of submissions or {"results": [...]}'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"count": 0, "next": null}', EXPECTED),
        (b'{"count": 1, "results": {"item": {"a": "Olena"}}}', EXPECTED),
        (b'"Olena"', EXPECTED),
        (b"5", EXPECTED),
        (b'[{"a": "Olena"}, "Olena"]', "submission 2 is not an object"),
        (b"Olena Kovalenko", "not JSON (it does not start with [ or {)"),
        (b'[{"a": "Olena"}, {"b": ', "not valid JSON after submission 1: parse error:"),
        (b'[{"a": "Olena"}, {"b": "Olena"}] [', "not valid JSON after submission 2: parse error:"),
        (b'{"results": [{"a": "Olena"}]', "not valid JSON after submission 1: parse error:"),
        (b'[{"a": "Olena\xff"}]', "not valid JSON before the first submission: lexical error:"),
    ],
)
def test_malformed_json_writes_nothing_and_quotes_no_data(
    cast: Cast, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    stderr = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("screening", "import", str(path), "--organisation", "ORGA", stderr=stderr)

    assert raised.value.returncode == 1
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)
    assert "Olena" not in str(raised.value) + stderr.getvalue()
    assert Screening.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_progress_goes_to_stderr_with_verbosity_2(cast: Cast, tmp_path: Path) -> None:
    path = _files(tmp_path)["kobo-json-list"]
    stdout, stderr = StringIO(), StringIO()
    call_command(
        "screening",
        "import",
        str(path),
        "--organisation",
        "ORGA",
        verbosity=2,
        stdout=stdout,
        stderr=stderr,
    )
    assert json.loads(stdout.getvalue()) == {"created": 3, "duplicates_skipped": 0}
    assert stderr.getvalue() == "3 submissions imported or skipped\n"


def test_a_user_who_may_not_screen(cast: Cast, tmp_path: Path) -> None:
    path = _files(tmp_path)["kobo-json-list"]
    with pytest.raises(CommandError, match=r"'analyst\.a' may not create screenings") as raised:
        _import(path, "--as", "analyst.a")
    assert raised.value.returncode == 2
    assert Screening.objects.count() == 0
