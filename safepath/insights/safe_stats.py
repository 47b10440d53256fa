"""Safe statistics: the pure rules every aggregate passes before it leaves the system.

No Django here: thresholds come in as arguments (the Django side, `releases.py`, reads
them from the settings and logs each release). The rules, documented in
`docs/insights.md` ("Safe statistics"):

1. **Dimensions.** At most `MAX_IDENTIFYING` identifying dimensions per table. Every
   dimension counts as identifying except the time dimensions in `TIME_DIMENSIONS`
   (an unknown name is identifying: the safe default). Organisation dimensions
   (`ORGANISATION_DIMENSIONS`) are refused for public and partner audiences.
2. **Primary suppression.** A figure whose true count is under the minimum (zero
   included) is suppressed. With strata (below), so is a figure one of whose strata
   contributes between 1 and minimum - 1 people.
3. **Secondary suppression of totals.** Every total that adds up a suppressed cell is
   suppressed too, so a published total sums published cells only and no published
   figure, alone or with others of the table, says anything of a hidden cell. (A
   line-by-line rule with an interval audit was not enough: a review found totals of
   several lines pinning hidden cells together.)
4. **Rounding.** Published figures (cells and totals, all computed from the true
   counts) are rounded half up to the rounding base (1: no rounding). The minimum
   must be a multiple of the base, so a published figure is never under the minimum.
5. **Differencing.** When the caller passes the strata a filter can act on (for
   example `("voivodeship", "week")`), the table is computed over those strata, and
   a figure is published only if each stratum adds 0 or at least `minimum` people to
   it. Two releases, one of which keeps all the strata of the other and more, then
   differ, in every figure published by both, by 0 or by at least the minimum.
6. **Totals known from elsewhere.** A table whose cells split the people (`partition`)
   has totals another output may publish (a month's total is a cell of the table by
   month). So under every total, withheld or not, the hidden cells must add up to 0
   or to at least the minimum over at least two non-empty cells; the smallest
   published cells are hidden until they do. A published total minus the published
   cells then never gives a group under the minimum, nor one hidden cell.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import combinations, product

TIME_DIMENSIONS = frozenset({"year", "quarter", "month", "week"})
"""Not identifying: a period alone points at nobody (and is not counted in the three)."""

IDENTIFYING_EXAMPLES = frozenset(
    {
        "voivodeship",
        "sex",
        "gender",
        "age_band",
        "nationality",
        "citizenship",
        "disability",
        "organisation",
        "team",
        "exploitation_type",
        "means_of_control",
        "industry",
        "recruitment",
        "site_type",
        "trafficking_status",
    }
)
"""The documented identifying dimensions. Any name outside TIME_DIMENSIONS counts too."""

ORGANISATION_DIMENSIONS = frozenset({"organisation", "team", "service_provider"})
"""Dimensions that name a reporting or providing agency: never in shared outputs."""

MAX_IDENTIFYING = 3
TOTAL_LABEL = "Total"
SUPPRESSED_MARKER = "suppressed"

type Key = tuple[str, ...]
type TotalKey = tuple[str | None, ...]


class Audience(StrEnum):
    PUBLIC = "public"
    PARTNER = "partner"
    INTERNAL = "internal"


SHARED_AUDIENCES = frozenset({Audience.PUBLIC, Audience.PARTNER})


class UnsafeTableError(ValueError):
    """The table asked for cannot be released safely (too many dimensions, an
    organisation dimension in a shared output, a malformed count or threshold)."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    minimum: int
    rounding: int = 1

    def __post_init__(self) -> None:
        if self.minimum < 1:
            raise UnsafeTableError("the minimum cell size must be at least 1")
        if self.rounding < 1:
            raise UnsafeTableError("the rounding base must be at least 1 (1: no rounding)")
        if self.minimum % self.rounding:
            # Otherwise a count at the minimum could round below it, and the
            # difference of two rounded figures could fall under the minimum.
            raise UnsafeTableError("the minimum must be a multiple of the rounding base")

    def publish(self, true_count: int) -> int:
        """The rounded figure of a count that passed suppression (half up)."""
        base = self.rounding
        return ((true_count + base // 2) // base) * base


@dataclass(frozen=True, slots=True)
class SafeTable:
    """A table ready to leave the system: figures are published values or None."""

    name: str
    audience: Audience
    dimensions: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    thresholds: Thresholds
    strata: tuple[str, ...]
    cells: dict[Key, int | None]
    totals: dict[TotalKey, int | None] = field(default_factory=dict)
    release_id: str = ""
    """The id of the release log entry (set by the Django side when it logs the table)."""

    @property
    def cells_published(self) -> int:
        return sum(1 for v in self._figures() if v is not None)

    @property
    def cells_suppressed(self) -> int:
        return sum(1 for v in self._figures() if v is None)

    def _figures(self) -> Iterator[int | None]:
        yield from self.cells.values()
        yield from self.totals.values()

    def rows(self) -> Iterator[list[str]]:
        """A header, then one row per cell and per total (totals labelled "Total");
        a suppressed figure reads "suppressed"."""
        yield [*self.dimensions, "count"]
        for key, value in self.cells.items():
            yield [*key, _shown(value)]
        for total_key, value in self.totals.items():
            yield [*(TOTAL_LABEL if part is None else part for part in total_key), _shown(value)]

    def header_note(self) -> str:
        rounding = f"rounded to {self.thresholds.rounding}" if self.thresholds.rounding > 1 else ""
        parts = [
            " ".join(self.name.split()),  # one line, whatever the name holds
            *([f"release {self.release_id}"] if self.release_id else []),
            f"audience {self.audience.value}",
            f"counts under {self.thresholds.minimum} {SUPPRESSED_MARKER}",
        ]
        if rounding:
            parts.append(rounding)
        return "; ".join(parts)


def _shown(value: int | None) -> str:
    return SUPPRESSED_MARKER if value is None else str(value)


def identifying(dimensions: Iterable[str]) -> list[str]:
    return [name for name in dimensions if name not in TIME_DIMENSIONS]


def check_dimensions(dimensions: Sequence[str], audience: Audience) -> None:
    if not dimensions:
        raise UnsafeTableError("a table needs at least one dimension")
    if len(set(dimensions)) != len(dimensions):
        raise UnsafeTableError("a dimension is named twice")
    named = identifying(dimensions)
    if len(named) > MAX_IDENTIFYING:
        raise UnsafeTableError(
            f"at most {MAX_IDENTIFYING} identifying dimensions per table, got "
            f"{len(named)}: {', '.join(named)}"
        )
    if audience in SHARED_AUDIENCES:
        organisational = [name for name in dimensions if name in ORGANISATION_DIMENSIONS]
        if organisational:
            raise UnsafeTableError(
                f"no organisation dimension in a {audience.value} output: "
                f"{', '.join(organisational)}"
            )


def protect(
    *,
    name: str,
    dimensions: Sequence[str],
    counts: Mapping[tuple[str, ...], int],
    audience: Audience,
    thresholds: Thresholds,
    strata: Sequence[str] = (),
    levels: Mapping[str, Sequence[str]] | None = None,
    totals: bool = True,
    partition: bool = True,
) -> SafeTable:
    """Suppress, secondary-suppress and round a table of counts.

    `counts` maps a key (one value per dimension, then one per stratum) to a number of
    people; absent keys are 0. The table's cells are every combination of the levels
    seen (or given in `levels`, which fixes their order). With `totals`, every
    marginal total (rows, columns, grand total, …) is published too, under the same
    rules. `partition` (the default) says each person is in one cell: then the
    table's totals may be known from another output (the month's total of a table by
    sex is a cell of the table by month), and rule 6 applies. Pass False for a
    many-valued dimension (a person under several indicators), whose cells do not add
    up to a total.
    """
    dims = tuple(dimensions)
    strata = tuple(strata)
    check_dimensions(dims + strata, audience)
    if set(dims) & set(strata):
        raise UnsafeTableError("a stratum cannot also be a dimension of the table")
    width = len(dims) + len(strata)
    for key, count in counts.items():
        if len(key) != width or not all(isinstance(part, str) for part in key):
            raise UnsafeTableError(f"each key needs {width} text values")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise UnsafeTableError("counts must be whole numbers of 0 or more")

    table_levels = _levels(dims, counts, levels)
    true_counts, components = _aggregate(dims, counts, table_levels, totals)
    minimum = thresholds.minimum
    suppressed = {
        key
        for key, count in true_counts.items()
        if count < minimum or any(0 < part < minimum for part in components[key].values())
    }
    if partition:
        _hide_until_known_totals_reveal_nothing(suppressed, counts, dims, table_levels, minimum)
    _withhold_totals_over_hidden_cells(suppressed, true_counts)

    def figure(key: TotalKey) -> int | None:
        if key in suppressed or key not in true_counts:  # absent: a total over no cells, 0
            return None
        return thresholds.publish(true_counts[key])

    # Every combination, in level order.
    inner: dict[Key, int | None] = {cell: figure(cell) for cell in product(*table_levels)}
    marginal: dict[TotalKey, int | None] = {}
    if totals:
        marginal = {total: figure(total) for total in _marginal_keys(dims, table_levels)}
    return SafeTable(
        name=name,
        audience=audience,
        dimensions=dims,
        levels=table_levels,
        thresholds=thresholds,
        strata=strata,
        cells=inner,
        totals=marginal,
    )


def _levels(
    dims: tuple[str, ...],
    counts: Mapping[tuple[str, ...], int],
    given: Mapping[str, Sequence[str]] | None,
) -> tuple[tuple[str, ...], ...]:
    result = []
    for index, name in enumerate(dims):
        ordered = list(dict.fromkeys((given or {}).get(name, ())))
        seen = sorted({key[index] for key in counts} - set(ordered))
        result.append(tuple(ordered + seen))
    return tuple(result)


def _masks(n: int, totals: bool) -> Iterator[tuple[bool, ...]]:
    """Which dimensions each table of the lattice keeps: the full table first."""
    yield (True,) * n
    if totals:
        for kept in range(n - 1, -1, -1):
            for chosen in combinations(range(n), kept):
                yield tuple(i in chosen for i in range(n))


def _marginal_keys(
    dims: tuple[str, ...], levels: tuple[tuple[str, ...], ...]
) -> Iterator[TotalKey]:
    for mask in list(_masks(len(dims), True))[1:]:
        axes: list[tuple[str | None, ...]] = [
            levels[i] if keep else (None,) for i, keep in enumerate(mask)
        ]
        yield from product(*axes)


def _aggregate(
    dims: tuple[str, ...],
    counts: Mapping[tuple[str, ...], int],
    levels: tuple[tuple[str, ...], ...],
    totals: bool,
) -> tuple[dict[TotalKey, int], dict[TotalKey, dict[tuple[str, ...], int]]]:
    """True count and per-stratum contributions of every figure of the lattice."""
    n = len(dims)
    masks = list(_masks(n, totals))
    true_counts: dict[TotalKey, int] = {}
    components: dict[TotalKey, dict[tuple[str, ...], int]] = {}
    for key in product(*levels):
        for mask in masks:
            target = tuple(part if keep else None for part, keep in zip(key, mask, strict=True))
            true_counts.setdefault(target, 0)
            components.setdefault(target, {})
    for full_key, count in counts.items():
        key, stratum = full_key[:n], full_key[n:]
        for mask in masks:
            target = tuple(part if keep else None for part, keep in zip(key, mask, strict=True))
            true_counts[target] += count
            parts = components[target]
            parts[stratum] = parts.get(stratum, 0) + count
    return true_counts, components


def _hide_until_known_totals_reveal_nothing(
    suppressed: set[TotalKey],
    counts: Mapping[tuple[str, ...], int],
    dims: tuple[str, ...],
    levels: tuple[tuple[str, ...], ...],
    minimum: int,
) -> None:
    """Rule 6: a total withheld here may be published by another output (the same
    month's total in a table by month, the same voivodeship's in a table by
    voivodeship). Subtracting this table's published cells from it gives the sum of
    its hidden cells, so under every total (grand, and each line's) the hidden cells
    must add up to 0, or to at least the minimum over at least two non-empty cells.
    Until they do, the smallest published non-empty cell under that total is hidden
    too."""
    n = len(dims)
    cell_counts: dict[Key, int] = dict.fromkeys(product(*levels), 0)
    for full_key, count in counts.items():
        cell_counts[full_key[:n]] += count
    lines = [mask for mask in _masks(n, True) if not all(mask)]

    def smallest_first(cell: Key) -> tuple[int, Key]:
        return cell_counts[cell], cell

    changed = True
    while changed:
        changed = False
        for mask in lines:
            groups: dict[TotalKey, list[Key]] = {}
            for cell in cell_counts:
                line = tuple(part if keep else None for part, keep in zip(cell, mask, strict=True))
                groups.setdefault(line, []).append(cell)
            for cells in groups.values():
                hidden = [cell_counts[c] for c in cells if c in suppressed and cell_counts[c]]
                if not hidden or (sum(hidden) >= minimum and len(hidden) >= 2):
                    continue
                shown = [c for c in cells if c not in suppressed and cell_counts[c]]
                if shown:
                    smallest: Key = min(shown, key=smallest_first)
                    suppressed.add(smallest)
                    changed = True


def _withhold_totals_over_hidden_cells(
    suppressed: set[TotalKey], true_counts: Mapping[TotalKey, int]
) -> None:
    """Rule 3: every total that adds up a hidden cell is hidden too. A published total
    then sums published cells only, so no published figure, alone or with any other,
    carries anything of a hidden cell (not even bounds)."""
    hidden_cells = [key for key in suppressed if None not in key]
    for total in true_counts:
        if (
            None in total
            and total not in suppressed
            and any(_covers(total, cell) for cell in hidden_cells)
        ):
            suppressed.add(total)


def _covers(total: TotalKey, cell: TotalKey) -> bool:
    return all(part is None or part == value for part, value in zip(total, cell, strict=True))
