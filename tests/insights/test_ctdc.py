"""The CTDC Global Dataset export, k-anonymised (safepath.insights.ctdc, k_anonymity and
`safepath insights export-ctdc`).

The k-anonymity of the file is checked by recounting the quasi-identifiers of the CSV
itself with `csv` and `Counter`, never with the implementation's counts."""

import datetime
import json
import re
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepath.audit.models import AuditEvent
from safepath.cases.models import Case
from safepath.cases.services import case_open
from safepath.insights import ctdc, k_anonymity
from tests.cases.retention_setup import close
from tests.conftest import Cast
from tests.insights.ctdc_builders import TODAY, age_band, ctdc_case, read_csv

QUASI_IDENTIFIERS = (
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "yearOfRegistration",
)
# Written out from the codebook (shared/reference/ctdc_codebook_v2.md, "Older Global
# Dataset"), not taken from the implementation.
CODEBOOK_COLUMNS = [
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    "meansOfControlDebtBondage",
    "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess",
    "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse",
    "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse",
    "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances",
    "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare",
    "meansOfControlExcessiveWorkingHours",
    "meansOfControlUsesChildren",
    "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities",
    "meansOfControlWithholdsDocuments",
    "meansOfControlOther",
    "meansOfControlNotSpecified",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "isSlaveryAndPractices",
    "typeOfLabourAgriculture",
    "typeOfLabourAquafarming",
    "typeOfLabourBegging",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities",
    "typeOfLabourManufacturing",
    "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling",
    "typeOfLabourTransportation",
    "typeOfLabourOther",
    "typeOfLabourNotSpecified",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices",
    "typeOfSexPrivateSexualServices",
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
    "recruiterRelationUnknown",
]
AGE_BANDS = {"00--08", "09--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"}
WIDER_AGE_BANDS = {"00--17", "18--29", "30--47", "18+"}
BINARY = [c for c in CODEBOOK_COLUMNS if c.startswith(("meansOf", "is", "typeOf", "recruiterR"))]


def _export(path: Path, *args: str) -> dict[str, Any]:
    stdout = StringIO()
    call_command("insights", "export-ctdc", "--output", str(path), *args, stdout=stdout)
    report: dict[str, Any] = json.loads(stdout.getvalue())
    return report


def _recount(rows: list[dict[str, str]]) -> Counter[tuple[str, ...]]:
    return Counter(tuple(row[name] for name in QUASI_IDENTIFIERS) for row in rows)


@pytest.fixture
def population(cast: Cast) -> list[Case]:
    """34 cases: a large group of Ukrainian women exploited in Poland, a smaller group
    of Belarusian men, and a few people who stand out (rare citizenships, other years,
    other ages)."""
    cases = []
    for n in range(14):
        cases.append(
            ctdc_case(
                cast,
                birth=datetime.date(1990 + n % 2, 3, 1),
                exploited_in="POL",
                data={"exploitation_types": ["ForcedLabour"], "means_of_control": ["DebtBondage"]},
                name=f"Anna{n}",
            )
        )
    for n in range(12):
        cases.append(
            ctdc_case(
                cast,
                sex="male",
                nationality="BLR",
                birth=datetime.date(1980 + n % 3, 6, 1),
                exploited_in="POL",
                data={"exploitation_types": ["ForcedLabour"], "forced_labour_industries": []},
                name=f"Ivan{n}",
            )
        )
    for n, (nationality, sex, birth, year) in enumerate(
        [
            ("VNM", "female", datetime.date(2010, 1, 1), None),
            ("PHL", "male", datetime.date(1970, 1, 1), None),
            ("UKR", "other", None, None),
            ("UKR", "female", datetime.date(1991, 3, 1), 2021),
            ("GEO", "male", datetime.date(2000, 1, 1), 2019),
            ("UKR", "unknown", datetime.date(1960, 1, 1), None),
            ("MDA", "female", datetime.date(1999, 1, 1), None),
            ("UKR", "female", datetime.date(2015, 1, 1), None),
        ]
    ):
        cases.append(
            ctdc_case(
                cast,
                sex=sex,
                nationality=nationality,
                birth=birth,
                exploited_in="DEU" if n % 2 else "",
                year=year,
                name=f"Rare{n}",
            )
        )
    return cases


# --- the file -----------------------------------------------------------------------------


@pytest.mark.parametrize("k", [2, 5, 11])
def test_every_combination_of_quasi_identifiers_occurs_at_least_k_times(
    population: list[Case], tmp_path: Path, k: int
) -> None:
    output = tmp_path / "ctdc.csv"
    report = _export(output, "--k", str(k))
    columns, rows = read_csv(output)
    assert columns == CODEBOOK_COLUMNS
    counts = _recount(rows)
    assert counts, "nothing was published"
    assert min(counts.values()) >= k
    # majorityStatus is published beside them: it never splits a group.
    with_majority = Counter(
        (*(row[name] for name in QUASI_IDENTIFIERS), row["majorityStatus"]) for row in rows
    )
    assert min(with_majority.values()) >= k
    assert report["k"] == k
    assert report["records"] == 34
    assert report["published"] == len(rows) == report["written"]
    assert report["suppressed"] == 34 - len(rows)
    assert report["output"] == str(output)


def test_the_codes_are_the_codebooks(population: list[Case], tmp_path: Path) -> None:
    output = tmp_path / "ctdc.csv"
    _export(output, "--k", "2", "--max-suppression", "0.5")
    _columns, rows = read_csv(output)
    assert rows
    for row in rows:
        assert row["Datasource"] == "Case Management"
        assert row["gender"] in {"Man", "Woman", "Trans/Transgender/NonConforming", "-99"}
        assert row["ageBroad"] in AGE_BANDS | WIDER_AGE_BANDS | {"-99"}
        assert row["majorityStatus"] in {"Adult", "Minor", "-99"}
        assert row["citizenship"] == "Other" or len(row["citizenship"]) == 3
        assert row["CountryOfExploitation"] in {"POL", "DEU", "Other", "-99"}
        assert {row[column] for column in BINARY} <= {"1", "-99"}
        assert row["RecruiterRelationship"] in {"Family", "Friend", "Other", "-99"}


def test_a_group_of_k_identical_cases_is_published_as_recorded(cast: Cast, tmp_path: Path) -> None:
    data = {
        "exploitation_types": ["ForcedLabour", "SexualExploitation", "ForcedBegging"],
        "forced_labour_industries": [
            "A_AgricultureForestryAndFishing",
            "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        ],
        "means_of_control": [
            "ThreatensChildrenFamily",
            "WithholdsDocuments",
            "PsychoactiveSubstance",
        ],
        "relationship_to_trafficker": "Acquainted",
    }
    for n in range(2):
        ctdc_case(
            cast, birth=datetime.date(2002, 1, 1), exploited_in="POL", data=data, name=f"A{n}"
        )
    output = tmp_path / "ctdc.csv"
    report = _export(output, "--k", "2", "--max-suppression", "0")
    _columns, rows = read_csv(output)
    assert report["generalised"] == []
    assert report["suppressed"] == 0
    assert len(rows) == 2
    ones = {column for column, value in rows[0].items() if value == "1"}
    assert ones == {
        "meansOfControlThreats",
        "meansOfControlWithholdsDocuments",
        "meansOfControlPsychoactiveSubstances",
        "isForcedLabour",
        "isSexualExploit",
        "isSexAndLabour",
        "typeOfLabourAgriculture",
        "typeOfLabourBegging",
        "typeOfLabourOther",
        "recruiterRelationFriend",
    }
    year = str(timezone.localdate().year)
    assert {name: rows[0][name] for name in CODEBOOK_COLUMNS if rows[0][name] != "-99"} == {
        "yearOfRegistration": year,
        "Datasource": "Case Management",
        "gender": "Woman",
        "ageBroad": age_band(timezone.localdate().year - 2002),
        "majorityStatus": "Adult",
        "citizenship": "UKR",
        "RecruiterRelationship": "Friend",
        "CountryOfExploitation": "POL",
        **dict.fromkeys(ones, "1"),
    }
    assert rows[0] == rows[1]


def test_generalisation_is_written_to_the_file_and_reported(cast: Cast, tmp_path: Path) -> None:
    """Two men aged 30-38 and one aged 39-47: with k = 3 the bands widen to 30--47
    and nobody is suppressed."""
    year = timezone.localdate().year
    for n, age in enumerate((31, 35, 41)):
        ctdc_case(
            cast,
            sex="male",
            nationality="BLR",
            birth=datetime.date(year - age - 1, 1, 1),
            name=f"M{n}",
        )
    output = tmp_path / "ctdc.csv"
    report = _export(output, "--k", "3", "--max-suppression", "0")
    _columns, rows = read_csv(output)
    assert _recount(rows) == Counter({("Man", "30--47", "BLR", "-99", str(year)): 3})
    assert report["suppressed"] == 0
    assert report["records_below_k_before_generalisation"] == 3
    assert report["generalised"] == [
        {
            "column": "ageBroad",
            "step": "wider age bands: 00--17, 18--29, 30--47, 48+",
            "records_below_k_before": 3,
            "records_below_k_after": 0,
        }
    ]
    assert [row["majorityStatus"] for row in rows] == ["Adult"] * 3


def test_rare_citizenships_become_other() -> None:
    rows = [
        dict(zip(QUASI_IDENTIFIERS, ("Woman", "18--20", nationality, "POL", "2026"), strict=True))
        for nationality in ("UKR", "UKR", "UKR", "VNM", "PHL", "GEO")
    ]
    published, report = k_anonymity.anonymise(rows, k=3, max_suppression=0.0)
    assert sorted(row["citizenship"] for row in published) == ["Other"] * 3 + ["UKR"] * 3
    assert [step["column"] for step in report["generalised"]] == ["citizenship"]
    assert report["suppressed"] == 0


def test_nothing_that_identifies_a_person_is_in_the_file(
    population: list[Case], tmp_path: Path
) -> None:
    output = tmp_path / "ctdc.csv"
    _export(output, "--k", "2", "--max-suppression", "1")
    text = output.read_text(encoding="utf-8")
    for case in population:
        assert str(case.public_id) not in text
        assert case.person.code not in text
    # Every cell is a code: nothing else (an id, a date, text) can hide in the file.
    codes = AGE_BANDS | WIDER_AGE_BANDS | {"-99", "1", "Other", "Adult", "Minor"}
    codes |= {"Man", "Woman", "Trans/Transgender/NonConforming", "Case Management"}
    codes |= {"Family", "Friend"}
    _columns, rows = read_csv(output)
    for row in rows:
        for column, value in row.items():
            assert (
                value in codes
                or (column in ("citizenship", "CountryOfExploitation") and len(value) == 3)
                or (column == "yearOfRegistration" and re.fullmatch(r"\d{4}(--\d{4})?", value))
            ), (column, value)
    for value in ("Anna", "Ivan", "Rare", "Melnyk", "+4860", "1990-03-01", "Grójec", "16 hours"):
        assert value not in text


def test_outside_a_transaction_the_two_passes_share_one_snapshot(
    transactional_db: None, cast: Cast, tmp_path: Path
) -> None:
    """Run as the command runs (no outer transaction): on PostgreSQL the export opens
    its own repeatable-read transaction, which must be its first statement."""
    for n in range(2):
        ctdc_case(cast, name=f"T{n}")
    with CaptureQueriesContext(connection) as queries:
        report = _export(tmp_path / "ctdc.csv", "--k", "2")
    assert (report["records"], report["published"]) == (2, 2)
    if connection.vendor == "postgresql":
        statements = [query["sql"] for query in queries.captured_queries]
        first = next(sql for sql in statements if sql != "BEGIN")
        assert first == "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"


def test_the_file_is_readable_by_its_owner_only(population: list[Case], tmp_path: Path) -> None:
    output = tmp_path / "ctdc.csv"
    _export(output, "--k", "2")
    assert output.stat().st_mode & 0o077 == 0


# --- who --------------------------------------------------------------------------------


def test_with_as_only_the_cases_the_user_may_see_are_exported(
    population: list[Case], cast: Cast, tmp_path: Path
) -> None:
    outsider = tmp_path / "b.csv"
    report = _export(outsider, "--k", "2", "--as", cast.caseworker_b.username)
    assert report["records"] == 0
    assert read_csv(outsider) == (CODEBOOK_COLUMNS, [])
    analyst = tmp_path / "analyst.csv"
    report = _export(analyst, "--k", "2", "--as", cast.analyst.username)
    assert report["records"] == 34


def test_people_found_not_to_be_victims_are_left_out(cast: Cast, tmp_path: Path) -> None:
    decision = {"trafficking_status_decided_by": "Police", "trafficking_status_date": TODAY}
    for n, status in enumerate(["NotAVictimOfTrafficking", "", "", "ActualVictimOfTrafficking"]):
        data = {"trafficking_status": status, **decision} if status else None
        ctdc_case(cast, data=data, name=f"S{n}")
    report = _export(tmp_path / "ctdc.csv", "--k", "3")
    assert report["records"] == 3
    assert report["published"] == 3


def test_the_export_is_audited_with_counts_and_k_only(
    population: list[Case], cast: Cast, tmp_path: Path
) -> None:
    report = _export(tmp_path / "ctdc.csv", "--k", "5", "--as", cast.analyst.username)
    event = AuditEvent.objects.get(action="insights.ctdc_exported")
    assert event.actor_id == cast.analyst.pk
    assert event.detail == {
        "count": {
            "records": 34,
            "published": report["published"],
            "suppressed": report["suppressed"],
            "k": 5,
        },
        "via": "command",
        "target": "ctdc",
    }
    _export(tmp_path / "all.csv")
    anonymous = AuditEvent.objects.filter(action="insights.ctdc_exported").latest("id")
    assert anonymous.actor_id is None
    assert anonymous.actor_username == "command-line"
    assert anonymous.detail["count"]["k"] == 11


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "1"], "k must be a whole number of at least 2"),
        (["--k", "0"], "k must be a whole number of at least 2"),
        (["--k", "-3"], "k must be a whole number of at least 2"),
        (["--max-suppression", "1.5"], "max_suppression must be a share between 0 and 1"),
        (["--as", "nobody"], "no active user 'nobody'"),
        (["--as", "trainer.a"], "user 'trainer.a' may not view cases"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    population: list[Case], cast: Cast, tmp_path: Path, args: list[str], message: str
) -> None:
    assert cast.trainer.username == "trainer.a"
    output = tmp_path / "ctdc.csv"
    with pytest.raises(CommandError, match=message) as raised:
        _export(output, *args)
    assert raised.value.returncode == 2
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action="insights.ctdc_exported").exists()


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("missing/ctdc.csv", "cannot write there"),
        ("a-file/ctdc.csv", "cannot write there"),
        (".", "is a directory"),
    ],
)
def test_an_output_that_cannot_be_written_is_refused(
    population: list[Case], tmp_path: Path, where: str, message: str
) -> None:
    (tmp_path / "a-file").write_text("kept", encoding="utf-8")
    output = tmp_path / where
    with pytest.raises(CommandError, match=message) as raised:
        _export(output)
    assert raised.value.returncode == 2
    assert str(output) in str(raised.value)
    assert [path.name for path in tmp_path.iterdir()] == ["a-file"]
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "kept"
    assert not AuditEvent.objects.filter(action="insights.ctdc_exported").exists()


def test_a_failure_half_way_leaves_no_file(
    population: list[Case], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        handle = args[0]
        handle.write("yearOfRegistration\n")
        raise RuntimeError("disk full")

    monkeypatch.setattr(ctdc, "write_ctdc", broken)
    with pytest.raises(RuntimeError):
        _export(tmp_path / "ctdc.csv")
    assert list(tmp_path.iterdir()) == []


def test_the_api_refuses_k_under_2() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        k_anonymity.plan([], k=1)
    with pytest.raises(ValueError, match="at least 2"):
        ctdc.write_ctdc(StringIO(), actor=None, k=True)


# --- the mapping ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "unhcr", "band"),
    [
        (0, "unknown", "00--08"),
        (8, "unknown", "00--08"),
        (9, "unknown", "09--17"),
        (17, "unknown", "09--17"),
        (18, "unknown", "18--20"),
        (29, "unknown", "27--29"),
        (30, "unknown", "30--38"),
        (47, "unknown", "39--47"),
        (48, "unknown", "48+"),
        (None, "0-4", "00--08"),
        (None, "5-11", "-99"),
        (None, "12-17", "09--17"),
        (None, "18-59", "-99"),
        (None, "60+", "48+"),
        (None, "unknown", "-99"),
    ],
)
def test_age_broad(age: int | None, unhcr: str, band: str) -> None:
    assert ctdc.age_broad(age, unhcr) == band


def test_majority_status_follows_the_published_age_band_only() -> None:
    assert ctdc.majority_of("09--17") == "Minor"
    assert ctdc.majority_of("00--17") == "Minor"
    assert ctdc.majority_of("18--20") == "Adult"
    assert ctdc.majority_of("18+") == "Adult"
    assert ctdc.majority_of("48+") == "Adult"
    assert ctdc.majority_of("-99") == "-99"


def test_age_is_counted_on_the_day_of_registration() -> None:
    assert ctdc.age_on(datetime.date(2000, 12, 1), datetime.date(2018, 11, 30)) == 17
    assert ctdc.age_on(datetime.date(2000, 12, 1), datetime.date(2018, 12, 1)) == 18


def test_every_htcds_code_has_a_ctdc_meaning() -> None:
    from safepath.cases.vocabularies import ExploitationType, MeansOfControl

    assert set(ctdc.MEANS_OF_CONTROL) == set(MeansOfControl.values)
    assert set(ctdc.EXPLOITATION) == set(ExploitationType.values)
    assert set(ctdc.MEANS_OF_CONTROL.values()) <= set(CODEBOOK_COLUMNS)
    assert {c for cs in ctdc.EXPLOITATION.values() for c in cs} <= set(CODEBOOK_COLUMNS)
    assert set(ctdc.LABOUR.values()) <= set(CODEBOOK_COLUMNS)


def test_nothing_recorded_is_not_specified_or_unknown() -> None:
    row = ctdc.details(exploitation_types=[], industries=[], means=[], relationship="")
    assert {c for c, v in row.items() if v == "1"} == {
        "meansOfControlNotSpecified",
        "recruiterRelationUnknown",
    }
    assert row["RecruiterRelationship"] == "-99"
    labour = ctdc.details(
        exploitation_types=["ForcedLabour"], industries=[], means=[], relationship="Familial"
    )
    assert labour["typeOfLabourNotSpecified"] == "1"
    assert labour["recruiterRelationFamily"] == "1"
    assert labour["RecruiterRelationship"] == "Family"


# --- k-anonymity, for any population ------------------------------------------------------

GENDERS = st.sampled_from(["Man", "Woman", "Trans/Transgender/NonConforming", "-99"])
AGES = st.sampled_from(sorted(AGE_BANDS | {"-99"}))
COUNTRIES = st.sampled_from(["UKR", "BLR", "POL", "VNM", "GEO", "MDA", "-99"])
YEARS = st.sampled_from(["2019", "2021", "2022", "2023", "2024", "2025", "2026", "-99"])
RECORDS = st.lists(st.tuples(GENDERS, AGES, COUNTRIES, COUNTRIES, YEARS), max_size=120)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=RECORDS,
    k=st.integers(min_value=2, max_value=11),
    max_suppression=st.sampled_from([0.0, 0.05, 0.2, 1.0]),
)
def test_k_anonymity_always_holds_and_suppression_is_minimal(
    records: list[tuple[str, ...]], k: int, max_suppression: float
) -> None:
    """The property guaranteed: (1) every published combination occurs at least k
    times; (2) a record is suppressed exactly when its combination, after the
    generalisation chosen, has fewer than k records, so (3) no record whose original
    combination already had k records is ever suppressed; (4) the report's counts are
    the truth; (5) generalisation stops as soon as the suppression is within budget, and
    a generalisation step is kept only when it saves records from suppression."""
    rows = [dict(zip(QUASI_IDENTIFIERS, record, strict=True)) for record in records]
    published, report = k_anonymity.anonymise(rows, k=k, max_suppression=max_suppression)
    counts = _recount(published)
    assert all(count >= k for count in counts.values())

    decided = k_anonymity.plan(records, k=k, max_suppression=max_suppression)
    generalised = Counter(decided.generalise(record) for record in records)
    suppressed = [r for r in records if decided.apply(r) is None]
    assert all(generalised[decided.generalise(r)] < k for r in suppressed)
    assert sum(1 for r in records if generalised[decided.generalise(r)] < k) == len(suppressed)

    original = Counter(records)
    assert all(original[r] < k for r in suppressed)

    assert report["records"] == len(records)
    assert report["published"] == len(published) == len(records) - len(suppressed)
    assert report["suppressed"] == len(suppressed)
    # (5) The fewest steps within budget, else the least suppression.
    budget = int(max_suppression * len(records))
    least = k_anonymity.plan(records, k=k, max_suppression=0.0)  # least suppression
    nothing = Counter(records)
    suppressed_without = sum(count for count in nothing.values() if count < k)
    if suppressed_without <= budget:
        assert report["generalised"] == []
    if len(suppressed) > budget:
        assert len(suppressed) <= least.report["suppressed"]
        assert len(suppressed) <= suppressed_without
    for step in report["generalised"]:
        assert step["records_below_k_before"] >= step["records_below_k_after"]


@settings(max_examples=100, deadline=None)
@given(records=RECORDS, k=st.integers(min_value=2, max_value=11))
def test_generalisation_only_widens(records: list[tuple[str, ...]], k: int) -> None:
    """A published value is the original or a wider one that holds it."""
    decided = k_anonymity.plan(records, k=k, max_suppression=0.0)
    widen = {
        "00--17": {"00--08", "09--17"},
        "18--29": {"18--20", "21--23", "24--26", "27--29"},
        "30--47": {"30--38", "39--47"},
        "18+": {"18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"},
    }
    for record in records:
        gender, age, citizenship, country, year = decided.generalise(record)
        assert gender == record[0]
        assert age == record[1] or record[1] in widen[age]
        assert citizenship in (record[2], "Other")
        assert country in (record[3], "Other")
        assert year == record[4] or (
            record[4].isdigit() and int(year[:4]) <= int(record[4]) <= int(year[-4:])
        )


def test_a_person_with_several_cases_counts_once(cast: Cast, tmp_path: Path) -> None:
    """k counts people: one person's closed and reopened cases must not make up a group
    of k on their own. Only the latest case of a person is written."""
    first = ctdc_case(cast, nationality="MDA", exploited_in="POL")
    close(cast, first)
    person = first.person
    second = case_open(actor=cast.caseworker_a, person=person)
    output = tmp_path / "ctdc.csv"
    report = _export(output, "--k", "2", "--max-suppression", "1")
    assert Case.objects.filter(person=person).count() == 2
    assert report["records"] == 1
    assert second.pk != first.pk
