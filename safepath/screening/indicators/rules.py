"""How observed indicators combine into a screening outcome (`shared/reference/indicator_rules.md`).

Rule 1 (a dimension is positive) and Rule 2 (the adult and the child outcome) of the
ILO/EC 2009 operational indicators, with the child provision of the Palermo Protocol,
art. 3(c). `RULE_VERSION` names this reading of the rules; every stored screening keeps
it with the catalogue version, so that it can be re-read exactly. Change the rules,
change the version.

The engine returns structure, never prose: which dimensions are positive and why (the
counts), the outcome, and which elements of the definition are present and missing, as
stable codes. The plain-language explanation is rendered Django-side, in four languages,
by `safepath.screening.explanations`.

Pure Python: nothing here imports Django.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, NamedTuple

from safepath.screening.indicators.catalogue import DIMENSIONS, Catalogue

RULE_VERSION: Final = "ilo-ec-2009/1"

# HTCDS status of a person for whom a screening indicates trafficking. Nobody has
# verified the indicators: only an authorised body identifies a victim
# (`ActualVictimOfTrafficking`), and the product records that, it never computes it.
POSSIBLE_VICTIM: Final = "PossibleVictimOfTrafficking"

# The elements of the definition, as stable codes (also the order they are listed in).
MEANS: Final = "means"  # DR, CR or AV positive: deception, coercion or abuse of vulnerability
EXPLOITATION: Final = "exploitation"  # EX positive
CONTROL_AT_DESTINATION: Final = "control_at_destination"  # CD or VD positive
ACT: Final = "act"  # recruitment, transport, transfer, harbouring or receipt, as recorded
ELEMENTS: Final = (MEANS, EXPLOITATION, CONTROL_AT_DESTINATION, ACT)

# The elements each population's rule requires (Rule 2).
REQUIRED: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "adult": (MEANS, EXPLOITATION, CONTROL_AT_DESTINATION),
        "child": (EXPLOITATION, ACT),
    }
)
# The dimensions that make an element present when any of them is positive.
ELEMENT_DIMENSIONS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        MEANS: ("DR", "CR", "AV"),
        EXPLOITATION: ("EX",),
        CONTROL_AT_DESTINATION: ("CD", "VD"),
    }
)

_DR, _CR, _AV, _EX, _CD, _VD = range(6)
assert DIMENSIONS == ("DR", "CR", "AV", "EX", "CD", "VD")  # the indices above rely on it


class DimensionResult(NamedTuple):
    """The finding of one dimension: Rule 1 applied to the counts of its indicators.

    Immutable like the dataclasses here, but a NamedTuple: an assessment builds up to six,
    and a tuple is built in C, about twice as fast as a frozen dataclass (the engine
    benchmark, bench/engine.py, depends on it).
    """

    positive: bool
    strong: int
    medium: int
    weak: int
    indicators: tuple[str, ...]  # the observed codes of this dimension, sorted


@dataclass(frozen=True, slots=True)
class Assessment:
    """What a screening's indicators amount to, with what it was assessed with.

    `present` lists the elements found, `missing` the elements the population's rule
    requires and did not find (empty when trafficking is indicated), both in the order
    of `ELEMENTS`. For a child, positive means or control at destination are listed as
    present (they add weight) but are never missing. For an adult, the act is not an
    element of the rule (the recruitment dimensions carry it), so it is neither.
    """

    catalogue: str
    catalogue_version: str
    rule_version: str
    population: str
    act: bool
    indicators: tuple[str, ...]  # every observed code, sorted, each once
    dimensions: Mapping[str, DimensionResult]  # all six, in the order of DIMENSIONS
    trafficking_indicated: bool
    status: str | None
    present: tuple[str, ...]
    missing: tuple[str, ...]


class UnknownIndicators(ValueError):
    """Codes that are not in the catalogue (unknown, or of another catalogue)."""

    def __init__(self, codes: Iterable[str], *, catalogue: str = "") -> None:
        self.codes = tuple(sorted(set(codes)))
        self.catalogue = catalogue
        where = f" in catalogue {catalogue}" if catalogue else ""
        super().__init__(f"unknown indicator codes{where}: {', '.join(self.codes)}")


def dimension_positive(strong: int, medium: int, weak: int) -> bool:
    """Rule 1: at least two strong; or one strong and one medium or weak; or three medium;
    or two medium and one weak. Weak indicators alone never make a dimension positive."""
    if strong >= 2:
        return True
    if strong == 1:
        return medium + weak >= 1
    return medium >= 3 or (medium >= 2 and weak >= 1)


_NO_CODES: tuple[str, ...] = ()
_NOTHING_OBSERVED: Final = DimensionResult(False, 0, 0, 0, _NO_CODES)


def assess(catalogue: Catalogue, codes: Iterable[str], *, act: bool) -> Assessment:
    """Apply Rules 1 and 2 to the observed indicator codes of one catalogue.

    A code given more than once counts once. Codes that are not in this catalogue
    (version) raise `UnknownIndicators`, naming every one of them.
    """
    if isinstance(codes, str):
        raise TypeError("codes must be an iterable of indicator codes, not one string")
    index = catalogue.index
    observed = sorted(set(codes))
    # Three counters and a code list per dimension, filled in one pass over sorted codes,
    # so each dimension's codes come out sorted.
    counts = [0] * 18
    by_dimension: list[list[str]] = [[], [], [], [], [], []]
    unknown: list[str] | None = None
    for code in observed:
        found = index.get(code)
        if found is None:
            if unknown is None:
                unknown = []
            unknown.append(code)
            continue
        dimension, strength = found
        counts[dimension * 3 + strength] += 1
        by_dimension[dimension].append(code)
    if unknown is not None:
        raise UnknownIndicators(unknown, catalogue=catalogue.code)

    results: list[DimensionResult] = []
    for d in range(6):
        dimension_codes = by_dimension[d]
        if not dimension_codes:
            results.append(_NOTHING_OBSERVED)
            continue
        strong, medium, weak = counts[d * 3], counts[d * 3 + 1], counts[d * 3 + 2]
        results.append(
            DimensionResult(
                dimension_positive(strong, medium, weak),
                strong,
                medium,
                weak,
                tuple(dimension_codes),
            )
        )

    means = results[_DR].positive or results[_CR].positive or results[_AV].positive
    exploitation = results[_EX].positive
    control = results[_CD].positive or results[_VD].positive
    present: tuple[str, ...]
    missing: tuple[str, ...]
    if catalogue.population == "child":
        # Rule 2, child: exploitation and an act; the means are not required.
        indicated = exploitation and act
        present = _elements(means, exploitation, control, act)
        missing = _elements(False, not exploitation, False, not act)
    else:
        # Rule 2, adult: means and exploitation and control at destination.
        indicated = means and exploitation and control
        present = _elements(means, exploitation, control, False)
        missing = _elements(not means, not exploitation, not control, False)
    return Assessment(
        catalogue.code,
        catalogue.version,
        RULE_VERSION,
        catalogue.population,
        act,
        tuple(observed),
        MappingProxyType(dict(zip(DIMENSIONS, results, strict=True))),
        indicated,
        POSSIBLE_VICTIM if indicated else None,
        present,
        missing,
    )


def _elements(means: bool, exploitation: bool, control: bool, act: bool) -> tuple[str, ...]:
    return _ELEMENT_SETS[means * 8 + exploitation * 4 + control * 2 + act]


# The 16 possible element tuples, precomputed (an assessment only picks one).
_ELEMENT_SETS: Final = tuple(
    tuple(element for bit, element in zip((8, 4, 2, 1), ELEMENTS, strict=True) if flags & bit)
    for flags in range(16)
)


def as_record(assessment: Assessment) -> dict[str, object]:
    """The assessment as JSON-ready data: the keys of `safepath assess --format json` and
    of the API's embedded assessment, except `explanation` (rendered Django-side)."""
    return {
        "catalogue": assessment.catalogue,
        "catalogue_version": assessment.catalogue_version,
        "rule_version": assessment.rule_version,
        "population": assessment.population,
        "dimensions": {
            name: {
                "positive": result.positive,
                "strong": result.strong,
                "medium": result.medium,
                "weak": result.weak,
                "indicators": list(result.indicators),
            }
            for name, result in assessment.dimensions.items()
        },
        "trafficking_indicated": assessment.trafficking_indicated,
        "status": assessment.status,
        "missing": list(assessment.missing),
    }
