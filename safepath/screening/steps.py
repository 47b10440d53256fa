"""The steps of the web screening, in order, and which of them a draft goes through.

    start → consent (a person only) → where → act (a child only) → one step per
    dimension of the catalogue (DR, CR, AV, EX, CD, VD) → needs → review

Consent comes before any question: a screening of a person starts with the consent
text read in the interview language. The age answered at `where` chooses the path:
a child (under 18, or age not known: a person who may be a child is treated as one)
is screened with the child catalogue (CL) and asked about the act; an adult with AL.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Final

from safepath.screening.catalogues import registry
from safepath.screening.indicators.catalogue import DIMENSIONS, Catalogue

START: Final = "start"
CONSENT: Final = "consent"
WHERE: Final = "where"
ACT: Final = "act"
NEEDS: Final = "needs"
REVIEW: Final = "review"
DIMENSIONS_STEPS: Final = DIMENSIONS
ALL_STEPS: Final = (START, CONSENT, WHERE, ACT, *DIMENSIONS, NEEDS, REVIEW)

ADULT: Final = "adult"
CHILD: Final = "child"
# The age answer at the `where` step -> the path.
UNDER_18: Final = "under_18"
ADULT_AGE: Final = "18_or_over"
AGE_NOT_KNOWN: Final = "not_known"
PATH_OF_AGE: Final = {UNDER_18: CHILD, ADULT_AGE: ADULT, AGE_NOT_KNOWN: CHILD}
# The built-in catalogue of each path; another catalogue of the same population is
# used only when the built-in one is not there.
PREFERRED_CATALOGUE: Final = {ADULT: "AL", CHILD: "CL"}


def catalogue_for(population: str) -> Catalogue:
    catalogues = registry()
    preferred = PREFERRED_CATALOGUE[population]
    if preferred in catalogues.codes():
        return catalogues.get(preferred)
    for code in catalogues.codes():
        candidate = catalogues.get(code)
        if candidate.population == population:
            return candidate
    raise LookupError(f"no catalogue for the {population} path")


def dimensions_of(catalogue: Catalogue) -> list[str]:
    """The dimensions the catalogue has questions for, in the engine's order."""
    present = {indicator.dimension for indicator in catalogue.indicators.values()}
    return [dimension for dimension in DIMENSIONS if dimension in present]


def steps_for(*, has_person: bool, answers: Mapping[str, Any]) -> list[str]:
    """The steps a draft goes through. Before `where` is answered the path is not
    known; the steps after it are those of the path once it is."""
    steps = [START]
    if has_person:
        steps.append(CONSENT)
    steps.append(WHERE)
    population = answers.get("population")
    if population not in (ADULT, CHILD):
        return steps
    if population == CHILD:
        steps.append(ACT)
    steps.extend(dimensions_of(catalogue_for(population)))
    steps.extend((NEEDS, REVIEW))
    return steps


def next_step(steps: Sequence[str], done: Sequence[str]) -> str:
    """The first step not yet saved (the review when all are)."""
    for step in steps:
        if step not in done:
            return step
    return steps[-1]


def neighbours(steps: Sequence[str], step: str) -> tuple[str | None, str | None]:
    index = steps.index(step)
    before = steps[index - 1] if index > 0 else None
    after = steps[index + 1] if index + 1 < len(steps) else None
    return before, after
