"""Cases in the CTDC synthetic-data codebook v2 columns, k-anonymised
(safepath.insights.ctdc_synthetic and `safepath insights export-ctdc-synthetic`).

The columns and codes are written out here from the codebook
(shared/reference/ctdc_codebook_v2.md, first table); k-anonymity is checked by
recounting the quasi-identifiers of the CSV itself with `csv` and `Counter`."""

import datetime
import json
import re
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safepath.audit.models import AuditEvent
from safepath.cases.models import Case
from tests.conftest import Cast
from tests.insights.ctdc_builders import age_band, ctdc_case, read_csv

CODEBOOK_V2_COLUMNS = [
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    "meansDebtBondageEarnings",
    "meansThreats",
    "meansAbusePsyPhySex",
    "meansFalsePromises",
    "meansDrugsAlcohol",
    "meansDenyBasicNeeds",
    "meansExcessiveWorkHours",
    "meansWithholdDocs",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "typeOfLabourAgriculture",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
]
QUASI_IDENTIFIERS = (
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "yearOfRegistration",
)
BINARY = CODEBOOK_V2_COLUMNS[6:]
AGE_BANDS = {"00--08", "09--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"}
WIDER_AGE_BANDS = {"00--17", "18--29", "30--47", "18+"}
TRAFFICK_MONTHS = {"0--12 (0-1 yr)", "13--24 (1-2 yrs)", "25+ (2+ yrs)"}


def _export(path: Path, *args: str) -> dict[str, Any]:
    stdout = StringIO()
    call_command("insights", "export-ctdc-synthetic", "--output", str(path), *args, stdout=stdout)
    report: dict[str, Any] = json.loads(stdout.getvalue())
    return report


@pytest.fixture
def population(cast: Cast) -> list[Case]:
    """32 cases: a group of Ukrainian women exploited in Poland, a group of Belarusian
    men, and a few who stand out."""
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
                data={"exploitation_types": ["SexualExploitation"]},
                name=f"Ivan{n}",
            )
        )
    for n, (nationality, sex, birth) in enumerate(
        [
            ("VNM", "female", datetime.date(2010, 1, 1)),
            ("PHL", "male", datetime.date(1970, 1, 1)),
            ("UKR", "other", None),
            ("GEO", "male", datetime.date(2000, 1, 1)),
            ("UKR", "unknown", datetime.date(1960, 1, 1)),
            ("MDA", "female", datetime.date(1999, 1, 1)),
        ]
    ):
        cases.append(
            ctdc_case(
                cast,
                sex=sex,
                nationality=nationality,
                birth=birth,
                exploited_in="DEU" if n % 2 else "",
                name=f"Rare{n}",
            )
        )
    return cases


def test_the_columns_are_the_27_of_the_codebook_in_its_order(
    population: list[Case], tmp_path: Path
) -> None:
    output = tmp_path / "v2.csv"
    _export(output, "--k", "2")
    columns, _rows = read_csv(output)
    assert columns == CODEBOOK_V2_COLUMNS
    assert len(columns) == 27


@pytest.mark.parametrize("k", [2, 5, 11])
def test_every_combination_of_quasi_identifiers_occurs_at_least_k_times(
    population: list[Case], tmp_path: Path, k: int
) -> None:
    output = tmp_path / "v2.csv"
    report = _export(output, "--k", str(k))
    _columns, rows = read_csv(output)
    counts = Counter(tuple(row[name] for name in QUASI_IDENTIFIERS) for row in rows)
    assert counts, "nothing was published"
    assert min(counts.values()) >= k
    assert report["k"] == k
    assert report["records"] == 32
    assert report["published"] == len(rows) == report["written"]
    assert report["quasi_identifiers"] == list(QUASI_IDENTIFIERS)


def test_the_codes_are_the_codebooks_and_missing_is_empty(
    population: list[Case], tmp_path: Path
) -> None:
    output = tmp_path / "v2.csv"
    _export(output, "--k", "2", "--max-suppression", "0.5")
    _columns, rows = read_csv(output)
    assert len(rows) >= 26  # the two groups at least
    for row in rows:
        assert re.fullmatch(r"\d{4}|\d{4}--\d{4}", row["yearOfRegistration"])
        assert row["gender"] in {"Man", "Woman", "Trans/Transgender/NonConforming", ""}
        assert row["ageBroad"] in AGE_BANDS | WIDER_AGE_BANDS | {""}
        assert re.fullmatch(r"[A-Z]{3}|Other|", row["citizenship"])
        assert row["CountryOfExploitation"] in {"POL", "DEU", "Other", ""}
        assert row["traffickMonths"] in TRAFFICK_MONTHS | {""}
        assert {row[column] for column in BINARY} <= {"1", ""}
    assert "-99" not in {value for row in rows for value in row.values()}


def test_safepaths_codes_fold_into_the_v2_columns(cast: Cast, tmp_path: Path) -> None:
    data = {
        "exploitation_types": ["ForcedLabour", "SexualExploitation", "ForcedMarriage"],
        "forced_labour_industries": ["A_AgricultureForestryAndFishing", "F_Construction"],
        "means_of_control": [
            "TakesEarnings",
            "ThreatsLawEnforcement",
            "SexualAbuse",
            "PsychoactiveSubstance",
            "RestrictsMedicalCare",
            "WithholdsDocuments",
        ],
        "relationship_to_trafficker": "Familial",
    }
    for n in range(2):
        ctdc_case(
            cast, birth=datetime.date(2002, 1, 1), exploited_in="POL", data=data, name=f"A{n}"
        )
    output = tmp_path / "v2.csv"
    report = _export(output, "--k", "2", "--max-suppression", "0")
    _columns, rows = read_csv(output)
    assert report["generalised"] == []
    assert len(rows) == 2
    assert rows[0] == rows[1]
    year = timezone.localdate().year
    assert {name: value for name, value in rows[0].items() if value} == {
        "yearOfRegistration": str(year),
        "gender": "Woman",
        "ageBroad": age_band(year - 2002),
        "citizenship": "UKR",
        "CountryOfExploitation": "POL",
        "meansDebtBondageEarnings": "1",
        "meansThreats": "1",
        "meansAbusePsyPhySex": "1",
        "meansDrugsAlcohol": "1",
        "meansDenyBasicNeeds": "1",
        "meansWithholdDocs": "1",
        "isForcedLabour": "1",
        "isSexualExploit": "1",
        "isOtherExploit": "1",
        "typeOfLabourAgriculture": "1",
        "typeOfLabourConstruction": "1",
        "recruiterRelationFamily": "1",
    }


def test_nothing_recorded_leaves_every_column_but_the_quasi_identifiers_empty(
    cast: Cast, tmp_path: Path
) -> None:
    for n in range(2):
        ctdc_case(cast, sex="male", nationality="BLR", birth=None, name=f"B{n}")
    output = tmp_path / "v2.csv"
    _export(output, "--k", "2", "--max-suppression", "0")
    _columns, rows = read_csv(output)
    assert {name: value for name, value in rows[0].items() if value} == {
        "yearOfRegistration": str(timezone.localdate().year),
        "gender": "Man",
        "citizenship": "BLR",
    }


def test_with_as_only_the_cases_the_user_may_see_are_exported_and_audited(
    population: list[Case], cast: Cast, tmp_path: Path
) -> None:
    report = _export(tmp_path / "b.csv", "--k", "2", "--as", cast.caseworker_b.username)
    assert report["records"] == 0
    assert read_csv(tmp_path / "b.csv") == (CODEBOOK_V2_COLUMNS, [])
    report = _export(tmp_path / "a.csv", "--k", "5", "--as", cast.analyst.username)
    assert report["records"] == 32
    event = AuditEvent.objects.filter(action="insights.ctdc_synthetic_exported").latest("id")
    assert event.actor_id == cast.analyst.pk
    assert event.detail == {
        "count": {
            "records": 32,
            "published": report["published"],
            "suppressed": report["suppressed"],
            "k": 5,
        },
        "via": "command",
        "target": "ctdc_synthetic_v2",
    }
    assert (tmp_path / "a.csv").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "1"], "k must be a whole number of at least 2"),
        (["--max-suppression", "-0.1"], "max_suppression must be a share between 0 and 1"),
        (["--as", "nobody"], "no active user 'nobody'"),
        (["--as", "trainer.a"], "user 'trainer.a' may not view cases"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    population: list[Case], tmp_path: Path, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        _export(tmp_path / "v2.csv", *args)
    assert raised.value.returncode == 2
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action="insights.ctdc_synthetic_exported").exists()
