"""`safepath screening xlsform`: the screening as an XLSForm for KoboToolbox and ODK."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from safepath.core.geography import VOIVODESHIP_CODES
from safepath.people.models import AgeBand
from safepath.screening.indicators import Catalogue
from safepath.screening.indicators.catalogue import DIMENSIONS
from safepath.screening.models import SiteType
from safepath.screening.vulnerability import FACTORS, NEED_CODES
from safepath.screening.xlsform import (
    ADULT_BANDS,
    CHILD_BANDS,
    IDENTIFYING_FIELDS,
    LANGUAGES,
    FormError,
    build_form,
    form_version,
    indicator_code,
    indicator_field,
)

COLUMN_LANGUAGES = ("English (en)", "Polski (pl)", "Українська (uk)", "Русский (ru)")
CONSENTED = "${consent} = 'yes'"
SHELL = (sys.executable, "-m", "safepath", "screening")

# The command reads the catalogue registry, which includes the versions in the database.
pytestmark = pytest.mark.django_db


def _write(path: Path, *args: str) -> str:
    stdout = StringIO()
    call_command("screening", "xlsform", "--output", str(path), *args, stdout=stdout)
    return stdout.getvalue()


def _sheet(path: Path, name: str) -> list[dict[str, Any]]:
    rows = list(load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
    header = rows[0]
    return [
        {column: value for column, value in zip(header, row, strict=True) if value is not None}
        for row in rows[1:]
    ]


@pytest.fixture(scope="module")
def form_path(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Path:
    path = tmp_path_factory.mktemp("xlsform") / "screening.xlsx"
    # The form is built from the registry, which holds the catalogue versions loaded
    # into the database as well as the built-in ones.
    with django_db_blocker.unblock():
        output = _write(path)
    assert "AL-2009-09_CL-2009-09_ilo-ec-2009-1_r1" in output
    return path


@pytest.fixture(scope="module")
def survey(form_path: Path) -> dict[str, dict[str, Any]]:
    return {
        row["name"]: row for row in _sheet(form_path, "survey") if row.get("type") != "end_group"
    }


def test_the_command_writes_the_three_sheets(form_path: Path) -> None:
    assert load_workbook(form_path, read_only=True).sheetnames == ["survey", "choices", "settings"]
    assert _sheet(form_path, "settings") == [
        {
            "form_title": "safepath screening",
            "form_id": "safepath_screening",
            "version": "AL-2009-09_CL-2009-09_ilo-ec-2009-1_r1",
            "default_language": "English (en)",
            "style": "pages",
        }
    ]
    header = next(load_workbook(form_path, read_only=True)["survey"].iter_rows(values_only=True))
    for kind in ("label", "hint"):
        assert [f"{kind}::{name}" for name in COLUMN_LANGUAGES] == [
            column for column in header if str(column).startswith(f"{kind}::")
        ]


def test_pyxform_converts_it_without_warnings(form_path: Path) -> None:
    warnings: list[str] = []
    result = convert(xlsform=str(form_path), warnings=warnings)
    assert warnings == []
    xform = result.xform
    assert 'id="safepath_screening"' in xform
    assert 'version="AL-2009-09_CL-2009-09_ilo-ec-2009-1_r1"' in xform
    assert "<instanceID/>" in xform  # meta/instanceID, which the import identifies by
    for name in COLUMN_LANGUAGES:
        assert f'<translation lang="{name}"' in xform
    assert '<translation lang="English (en)" default="true()">' in xform


def test_consent_comes_first_and_guards_everything_identifying(
    survey: dict[str, dict[str, Any]],
) -> None:
    questions = [
        name
        for name, row in survey.items()
        if row["type"] not in ("note", "begin_group", "start", "end", "today", "calculate")
    ]
    assert questions[0] == "consent"
    consent = survey["consent"]
    assert consent["type"] == "select_one yes_no"
    assert consent["required"] == "yes"
    assert survey["consent_info"]["type"] == "note"
    assert list(survey).index("consent_info") < list(survey).index("consent")
    for name in (*IDENTIFYING_FIELDS, "sex", "person", "consent_method"):
        assert survey[name]["relevant"] == CONSENTED, name
    # Nothing else is guarded by consent, so the anonymous screening keeps everything else.
    guarded = {name for name, row in survey.items() if "${consent}" in row.get("relevant", "")}
    assert guarded == {*IDENTIFYING_FIELDS, "sex", "person", "consent_method"}


def test_every_indicator_is_asked_in_four_languages(
    survey: dict[str, dict[str, Any]], al: Catalogue, cl: Catalogue
) -> None:
    for catalogue in (al, cl):
        for code, indicator in catalogue.indicators.items():
            row = survey[indicator_field(code)]
            assert row["type"] == "select_one yes_no_dont_know"
            for language, name in LANGUAGES:
                assert row[f"label::{name}"] == indicator.question(language)
                assert row[f"hint::{name}"].startswith(indicator.label(language))
                assert row[f"label::{name}"].strip()
                assert code in row[f"hint::{name}"]
    indicator_rows = [name for name in survey if re.fullmatch(r"[A-Z]+_[A-Z]{2}_\d{2}", name)]
    assert len(indicator_rows) == len(al.indicators) + len(cl.indicators)


def test_every_text_has_its_four_languages(form_path: Path) -> None:
    for sheet in ("survey", "choices"):
        for row in _sheet(form_path, sheet):
            labels = [row.get(f"label::{name}", "") for name in COLUMN_LANGUAGES]
            assert all(labels) or not any(labels), row
            hints = [row.get(f"hint::{name}", "") for name in COLUMN_LANGUAGES]
            assert all(hints) or not any(hints), row


def test_the_paths_follow_the_age(survey: dict[str, dict[str, Any]]) -> None:
    for dimension in DIMENSIONS:
        adult = survey[f"AL_{dimension}"]
        child = survey[f"CL_{dimension}"]
        assert adult["type"] == child["type"] == "begin_group"
        assert adult["appearance"] == child["appearance"] == "field-list"
        assert "${age} >= 18" in adult["relevant"]
        assert "${age} < 18" in child["relevant"]
        for band in ADULT_BANDS:
            assert f"${{age_band}} = '{band}'" in adult["relevant"]
            assert f"${{age_band}} = '{band}'" not in child["relevant"]
        for band in CHILD_BANDS:
            assert f"${{age_band}} = '{band}'" in child["relevant"]
            assert f"${{age_band}} = '{band}'" not in adult["relevant"]
        # Each group names its path in every language (the dimension's name).
        assert adult["label::Polski (pl)"] != adult["label::English (en)"]
    assert survey["act"]["relevant"] == survey["CL_EX"]["relevant"]
    assert survey["age"]["relevant"] == "${age_known} = 'yes'"
    assert survey["age_band"]["relevant"] == "${age_known} = 'no'"
    assert survey["age_known"]["required"] == "yes"
    assert "${age}" in survey["population"]["calculation"]
    assert "'AL'" in survey["catalogue"]["calculation"]
    assert "'CL'" in survey["catalogue"]["calculation"]
    # Every age band except "unknown" leads to exactly one path.
    assert {*ADULT_BANDS, *CHILD_BANDS} == set(AgeBand.values) - {AgeBand.UNKNOWN}


def test_site_language_and_vulnerability_choices(form_path: Path) -> None:
    choices: dict[str, list[dict[str, Any]]] = {}
    for row in _sheet(form_path, "choices"):
        choices.setdefault(row["list_name"], []).append(row)
    names = {list_name: [row["name"] for row in rows] for list_name, rows in choices.items()}
    assert names["voivodeship"] == list(VOIVODESHIP_CODES)
    assert names["site_type"] == list(SiteType.values)
    assert names["factor"] == [factor.code for factor in FACTORS]
    assert names["need"] == list(NEED_CODES)
    assert names["yes_no_dont_know"] == ["yes", "no", "dont_know"]
    lublin = next(row for row in choices["voivodeship"] if row["name"] == "06")
    assert lublin["label::Polski (pl)"] == "lubelskie"
    assert re.search("[а-яіїє]", lublin["label::Українська (uk)"])
    # gettext_lazy labels are rendered in each language, not in the active one.
    shelter = next(row for row in choices["need"] if row["name"] == "shelter")
    assert shelter["label::English (en)"] == "Shelter"
    assert len({shelter[f"label::{name}"] for name in COLUMN_LANGUAGES}) == 4
    border = next(row for row in choices["site_type"] if row["name"] == "border_crossing")
    assert border["label::Polski (pl)"] == "Przejście graniczne"


def test_one_catalogue_only(tmp_path: Path) -> None:
    path = tmp_path / "adults.xlsx"
    _write(path, "--catalogue", "AL")
    rows = {row["name"]: row for row in _sheet(path, "survey") if row["type"] != "end_group"}
    assert "AL_DR_01" in rows
    assert not [name for name in rows if name.startswith("CL_")]
    assert "act" not in rows
    assert ". >= 18" in rows["age"]["constraint"]
    assert (
        rows["age"]["constraint_message::English (en)"] == "This form is for adults (18 or over)."
    )
    assert _sheet(path, "settings")[0]["version"] == "AL-2009-09_ilo-ec-2009-1_r1"
    warnings: list[str] = []
    convert(xlsform=str(path), warnings=warnings)
    assert warnings == []


def test_a_bad_catalogue_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "screening.xlsx"
    with pytest.raises(CommandError, match="XX") as caught:
        _write(path, "--catalogue", "XX")
    assert caught.value.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_a_bad_output_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"\.xlsx"):
        _write(tmp_path / "screening.csv")
    with pytest.raises(CommandError, match="no such directory"):
        _write(tmp_path / "missing" / "screening.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_the_exit_status_from_the_shell(tmp_path: Path) -> None:
    path = tmp_path / "screening.xlsx"
    result = subprocess.run(
        [*SHELL, "xlsform", "--catalogue", "XX", "--output", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "safepath.settings"},
    )
    assert result.returncode == 2
    assert "XX" in result.stderr
    assert result.stdout == ""
    assert not path.exists()


def test_the_subcommand_is_required() -> None:
    with pytest.raises(CommandError):
        call_command("screening")


def test_a_form_takes_one_catalogue_per_population(al: Catalogue) -> None:
    with pytest.raises(FormError, match="adult"):
        build_form([al, al])
    with pytest.raises(FormError):
        build_form([])


def test_field_names_map_back_to_codes(al: Catalogue, cl: Catalogue) -> None:
    for code in (*al.indicators, *cl.indicators):
        field = indicator_field(code)
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", field)  # a valid XML name
        assert indicator_code(field) == code
    assert indicator_field("AL-DR-01") == "AL_DR_01"
    assert form_version([al, cl], revision=7) == "AL-2009-09_CL-2009-09_ilo-ec-2009-1_r7"
