"""`safepath assess`: the command-line contract of issue 3, through call_command and for real."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

# The command reads the catalogue registry, which holds the versions in the database too.
pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(settings.BASE_DIR).parent
KEYS = {
    "catalogue",
    "catalogue_version",
    "rule_version",
    "population",
    "dimensions",
    "trafficking_indicated",
    "status",
    "missing",
    "explanation",
}
INDICATED = "AL-DR-01,AL-DR-02,AL-EX-01,AL-EX-02,AL-CD-01,AL-CD-02"


def _assess(*args: str) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("assess", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def _json(*args: str) -> dict[str, Any]:
    stdout, stderr = _assess(*args, "--format", "json")
    assert stderr == ""
    assert stdout.count("\n") == 1  # one JSON object on one line
    result: dict[str, Any] = json.loads(stdout)
    return result


def _failure(*args: str) -> tuple[CommandError, str]:
    stdout = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("assess", *args, stdout=stdout, stderr=StringIO())
    return raised.value, stdout.getvalue()


# --- JSON ----------------------------------------------------------------------------------


def test_json_has_exactly_the_keys_of_the_contract() -> None:
    result = _json("--catalogue", "AL", "--indicators", INDICATED)

    assert set(result) == KEYS
    assert list(result["dimensions"]) == ["DR", "CR", "AV", "EX", "CD", "VD"]
    for finding in result["dimensions"].values():
        assert set(finding) == {"positive", "strong", "medium", "weak", "indicators"}
    assert {key: value for key, value in result.items() if key != "dimensions"} == {
        "catalogue": "AL",
        "catalogue_version": "2009-09",
        "rule_version": "ilo-ec-2009/1",
        "population": "adult",
        "trafficking_indicated": True,
        "status": "PossibleVictimOfTrafficking",
        "missing": [],
        "explanation": result["explanation"],
    }
    assert result["dimensions"]["EX"] == {
        "positive": True,
        "strong": 1,
        "medium": 1,
        "weak": 0,
        "indicators": ["AL-EX-01", "AL-EX-02"],
    }
    assert result["explanation"].startswith("Possible victim of trafficking: ")


def test_json_of_the_example_in_the_issue() -> None:
    result = _json("--catalogue", "AL", "--indicators", "AL-DR-01,AL-EX-01,AL-CD-02")

    assert result["trafficking_indicated"] is False
    assert result["status"] is None
    assert result["missing"] == ["means", "exploitation", "control_at_destination"]
    assert [d for d, f in result["dimensions"].items() if f["indicators"]] == ["DR", "EX", "CD"]
    assert not any(f["positive"] for f in result["dimensions"].values())


def test_the_act_matters_for_a_child() -> None:
    without = _json("--catalogue", "CL", "--indicators", "CL-EX-01,CL-EX-02")
    with_act = _json("--catalogue", "CL", "--indicators", "CL-EX-01,CL-EX-02", "--act")

    assert without["population"] == with_act["population"] == "child"
    assert (without["trafficking_indicated"], without["missing"]) == (False, ["act"])
    assert (with_act["trafficking_indicated"], with_act["missing"]) == (True, [])
    assert with_act["status"] == "PossibleVictimOfTrafficking"


def test_an_empty_list_is_a_valid_screening_with_nothing_positive() -> None:
    result = _json("--catalogue", "AL", "--indicators", "")

    assert result["trafficking_indicated"] is False
    assert result["missing"] == ["means", "exploitation", "control_at_destination"]
    assert all(
        f == {"positive": False, "strong": 0, "medium": 0, "weak": 0, "indicators": []}
        for f in result["dimensions"].values()
    )


def test_repeated_codes_and_spaces_count_once() -> None:
    result = _json("--catalogue", "AL", "--indicators", " AL-DR-01, AL-DR-01 ,AL-DR-02,")

    assert result["dimensions"]["DR"] == {
        "positive": True,
        "strong": 1,
        "medium": 1,
        "weak": 0,
        "indicators": ["AL-DR-01", "AL-DR-02"],
    }


@pytest.mark.usefixtures("compiled_catalogues")
def test_the_four_languages_give_four_different_explanations() -> None:
    explanations = {
        language: _json("--catalogue", "AL", "--indicators", INDICATED, "--language", language)[
            "explanation"
        ]
        for language in ("en", "pl", "uk", "ru")
    }

    assert all(explanations.values())
    assert len(set(explanations.values())) == 4
    assert explanations["en"].startswith("Possible victim of trafficking:")
    assert explanations["pl"].startswith("Możliwa ofiara handlu ludźmi:")
    assert explanations["uk"].startswith("Можлива постраждала від торгівлі людьми особа:")
    assert explanations["ru"].startswith("Возможная жертва торговли людьми:")


# --- text ----------------------------------------------------------------------------------


def test_text_is_the_default_with_the_explanation_and_a_table() -> None:
    stdout, stderr = _assess("--catalogue", "AL", "--indicators", "AL-DR-01,AL-DR-02")

    explanation, table = stdout.rstrip("\n").split("\n\n")
    assert stderr == ""
    assert explanation.startswith("The indicators recorded do not meet the rule")
    assert table.splitlines() == [
        "Dimension  Positive  Strong  Medium  Weak  Indicators",
        "DR         yes            1       1     0  AL-DR-01, AL-DR-02",
        "CR         no             0       0     0  -",
        "AV         no             0       0     0  -",
        "EX         no             0       0     0  -",
        "CD         no             0       0     0  -",
        "VD         no             0       0     0  -",
    ]


@pytest.mark.usefixtures("compiled_catalogues")
def test_the_table_speaks_the_language_too() -> None:
    stdout, _stderr = _assess("--catalogue", "AL", "--indicators", "", "--language", "pl")

    assert "Wymiar  Pozytywny  Silne  Średnie  Słabe  Wskaźniki" in stdout
    assert "Nie zapisano żadnych wskaźników." in stdout


# --- bad input: status 2, every bad value named, nothing on stdout -------------------------


def test_bad_codes_are_all_named_and_nothing_is_printed() -> None:
    error, stdout = _failure(
        "--catalogue", "AL", "--indicators", "AL-ZZ-01,CL-DR-01,AL-DR-01,XX,CL-DR-01"
    )

    assert error.returncode == 2
    assert str(error) == (
        "3 indicator code(s) not in catalogue AL version 2009-09: AL-ZZ-01, CL-DR-01, XX "
        "(CL-DR-01 is in catalogue CL)"
    )
    assert stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--catalogue", "AS"], "unknown catalogue 'AS'; known: AL, CL"),
        (["--catalogue", "AL", "--language", "de"], "unknown language 'de'; use one of en, pl"),
        (["--catalogue", "AL", "--format", "xml"], "unknown format 'xml'; use one of text, json"),
    ],
)
def test_bad_options_end_with_status_2(args: list[str], message: str) -> None:
    error, stdout = _failure(*args, "--indicators", "")

    assert error.returncode == 2
    assert str(error).startswith(message)
    assert stdout == ""


# --- the real command line -----------------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "safepath", "assess", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "safepath.settings"},
        check=False,
    )


def test_command_line_bad_codes_exit_2_with_nothing_on_stdout() -> None:
    result = _run(
        "--catalogue", "AL", "--indicators", "AL-DR-01,AL-ZZ-99,CL-EX-01,nonsense,AL-ZZ-99"
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert "AL-ZZ-99" in result.stderr
    assert "CL-EX-01" in result.stderr
    assert "nonsense" in result.stderr
    assert "AL-DR-01" not in result.stderr  # only the bad codes are named
    assert result.stderr == (
        "CommandError: 3 indicator code(s) not in catalogue AL version 2009-09: "
        "AL-ZZ-99, CL-EX-01, nonsense (CL-EX-01 is in catalogue CL)\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--catalogue", "XX", "--indicators", "AL-DR-01"],
        ["--catalogue", "AL", "--indicators", "", "--language", "fr"],
        ["--catalogue", "AL"],  # --indicators is required
    ],
)
def test_command_line_bad_options_exit_2(args: list[str]) -> None:
    result = _run(*args)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr


def test_command_line_prints_one_json_object() -> None:
    result = _run(
        "--catalogue", "CL", "--indicators", "CL-EX-01,CL-EX-02", "--act", "--format", "json"
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    output = json.loads(result.stdout)
    assert set(output) == KEYS
    assert output["trafficking_indicated"] is True
