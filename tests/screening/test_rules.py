"""The rules of indicator_rules.md, worked by hand on the built-in catalogues.

AL (adults) by strength, per dimension:
DR strong 01, medium 02-09, weak 10 · CR strong 01, medium 02-10 · AV medium 01-14,
weak 15-16 · EX strong 01, medium 02-08, weak 09 · CD strong 01-04, medium 05-14,
weak 15 · VD medium 01-05, weak 06-07.
CL (children): EX strong 01, medium 02-08 · CR strong 01-04, medium 05-10 ·
CD strong 01-08, medium 09-15.
"""

import dataclasses

import pytest

from safepath.screening.indicators import (
    DIMENSIONS,
    POSSIBLE_VICTIM,
    RULE_VERSION,
    Catalogue,
    DimensionResult,
    UnknownIndicators,
    as_record,
    assess,
)
from safepath.screening.indicators.rules import dimension_positive


def test_the_rule_version_is_the_documented_one() -> None:
    assert RULE_VERSION == "ilo-ec-2009/1"


# --- Rule 1: when a dimension is positive ----------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "dimension", "expected"),
    [
        # the four combinations of the rule (one strong + one medium OR weak counts as two)
        (["AL-CD-01", "AL-CD-02"], "CD", (True, 2, 0, 0)),  # two strong
        (["AL-DR-01", "AL-DR-02"], "DR", (True, 1, 1, 0)),  # one strong and one medium
        (["AL-DR-01", "AL-DR-10"], "DR", (True, 1, 0, 1)),  # one strong and one weak
        (["AL-DR-02", "AL-DR-03", "AL-DR-04"], "DR", (True, 0, 3, 0)),  # three medium
        (["AL-DR-02", "AL-DR-03", "AL-DR-10"], "DR", (True, 0, 2, 1)),  # two medium, one weak
        # "at least": more than a combination is still positive
        (["AL-CD-01", "AL-CD-02", "AL-CD-03", "AL-CD-15"], "CD", (True, 3, 0, 1)),
        (["AL-AV-01", "AL-AV-02", "AL-AV-15", "AL-AV-16"], "AV", (True, 0, 2, 2)),
        # short of every combination
        ([], "DR", (False, 0, 0, 0)),
        (["AL-DR-01"], "DR", (False, 1, 0, 0)),  # one strong alone
        (["AL-DR-02", "AL-DR-03"], "DR", (False, 0, 2, 0)),  # two medium
        (["AL-AV-01", "AL-AV-15"], "AV", (False, 0, 1, 1)),  # one medium, one weak
        (["AL-AV-01", "AL-AV-15", "AL-AV-16"], "AV", (False, 0, 1, 2)),  # weak is not medium
        (["AL-AV-15", "AL-AV-16"], "AV", (False, 0, 0, 2)),  # weak alone, never
        (["AL-VD-06", "AL-VD-07"], "VD", (False, 0, 0, 2)),  # weak alone, never
    ],
)
def test_rule_1(
    al: Catalogue, codes: list[str], dimension: str, expected: tuple[bool, int, int, int]
) -> None:
    result = assess(al, codes, act=False).dimensions[dimension]

    assert (result.positive, result.strong, result.medium, result.weak) == expected
    assert result.indicators == tuple(sorted(codes))


@pytest.mark.parametrize(
    ("strong", "medium", "weak", "positive"),
    [
        (0, 0, 0, False),
        (0, 0, 9, False),
        (0, 1, 9, False),
        (0, 2, 0, False),
        (0, 2, 1, True),
        (0, 3, 0, True),
        (1, 0, 0, False),
        (1, 0, 1, True),
        (1, 1, 0, True),
        (2, 0, 0, True),
    ],
)
def test_rule_1_on_counts(strong: int, medium: int, weak: int, positive: bool) -> None:
    assert dimension_positive(strong, medium, weak) is positive


def test_other_dimensions_do_not_count_towards_a_dimension(al: Catalogue) -> None:
    # One strong in DR and one medium in CR: two indicators, but neither dimension positive.
    assessment = assess(al, ["AL-DR-01", "AL-CR-02"], act=False)

    assert assessment.dimensions["DR"] == DimensionResult(False, 1, 0, 0, ("AL-DR-01",))
    assert assessment.dimensions["CR"] == DimensionResult(False, 0, 1, 0, ("AL-CR-02",))


# --- Rule 2: adults ------------------------------------------------------------------------

MEANS_DR = ["AL-DR-01", "AL-DR-02"]
EXPLOITATION = ["AL-EX-01", "AL-EX-02"]
CONTROL_CD = ["AL-CD-01", "AL-CD-02"]


def test_adult_with_means_exploitation_and_control_is_a_possible_victim(al: Catalogue) -> None:
    assessment = assess(al, MEANS_DR + EXPLOITATION + CONTROL_CD, act=False)

    assert assessment.trafficking_indicated is True
    assert assessment.status == POSSIBLE_VICTIM == "PossibleVictimOfTrafficking"
    assert assessment.present == ("means", "exploitation", "control_at_destination")
    assert assessment.missing == ()
    assert [d for d in DIMENSIONS if assessment.dimensions[d].positive] == ["DR", "EX", "CD"]


@pytest.mark.parametrize(
    "codes",
    [
        # means by coercive recruitment, exploitation of three medium, control by abuse of
        # vulnerability at destination (two medium and one weak)
        [
            *("AL-CR-02", "AL-CR-03", "AL-CR-04"),
            *("AL-EX-02", "AL-EX-03", "AL-EX-04"),
            *("AL-VD-01", "AL-VD-02", "AL-VD-06"),
        ],
        # means by abuse of vulnerability at recruitment
        ["AL-AV-01", "AL-AV-02", "AL-AV-03", "AL-EX-01", "AL-EX-09", "AL-CD-03", "AL-CD-05"],
    ],
)
def test_any_means_and_any_control_dimension_will_do(al: Catalogue, codes: list[str]) -> None:
    assessment = assess(al, codes, act=False)

    assert assessment.trafficking_indicated is True
    assert assessment.missing == ()


@pytest.mark.parametrize(
    ("codes", "present", "missing"),
    [
        # exploitation without indicated means
        (EXPLOITATION + CONTROL_CD, ("exploitation", "control_at_destination"), ("means",)),
        (MEANS_DR + CONTROL_CD, ("means", "control_at_destination"), ("exploitation",)),
        (MEANS_DR + EXPLOITATION, ("means", "exploitation"), ("control_at_destination",)),
        (EXPLOITATION, ("exploitation",), ("means", "control_at_destination")),
        ([], (), ("means", "exploitation", "control_at_destination")),
        # the example of the issue: one strong indicator in each of three dimensions
        (
            ["AL-DR-01", "AL-EX-01", "AL-CD-02"],
            (),
            ("means", "exploitation", "control_at_destination"),
        ),
    ],
)
def test_adult_short_of_the_rule_says_what_is_present_and_missing(
    al: Catalogue, codes: list[str], present: tuple[str, ...], missing: tuple[str, ...]
) -> None:
    assessment = assess(al, codes, act=False)

    assert assessment.trafficking_indicated is False
    assert assessment.status is None
    assert assessment.present == present
    assert assessment.missing == missing


@pytest.mark.parametrize("codes", [MEANS_DR + EXPLOITATION + CONTROL_CD, EXPLOITATION])
def test_for_an_adult_the_act_is_not_an_element(al: Catalogue, codes: list[str]) -> None:
    with_act = assess(al, codes, act=True)
    without = assess(al, codes, act=False)

    assert with_act.act is True
    assert without.act is False
    assert as_record(with_act) == as_record(without)
    assert with_act.present == without.present
    assert "act" not in with_act.present + with_act.missing


# --- Rule 2: children ----------------------------------------------------------------------

CHILD_EXPLOITATION = ["CL-EX-01", "CL-EX-02"]


def test_child_with_exploitation_and_an_act_is_a_possible_victim(cl: Catalogue) -> None:
    assessment = assess(cl, CHILD_EXPLOITATION, act=True)

    assert assessment.population == "child"
    assert assessment.trafficking_indicated is True
    assert assessment.status == POSSIBLE_VICTIM
    assert assessment.present == ("exploitation", "act")
    assert assessment.missing == ()


def test_child_exploitation_without_an_act_is_not_enough(cl: Catalogue) -> None:
    assessment = assess(cl, CHILD_EXPLOITATION, act=False)

    assert assessment.trafficking_indicated is False
    assert assessment.status is None
    assert assessment.present == ("exploitation",)
    assert assessment.missing == ("act",)


def test_child_means_do_not_replace_the_act(cl: Catalogue) -> None:
    assessment = assess(cl, ["CL-CR-01", "CL-CR-02", *CHILD_EXPLOITATION], act=False)

    assert assessment.trafficking_indicated is False
    assert assessment.present == ("means", "exploitation")
    assert assessment.missing == ("act",)


def test_child_act_without_exploitation_is_not_enough(cl: Catalogue) -> None:
    # Means and control at destination are positive: they add weight, they do not replace
    # exploitation.
    codes = ["CL-CR-01", "CL-CR-02", "CL-CD-01", "CL-CD-09", "CL-EX-01"]
    assessment = assess(cl, codes, act=True)

    assert assessment.trafficking_indicated is False
    assert assessment.present == ("means", "control_at_destination", "act")
    assert assessment.missing == ("exploitation",)


def test_child_positive_means_are_listed_but_never_missing(cl: Catalogue) -> None:
    indicated = assess(cl, ["CL-CR-01", "CL-CR-02", *CHILD_EXPLOITATION], act=True)
    nothing = assess(cl, [], act=False)

    assert indicated.trafficking_indicated is True
    assert indicated.present == ("means", "exploitation", "act")
    assert indicated.missing == ()
    assert nothing.present == ()
    assert nothing.missing == ("exploitation", "act")


# --- codes ---------------------------------------------------------------------------------


def test_a_repeated_code_counts_once(al: Catalogue) -> None:
    assessment = assess(al, ["AL-DR-01", "AL-DR-01", "AL-DR-01"], act=False)

    assert assessment.dimensions["DR"] == DimensionResult(False, 1, 0, 0, ("AL-DR-01",))
    assert assessment.indicators == ("AL-DR-01",)


def test_order_and_iterables_do_not_matter(al: Catalogue) -> None:
    codes = ["AL-EX-02", "AL-DR-02", "AL-EX-01", "AL-DR-01"]

    from_list = assess(al, codes, act=False)
    from_generator = assess(al, (code for code in reversed(codes)), act=False)

    assert from_list == from_generator
    assert from_list.indicators == ("AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02")
    assert from_list.dimensions["EX"].indicators == ("AL-EX-01", "AL-EX-02")


def test_unknown_codes_and_codes_of_another_catalogue_are_all_named(al: Catalogue) -> None:
    with pytest.raises(UnknownIndicators) as raised:
        assess(
            al,
            ["AL-ZZ-01", "CL-DR-01", "AL-DR-01", "CL-DR-01", "al-dr-02", "AL-DR-99"],
            act=False,
        )

    assert raised.value.codes == ("AL-DR-99", "AL-ZZ-01", "CL-DR-01", "al-dr-02")
    assert raised.value.catalogue == "AL"
    assert str(raised.value) == (
        "unknown indicator codes in catalogue AL: AL-DR-99, AL-ZZ-01, CL-DR-01, al-dr-02"
    )


def test_one_string_is_not_a_list_of_codes(al: Catalogue) -> None:
    with pytest.raises(TypeError):
        assess(al, "AL-DR-01", act=False)


# --- the result ----------------------------------------------------------------------------


def test_the_assessment_is_frozen_and_records_what_it_was_assessed_with(al: Catalogue) -> None:
    assessment = assess(al, ["AL-DR-01"], act=False)

    assert (assessment.catalogue, assessment.catalogue_version) == ("AL", "2009-09")
    assert assessment.rule_version == RULE_VERSION
    assert assessment.population == "adult"
    assert tuple(assessment.dimensions) == ("DR", "CR", "AV", "EX", "CD", "VD")
    with pytest.raises(dataclasses.FrozenInstanceError):
        assessment.trafficking_indicated = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        assessment.dimensions["DR"] = DimensionResult(True, 2, 0, 0, ())  # type: ignore[index]


def test_as_record_has_the_keys_of_the_contract(al: Catalogue) -> None:
    record = as_record(assess(al, MEANS_DR + EXPLOITATION + CONTROL_CD, act=False))

    assert record == {
        "catalogue": "AL",
        "catalogue_version": "2009-09",
        "rule_version": "ilo-ec-2009/1",
        "population": "adult",
        "dimensions": {
            "DR": {
                "positive": True,
                "strong": 1,
                "medium": 1,
                "weak": 0,
                "indicators": ["AL-DR-01", "AL-DR-02"],
            },
            "CR": {"positive": False, "strong": 0, "medium": 0, "weak": 0, "indicators": []},
            "AV": {"positive": False, "strong": 0, "medium": 0, "weak": 0, "indicators": []},
            "EX": {
                "positive": True,
                "strong": 1,
                "medium": 1,
                "weak": 0,
                "indicators": ["AL-EX-01", "AL-EX-02"],
            },
            "CD": {
                "positive": True,
                "strong": 2,
                "medium": 0,
                "weak": 0,
                "indicators": ["AL-CD-01", "AL-CD-02"],
            },
            "VD": {"positive": False, "strong": 0, "medium": 0, "weak": 0, "indicators": []},
        },
        "trafficking_indicated": True,
        "status": "PossibleVictimOfTrafficking",
        "missing": [],
    }
