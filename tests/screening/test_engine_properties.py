"""Property tests: the engine against a second, deliberately naive reading of the rules.

The naive implementation below shares nothing with the engine. It reads the package-data
CSV files with the csv module, and applies Rule 1 literally: a dimension is positive when
some two or three of its observed indicators form one of the combinations the rule text
lists, found by trying every pair and every triple.
"""

import csv
import itertools
import random
from importlib import resources
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from safepath.screening.indicators import (
    Catalogue,
    UnknownIndicators,
    as_record,
    assess,
    builtin_registry,
)
from safepath.screening.indicators.rules import dimension_positive

DATA = Path(str(resources.files("safepath.screening.indicators").joinpath("data")))
REGISTRY = builtin_registry()

# --- the naive implementation --------------------------------------------------------------

# Rule 1, as written: "two strong; one strong and one medium or weak; three medium; two
# medium and one weak" (each combination written out, sorted alphabetically).
COMBINATIONS = {
    ("strong", "strong"),
    ("medium", "strong"),
    ("strong", "weak"),
    ("medium", "medium", "medium"),
    ("medium", "medium", "weak"),
}


def naive_positive(strengths: list[str]) -> bool:
    for size in (2, 3):
        for chosen in itertools.combinations(strengths, size):
            if tuple(sorted(chosen)) in COMBINATIONS:
                return True
    return False


def naive_rows(catalogue: str) -> dict[str, dict[str, str]]:
    with (DATA / f"{catalogue}-2009-09.csv").open(encoding="utf-8", newline="") as file:
        return {row["code"]: row for row in csv.DictReader(file)}


ROWS = {code: naive_rows(code) for code in ("AL", "CL")}
ROWS_POPULATION = {"AL": "adult", "CL": "child"}


def naive_assess(catalogue: str, codes: list[str], act: bool) -> dict[str, object]:
    rows = ROWS[catalogue]
    bad = sorted({code for code in codes if code not in rows})
    if bad:
        return {"unknown": bad}
    observed = sorted(set(codes))
    dimensions: dict[str, dict[str, object]] = {}
    for dimension in ["DR", "CR", "AV", "EX", "CD", "VD"]:
        mine = [code for code in observed if rows[code]["dimension"] == dimension]
        strengths = [rows[code]["strength"] for code in mine]
        dimensions[dimension] = {
            "positive": naive_positive(strengths),
            "strong": strengths.count("strong"),
            "medium": strengths.count("medium"),
            "weak": strengths.count("weak"),
            "indicators": mine,
        }

    def positive(name: str) -> bool:
        return dimensions[name]["positive"] is True

    means = positive("DR") or positive("CR") or positive("AV")
    exploitation = positive("EX")
    control = positive("CD") or positive("VD")
    population = rows[observed[0]]["population"] if observed else ROWS_POPULATION[catalogue]
    present: list[str] = []
    missing: list[str] = []
    if population == "adult":
        indicated = means and exploitation and control
        for element, found in [
            ("means", means),
            ("exploitation", exploitation),
            ("control_at_destination", control),
        ]:
            (present if found else missing).append(element)
    else:
        indicated = exploitation and act
        for element, found, required in [
            ("means", means, False),
            ("exploitation", exploitation, True),
            ("control_at_destination", control, False),
            ("act", act, True),
        ]:
            if found:
                present.append(element)
            elif required:
                missing.append(element)
    return {
        "catalogue": catalogue,
        "catalogue_version": "2009-09",
        "rule_version": "ilo-ec-2009/1",
        "population": population,
        "dimensions": dimensions,
        "trafficking_indicated": indicated,
        "status": "PossibleVictimOfTrafficking" if indicated else None,
        "missing": missing,
        "present": present,
    }


def engine(catalogue: str, codes: list[str], act: bool) -> dict[str, object]:
    try:
        assessment = assess(REGISTRY.get(catalogue), codes, act=act)
    except UnknownIndicators as exc:
        return {"unknown": list(exc.codes)}
    return {**as_record(assessment), "present": list(assessment.present)}


# --- strategies ----------------------------------------------------------------------------


@st.composite
def screenings(draw: st.DrawFn) -> tuple[str, list[str], bool]:
    catalogue = draw(st.sampled_from(["AL", "CL"]))
    codes = draw(st.lists(st.sampled_from(sorted(ROWS[catalogue])), max_size=30))
    return catalogue, codes, draw(st.booleans())


@st.composite
def focused_screenings(draw: st.DrawFn) -> tuple[str, list[str], bool]:
    """Codes from two or three dimensions only, so that outcomes near the rule are common."""
    catalogue = draw(st.sampled_from(["AL", "CL"]))
    dimensions = draw(
        st.lists(st.sampled_from(["DR", "CR", "AV", "EX", "CD", "VD"]), min_size=1, max_size=3)
    )
    pool = sorted(c for c, row in ROWS[catalogue].items() if row["dimension"] in dimensions)
    codes = draw(st.lists(st.sampled_from(pool), max_size=8))
    return catalogue, codes, draw(st.booleans())


# --- properties ----------------------------------------------------------------------------


@given(screenings())
def test_engine_agrees_with_the_naive_reading(screening: tuple[str, list[str], bool]) -> None:
    catalogue, codes, act = screening
    assert engine(catalogue, codes, act) == naive_assess(catalogue, codes, act)


@given(focused_screenings())
def test_engine_agrees_near_the_rule(screening: tuple[str, list[str], bool]) -> None:
    catalogue, codes, act = screening
    assert engine(catalogue, codes, act) == naive_assess(catalogue, codes, act)


@given(
    st.lists(st.sampled_from(["strong", "medium", "weak"]), max_size=8),
)
def test_rule_1_on_counts_agrees_with_the_combinations(strengths: list[str]) -> None:
    counts = (strengths.count("strong"), strengths.count("medium"), strengths.count("weak"))
    assert dimension_positive(*counts) is naive_positive(strengths)


@given(st.integers(min_value=0, max_value=50))
def test_weak_indicators_alone_never_make_a_dimension_positive(weak: int) -> None:
    assert dimension_positive(0, 0, weak) is False


@given(screenings(), st.lists(st.text(max_size=10), min_size=1, max_size=5))
def test_every_unknown_code_is_named(
    screening: tuple[str, list[str], bool], strangers: list[str]
) -> None:
    catalogue, codes, act = screening
    unknown = sorted({code for code in strangers if code not in ROWS[catalogue]})
    outcome = engine(catalogue, codes + strangers, act)
    if unknown:
        assert outcome == {"unknown": unknown}
    else:
        assert outcome == naive_assess(catalogue, codes + strangers, act)


@given(st.sampled_from(["AL", "CL"]), st.data())
def test_codes_of_the_other_catalogue_are_unknown(catalogue: str, data: st.DataObject) -> None:
    other = "CL" if catalogue == "AL" else "AL"
    stray = data.draw(st.lists(st.sampled_from(sorted(ROWS[other])), min_size=1, max_size=5))
    assert engine(catalogue, stray, False) == {"unknown": sorted(set(stray))}


@given(screenings(), st.randoms())
def test_order_and_repetition_do_not_matter(
    screening: tuple[str, list[str], bool], rng: random.Random
) -> None:
    catalogue, codes, act = screening
    shuffled = codes + codes
    rng.shuffle(shuffled)
    assert engine(catalogue, shuffled, act) == engine(catalogue, codes, act)


@given(screenings(), st.data())
def test_more_indicators_never_take_an_outcome_away(
    screening: tuple[str, list[str], bool], data: st.DataObject
) -> None:
    # Rule 1 and Rule 2 only ask for "at least": observing more can only add.
    catalogue_code, codes, act = screening
    catalogue: Catalogue = REGISTRY.get(catalogue_code)
    more = data.draw(st.lists(st.sampled_from(sorted(catalogue.indicators)), max_size=10))
    before = assess(catalogue, codes, act=act)
    after = assess(catalogue, codes + more, act=act)
    for name, result in before.dimensions.items():
        assert after.dimensions[name].positive >= result.positive
    assert after.trafficking_indicated >= before.trafficking_indicated
    assert set(after.present) >= set(before.present)
    assert set(after.missing) <= set(before.missing)
