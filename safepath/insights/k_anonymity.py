"""k-anonymity by global generalisation and suppression, for record-level exports.

A record's quasi-identifiers are the columns an outsider could know about a person
(`QUASI_IDENTIFIERS`: gender, age band, citizenship, country of exploitation, year of
registration). A file is k-anonymous when every combination of them that occurs in it
occurs at least k times, so that no published row can be narrowed to fewer than k
people.

The method (see docs/insights.md, "CTDC export"):

1. Count the combinations of the records (only the counts are kept).
2. Choose which steps of the ladder `STEPS` to take. Each step generalises one column
   for every record (global recoding: the same value always becomes the same wider
   value): wider age bands; citizenships held by fewer than k records become "Other";
   years become five-year periods; countries of exploitation held by fewer than k
   records become "Other"; age becomes minor or adult. Every subset of the steps is
   tried, on the counts; the fewest steps that bring the records to suppress within
   `max_suppression` of all records win (or, when no subset does, the subset that
   suppresses fewest).
3. Suppress (leave out) every record whose generalised combination still has fewer
   than k records.

What is guaranteed, whatever the data:

- every combination of quasi-identifiers in the output occurs at least k times;
- only records of combinations with fewer than k records after generalisation are
  suppressed, and so a record whose *original* combination already occurred at least k
  times is never suppressed (global recoding maps identical combinations to identical
  ones, so a class can only grow).

Missing values ("-99") are a value like any other and never become "Other".
"""

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Final

QUASI_IDENTIFIERS: Final = (
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "yearOfRegistration",
)
QI = tuple[str, ...]
MISSING: Final = "-99"
OTHER: Final = "Other"
DEFAULT_K: Final = 11
DEFAULT_MAX_SUPPRESSION: Final = 0.05

_AGE_WIDE: Final = {
    "00--08": "00--17",
    "09--17": "00--17",
    "18--20": "18--29",
    "21--23": "18--29",
    "24--26": "18--29",
    "27--29": "18--29",
    "30--38": "30--47",
    "39--47": "30--47",
    "48+": "48+",
}
_AGE_MAJORITY: Final = {"00--17": "00--17", "18--29": "18+", "30--47": "18+", "48+": "18+"}

# A step proposes, from the current values of its column and k, how to recode each value.
Recoder = Callable[[Counter[str], int], dict[str, str]]


def _wider_age_bands(values: Counter[str], k: int) -> dict[str, str]:
    return {value: _AGE_WIDE.get(value, value) for value in values}


def _minor_or_adult(values: Counter[str], k: int) -> dict[str, str]:
    wide = {value: _AGE_WIDE.get(value, value) for value in values}
    return {value: _AGE_MAJORITY.get(band, band) for value, band in wide.items()}


def _rare_to_other(values: Counter[str], k: int) -> dict[str, str]:
    return {
        value: OTHER if value != MISSING and count < k else value for value, count in values.items()
    }


def _five_year_periods(values: Counter[str], k: int) -> dict[str, str]:
    recoded = {}
    for value in values:
        if value.isdigit():
            start = int(value) - int(value) % 5
            recoded[value] = f"{start}--{start + 4}"
        else:
            recoded[value] = value
    return recoded


@dataclass(frozen=True, slots=True)
class Step:
    column: str
    description: str
    recode: Recoder


STEPS: Final = (
    Step("ageBroad", "wider age bands: 00--17, 18--29, 30--47, 48+", _wider_age_bands),
    Step("citizenship", "citizenships of fewer than k records become Other", _rare_to_other),
    Step("yearOfRegistration", "five-year periods (2020--2024)", _five_year_periods),
    Step(
        "CountryOfExploitation",
        "countries of exploitation of fewer than k records become Other",
        _rare_to_other,
    ),
    Step("ageBroad", "minor or adult: 00--17, 18+", _minor_or_adult),
)


def _below_k(counts: Mapping[QI, int], k: int) -> int:
    """How many records are in combinations of fewer than k records."""
    return sum(count for count in counts.values() if count < k)


@dataclass
class Plan:
    """What to do with each record: the recoding of each quasi-identifier column and
    the combinations that are published (those of at least k records)."""

    k: int
    maps: list[dict[str, str]]
    kept: frozenset[QI]
    report: dict[str, Any] = field(default_factory=dict)

    def generalise(self, qi: QI) -> QI:
        return tuple(column.get(value, value) for column, value in zip(self.maps, qi, strict=True))

    def apply(self, qi: QI) -> QI | None:
        """The generalised quasi-identifiers, or None if the record is suppressed. A
        value the plan was not made with is suppressed too: its counts are unknown."""
        if any(value not in column for column, value in zip(self.maps, qi, strict=True)):
            return None
        generalised = self.generalise(qi)
        return generalised if generalised in self.kept else None


def check_parameters(k: int, max_suppression: float) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ValueError(f"k must be a whole number of at least 2 (got {k!r})")
    if not 0.0 <= max_suppression <= 1.0 or math.isnan(max_suppression):
        raise ValueError(
            f"max_suppression must be a share between 0 and 1 (got {max_suppression!r})"
        )


def _generalised(
    counts: Counter[QI], chosen: Sequence[int], columns: Sequence[str], k: int
) -> tuple[Counter[QI], list[dict[str, str]], list[dict[str, Any]]]:
    """The counts after the ladder steps `chosen` (indexes into `STEPS`, applied in
    ladder order), each column's recoding (original value → published value), and
    what each step did."""
    maps: list[dict[str, str]] = [{} for _ in columns]
    for combination in counts:
        for index, value in enumerate(combination):
            maps[index][value] = value
    done: list[dict[str, Any]] = []
    for number in sorted(chosen):
        step = STEPS[number]
        index = list(columns).index(step.column)
        column_values: Counter[str] = Counter()
        for combination, count in counts.items():
            column_values[combination[index]] += count
        recode = step.recode(column_values, k)
        merged: Counter[QI] = Counter()
        for combination, count in counts.items():
            changed = list(combination)
            changed[index] = recode.get(changed[index], changed[index])
            merged[tuple(changed)] += count
        done.append(
            {
                "column": step.column,
                "step": step.description,
                "records_below_k_before": _below_k(counts, k),
                "records_below_k_after": _below_k(merged, k),
            }
        )
        maps[index] = {value: recode.get(now, now) for value, now in maps[index].items()}
        counts = merged
    return counts, maps, done


def plan(
    records: Iterable[QI],
    *,
    k: int = DEFAULT_K,
    max_suppression: float = DEFAULT_MAX_SUPPRESSION,
    columns: Sequence[str] = QUASI_IDENTIFIERS,
) -> Plan:
    """Decide the generalisation and suppression for `records` (their quasi-identifiers,
    in the order of `columns`). Only counts are kept in memory, never the records.

    Every subset of the ladder's steps is tried (there are few: 2^5, each on the counts
    of distinct combinations, not on the records). The plan is the subset with the
    fewest steps whose suppression is within the budget (ties: fewer records
    suppressed, then the earlier steps of the ladder); when none is within the budget,
    the subset that suppresses fewest records (ties: fewest steps, earlier steps)."""
    check_parameters(k, max_suppression)
    counts: Counter[QI] = Counter(tuple(record) for record in records)
    total = sum(counts.values())
    budget = math.floor(max_suppression * total)
    usable = [n for n, step in enumerate(STEPS) if step.column in columns]
    best: tuple[tuple[int, ...], tuple[int, ...]] | None = None
    for size in range(len(usable) + 1):
        for chosen in combinations(usable, size):
            after, _maps, _done = _generalised(counts, chosen, columns, k)
            suppressed = _below_k(after, k)
            # Smaller is better: within budget first, then as described above.
            if suppressed <= budget:
                key = (0, size, suppressed, *chosen)
            else:
                key = (1, suppressed, size, *chosen)
            if best is None or key < best[0]:
                best = (key, chosen)
    assert best is not None
    chosen = best[1]
    final, maps, done = _generalised(counts, chosen, columns, k)
    kept = frozenset(combination for combination, count in final.items() if count >= k)
    suppressed = _below_k(final, k)
    report: dict[str, Any] = {
        "k": k,
        "quasi_identifiers": list(columns),
        "max_suppression": max_suppression,
        "records": total,
        "published": total - suppressed,
        "suppressed": suppressed,
        "records_below_k_before_generalisation": _below_k(counts, k),
        "generalised": done,
        "not_generalised": [STEPS[n].description for n in usable if n not in chosen],
        "combinations_published": len(kept),
        "combinations_suppressed": sum(1 for count in final.values() if count < k),
        "smallest_published_combination": min((final[c] for c in kept), default=0),
    }
    return Plan(k=k, maps=maps, kept=kept, report=report)


def anonymise(
    rows: Sequence[Mapping[str, str]],
    *,
    k: int = DEFAULT_K,
    max_suppression: float = DEFAULT_MAX_SUPPRESSION,
    columns: Sequence[str] = QUASI_IDENTIFIERS,
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """The rows (dicts by column name) made k-anonymous on `columns`, and the report.
    For data held in memory; the CTDC export streams with `plan` instead."""
    decided = plan(
        (tuple(row[name] for name in columns) for row in rows),
        k=k,
        max_suppression=max_suppression,
        columns=columns,
    )
    published = []
    for row in rows:
        qi = decided.apply(tuple(row[name] for name in columns))
        if qi is not None:
            published.append({**row, **dict(zip(columns, qi, strict=True))})
    return published, decided.report
