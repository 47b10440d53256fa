"""The plain-language explanation: complete, in four languages, and never over-claiming."""

import pytest

from safepath.screening.explanations import explain
from safepath.screening.indicators import Catalogue, assess

ADULT_INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]
# Words that would claim more than a screening knows.
OVER_CLAIMS = ("is a victim", "identified victim", "confirmed", "verified victim", "proven")


def test_an_indicated_adult_is_a_possible_victim_and_no_more(al: Catalogue) -> None:
    text = explain(assess(al, ADULT_INDICATED, act=False), language="en")

    assert text.splitlines() == [
        "Possible victim of trafficking: indicators are present, nobody has verified them. "
        "Only an authorised body (the police, the Border Guard, a prosecutor, a court or the "
        "national referral mechanism) identifies a victim.",
        "Present: means (deception, coercion or abuse of vulnerability in recruitment); "
        "exploitation; control at destination (coercion or abuse of vulnerability at "
        "destination).",
        "Deceptive recruitment: positive, 2 indicators (strong: 1, medium: 1, weak: 0).",
        "Exploitation: positive, 2 indicators (strong: 1, medium: 1, weak: 0).",
        "Coercion at destination: positive, 2 indicators (strong: 2, medium: 0, weak: 0).",
        "Assessed as an adult, with catalogue AL version 2009-09 and rule ilo-ec-2009/1.",
    ]
    assert not [claim for claim in OVER_CLAIMS if claim in text.lower()]


def test_an_adult_short_of_the_rule_hears_what_is_present_and_missing(al: Catalogue) -> None:
    # Exploitation without indicated means (the example of indicator_rules.md).
    text = explain(assess(al, ["AL-EX-01", "AL-EX-02", "AL-CD-01"], act=False), language="en")

    assert text.splitlines() == [
        "The indicators recorded do not meet the rule for a possible victim of trafficking. "
        "This does not rule trafficking out: screen again if more becomes known.",
        "Present: exploitation.",
        "Missing: means (deception, coercion or abuse of vulnerability in recruitment); control "
        "at destination (coercion or abuse of vulnerability at destination).",
        "Exploitation: positive, 2 indicators (strong: 1, medium: 1, weak: 0).",
        "Coercion at destination: not positive, 1 indicator (strong: 1, medium: 0, weak: 0).",
        "Assessed as an adult, with catalogue AL version 2009-09 and rule ilo-ec-2009/1.",
    ]
    assert "Possible victim of trafficking:" not in text


def test_nothing_recorded(al: Catalogue) -> None:
    text = explain(assess(al, [], act=False), language="en")

    assert text.splitlines()[1:] == [
        "No element of the definition is present.",
        "Missing: means (deception, coercion or abuse of vulnerability in recruitment); "
        "exploitation; control at destination (coercion or abuse of vulnerability at "
        "destination).",
        "No indicators were recorded.",
        "Assessed as an adult, with catalogue AL version 2009-09 and rule ilo-ec-2009/1.",
    ]


def test_a_child_hears_that_the_means_are_not_required(cl: Catalogue) -> None:
    indicated = explain(assess(cl, ["CL-EX-01", "CL-EX-02"], act=True), language="en")
    no_act = explain(assess(cl, ["CL-EX-01", "CL-EX-02"], act=False), language="en")

    child_rule = (
        "For a child, exploitation and an act are enough: the means are not required. "
        "Positive means or control at destination add weight."
    )
    assert indicated.splitlines()[0].startswith("Possible victim of trafficking:")
    assert indicated.splitlines()[1:3] == [
        child_rule,
        "Present: exploitation; an act (recruitment, transport, transfer, harbouring or receipt).",
    ]
    assert no_act.splitlines()[1:4] == [
        child_rule,
        "Present: exploitation.",
        "Missing: an act (recruitment, transport, transfer, harbouring or receipt).",
    ]
    assert indicated.splitlines()[-1] == (
        "Assessed as a child, with catalogue CL version 2009-09 and rule ilo-ec-2009/1."
    )


@pytest.mark.usefixtures("compiled_catalogues")
@pytest.mark.parametrize(
    ("language", "one", "two", "five"),
    [
        ("pl", "1 wskaźnik ", "2 wskaźniki ", "5 wskaźników "),
        ("uk", "1 індикатор ", "2 індикатори ", "5 індикаторів "),
        ("ru", "1 индикатор ", "2 индикатора ", "5 индикаторов "),
        ("en", "1 indicator ", "2 indicators ", "5 indicators "),
    ],
)
def test_counts_take_the_plural_forms_of_the_language(
    al: Catalogue, language: str, one: str, two: str, five: str
) -> None:
    codes = ["AL-DR-01", "AL-CR-01", "AL-CR-02"] + [f"AL-EX-0{n}" for n in range(1, 6)]
    lines = explain(assess(al, codes, act=False), language=language).splitlines()
    dr, cr, ex = lines[-4:-1]  # the dimension lines, before the closing line

    assert one in dr
    assert two in cr
    assert five in ex


@pytest.mark.usefixtures("compiled_catalogues")
def test_the_explanation_follows_the_requested_language_only(al: Catalogue) -> None:
    assessment = assess(al, ADULT_INDICATED, act=False)

    ukrainian = explain(assessment, language="uk")
    after = explain(assessment)  # the active language is left as it was

    assert ukrainian.startswith("Можлива постраждала від торгівлі людьми особа:")
    assert "не перевірив" in ukrainian
    assert after.startswith("Possible victim of trafficking:")
