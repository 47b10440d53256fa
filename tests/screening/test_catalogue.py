"""Catalogues: the built-in ones, validating a file, and keeping several versions."""

import csv
from collections import Counter
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest

from safepath.screening.indicators import (
    Catalogue,
    CatalogueConflict,
    CatalogueError,
    CatalogueProblem,
    CatalogueRegistry,
    Indicator,
    UnknownCatalogue,
    assess,
    builtin_catalogues,
    builtin_registry,
    load_catalogue,
)

DATA = Path(str(resources.files("safepath.screening.indicators").joinpath("data")))
REFERENCE = Path("/work/shared/reference/ilo_ec_2009_indicators.csv")
HEADER = "code,catalogue,population,exploitation,dimension,strength,label_en\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path, **kwargs: str) -> list[tuple[int, str, str]]:
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path, version=kwargs.get("version", "1"), provenance="test")
    return [(p.row, p.field, p.reason) for p in raised.value.problems]


# --- the built-in catalogues ---------------------------------------------------------------


def test_the_built_in_catalogues_are_al_and_cl_of_the_2009_revision() -> None:
    registry = builtin_registry()

    assert registry.codes() == ("AL", "CL")
    assert registry.versions("AL") == ("2009-09",)
    assert registry.versions("CL") == ("2009-09",)
    al, cl = registry.get("AL"), registry.get("CL")
    assert (al.population, len(al.indicators)) == ("adult", 67)
    assert (cl.population, len(cl.indicators)) == ("child", 65)
    # The per-dimension counts of AL that the reference README checked (10/10/16/9/15/7).
    assert Counter(i.dimension for i in al.indicators.values()) == {
        "DR": 10,
        "CR": 10,
        "AV": 16,
        "EX": 9,
        "CD": 15,
        "VD": 7,
    }
    # The translations and questions are tested in test_catalogue_languages.py.
    assert replace(al.indicators["AL-DR-01"], labels={}, questions={}) == Indicator(
        code="AL-DR-01",
        catalogue="AL",
        population="adult",
        exploitation="labour",
        dimension="DR",
        strength="strong",
        label_en="Misled about the kind of job, the work location or the employer",
    )


def test_each_catalogue_carries_its_provenance() -> None:
    for catalogue in builtin_catalogues():
        assert "WCMS_105023" in catalogue.provenance
        assert "revised September 2009" in catalogue.provenance
        assert "copied 2026-11-30" in catalogue.provenance
        assert "strengths not yet checked against the original" in catalogue.provenance
    note = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "transcribed from a secondary" in note
    assert "reproduction" in note
    assert "169b791815fd2bdb77b68c9d2d9fe930db170f770bbf46e52374b802189da118" in note


@pytest.mark.skipif(not REFERENCE.exists(), reason="the shared reference is not on this machine")
def test_the_package_data_is_the_reference_unchanged() -> None:
    with REFERENCE.open(encoding="utf-8", newline="") as file:
        reference = sorted(tuple(row.values()) for row in csv.DictReader(file))
    shipped = sorted(
        (i.code, i.catalogue, i.population, i.exploitation, i.dimension, i.strength, i.label_en)
        for catalogue in builtin_catalogues()
        for i in catalogue.indicators.values()
    )
    assert shipped == reference


# --- validating a file ---------------------------------------------------------------------


def test_every_problem_is_reported_with_its_row(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "bad.csv",
        HEADER
        + "AL-DR-01,AL,adult,labour,DR,strong,Misled about the job\n"  # row 2: fine
        + "AL-XX-01,AL,adult,labour,XX,strong,Unknown dimension\n"  # row 3
        + "AL-DR-02,AL,adult,labour,DR,very strong,Unknown strength\n"  # row 4
        + "AL-DR-3,AL,adult,labour,DR,medium,Code with one digit\n"  # row 5
        + "AL-EX-01,AL,adult,labour,DR,medium,Code of another dimension\n"  # row 6
        + "AL-DR-01,AL,adult,labour,DR,weak,Duplicate\n"  # row 7
        + "CL-DR-04,CL,adult,labour,DR,weak,Another catalogue\n"  # row 8
        + "AL-DR-05,AL,adult,labour,DR,weak,\n"  # row 9: empty label
        + "AL-DR-06,AL,child,labour,DR,weak,Another population\n"  # row 10
        + "AL-DR-07,AL,elderly,,DR,weak,Unknown population and no exploitation\n"  # row 11
        + "AL-DR-08,AL,adult,labour,DR\n",  # row 12: short
    )

    assert _problems(path) == [
        (3, "dimension", "unknown dimension 'XX' (one of DR, CR, AV, EX, CD, VD)"),
        (4, "strength", "unknown strength 'very strong' (one of strong, medium, weak)"),
        (5, "code", "'AL-DR-3' does not match AL-DR-NN (catalogue, dimension, two digits)"),
        (6, "code", "'AL-EX-01' does not match AL-DR-NN (catalogue, dimension, two digits)"),
        (7, "code", "duplicate code AL-DR-01 (first on row 2)"),
        (8, "catalogue", "'CL' differs from 'AL': a file holds one catalogue"),
        (9, "label_en", "empty"),
        (10, "population", "'child' differs from 'adult': a catalogue is for one population"),
        (11, "population", "unknown population 'elderly' (one of adult, child)"),
        (11, "exploitation", "empty"),
        (12, "row", "has 5 fields, the header has 7"),
    ]


def test_the_error_message_lists_every_problem(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "two.csv",
        HEADER + "AL-DR-01,AL,adult,labour,DR,strong,\nAL-DR-01,AL,adult,labour,DR,weak,x\n",
    )

    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path, version="1", provenance="test")

    assert str(raised.value) == (
        "two.csv: 2 problems in the catalogue:\n"
        "  row 2, label_en: empty\n"
        "  row 3, code: duplicate code AL-DR-01 (first on row 2)"
    )
    assert raised.value.source == "two.csv"


def test_missing_columns_are_named_on_the_header_row(tmp_path: Path) -> None:
    path = _write(tmp_path / "columns.csv", "code,catalogue,dimension,label\nAL-DR-01,AL,DR,x\n")

    assert _problems(path) == [
        (1, "population", "missing column"),
        (1, "exploitation", "missing column"),
        (1, "strength", "missing column"),
        (1, "label_en", "missing column"),
    ]


def test_an_empty_file_has_no_indicators(tmp_path: Path) -> None:
    assert _problems(_write(tmp_path / "empty.csv", "")) == [
        (1, column, "missing column")
        for column in (
            "code",
            "catalogue",
            "population",
            "exploitation",
            "dimension",
            "strength",
            "label_en",
        )
    ]
    assert _problems(_write(tmp_path / "header.csv", HEADER + "\n,,,,,,\n")) == [
        (0, "file", "no indicators")
    ]


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "AL-DR-01,AL,adult,labour,DR,strong,Zażółć\n").encode("cp1250"))

    problems = _problems(path)

    assert problems == [(0, "file", "not UTF-8 text (invalid start byte): save the file as UTF-8")]


def test_a_spreadsheet_export_loads(tmp_path: Path) -> None:
    # A byte-order mark, CRLF line endings, spaces around values, an extra column, a
    # trailing blank line: all as spreadsheet programs write them.
    path = tmp_path / "export.csv"
    path.write_bytes(
        (
            "\ufeffcode,catalogue,population,exploitation,dimension,strength,label_en,label_pl\r\n"
            "AL-DR-01, AL ,adult,labour,DR,strong,Misled about the job,Wprowadzony w błąd\r\n"
            "\r\n"
        ).encode()
    )

    catalogue = load_catalogue(path, version="1", provenance="test")

    assert list(catalogue.indicators) == ["AL-DR-01"]
    assert catalogue.indicators["AL-DR-01"].catalogue == "AL"


def test_a_file_for_another_catalogue_is_refused_when_one_is_expected(tmp_path: Path) -> None:
    path = _write(tmp_path / "cl.csv", HEADER + "CL-DR-01,CL,child,labour,DR,strong,x\n")

    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path, version="1", provenance="test", catalogue="AL")

    assert raised.value.problems == (
        CatalogueProblem(2, "catalogue", "'CL' differs from 'AL': a file holds one catalogue"),
    )


@pytest.mark.parametrize("version", ["", " 1", "2026/01", "x" * 33])
def test_a_version_must_be_a_plain_label(tmp_path: Path, version: str) -> None:
    path = _write(tmp_path / "ok.csv", HEADER + "AL-DR-01,AL,adult,labour,DR,strong,x\n")

    with pytest.raises(ValueError, match="version"):
        load_catalogue(path, version=version, provenance="test")


def test_a_catalogue_needs_a_provenance(tmp_path: Path) -> None:
    path = _write(tmp_path / "ok.csv", HEADER + "AL-DR-01,AL,adult,labour,DR,strong,x\n")

    with pytest.raises(ValueError, match="provenance"):
        load_catalogue(path, version="1", provenance="  ")


def test_a_catalogue_refuses_an_indicator_that_does_not_fit() -> None:
    stray = Indicator("CL-DR-01", "CL", "child", "labour", "DR", "strong", "x")

    with pytest.raises(ValueError, match="CL-DR-01"):
        Catalogue("AL", "1", "test", "adult", {"CL-DR-01": stray})


# --- new versions and new catalogues, without a code change --------------------------------


def _al_with_dr_02_strong(tmp_path: Path) -> Path:
    """The AL catalogue, with AL-DR-02 checked and found strong (a plausible revision)."""
    original = (DATA / "AL-2009-09.csv").read_text(encoding="utf-8")
    revised = original.replace(
        "AL-DR-02,AL,adult,labour,DR,medium,", "AL-DR-02,AL,adult,labour,DR,strong,"
    )
    assert revised != original
    return _write(tmp_path / "AL-2026-01.csv", revised)


def test_a_new_version_loads_and_the_old_one_is_re_read_exactly(tmp_path: Path) -> None:
    registry = builtin_registry()
    old = registry.get("AL")
    new = load_catalogue(
        _al_with_dr_02_strong(tmp_path), version="2026-01", provenance="checked", catalogue="AL"
    )

    registry.add(new)

    assert registry.versions("AL") == ("2009-09", "2026-01")
    assert registry.get("AL") is new  # the current version is the last one added
    assert registry.get("AL", "2009-09") is old
    assert registry.get("AL", "2009-09") == builtin_registry().get("AL", "2009-09")
    assert new.digest != old.digest
    codes = ["AL-DR-01", "AL-DR-02"]
    assert assess(registry.get("AL", "2009-09"), codes, act=False).dimensions["DR"].strong == 1
    assert assess(registry.get("AL"), codes, act=False).dimensions["DR"].strong == 2
    assessment = assess(registry.get("AL", "2009-09"), codes, act=False)
    assert (assessment.catalogue, assessment.catalogue_version) == ("AL", "2009-09")


def test_a_version_never_changes(tmp_path: Path) -> None:
    registry = builtin_registry()
    same = load_catalogue(DATA / "AL-2009-09.csv", version="2009-09", provenance="again")
    changed = load_catalogue(
        _al_with_dr_02_strong(tmp_path), version="2009-09", provenance="changed"
    )

    registry.add(same)  # the same indicators under the same version: nothing happens
    with pytest.raises(CatalogueConflict):
        registry.add(changed)

    assert registry.versions("AL") == ("2009-09",)
    assert registry.get("AL", "2009-09").indicators["AL-DR-02"].strength == "medium"


def test_a_new_catalogue_loads_from_a_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "national.csv",
        HEADER
        + "PLN-EX-01,PLN,adult,labour,EX,strong,Works without pay\n"
        + "PLN-EX-02,PLN,adult,labour,EX,medium,Works very long hours\n",
    )
    registry = CatalogueRegistry()

    registry.add(load_catalogue(path, version="2026", provenance="national list"))

    catalogue = registry.get("PLN", "2026")
    assert catalogue.population == "adult"
    assert assess(catalogue, ["PLN-EX-01", "PLN-EX-02"], act=False).dimensions["EX"].positive
    assert registry.catalogues_with("PLN-EX-01") == ("PLN",)


def test_unknown_catalogues_and_versions() -> None:
    registry = builtin_registry()

    with pytest.raises(UnknownCatalogue) as no_catalogue:
        registry.get("AS")
    with pytest.raises(UnknownCatalogue) as no_version:
        registry.get("AL", "2008")

    assert str(no_catalogue.value) == "unknown catalogue 'AS'; known: AL, CL"
    assert str(no_version.value) == "unknown version '2008' of 'AL'; known: 2009-09"
    assert registry.versions("AS") == ()
