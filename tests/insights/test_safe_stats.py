"""The safe statistics rules (safepath/insights/safe_stats.py), pure: no database.

The property tests check the published tables with an attacker written independently
of the implementation: it sees only what a reader of the CSV sees (levels, published
figures, thresholds) and tries to recompute every suppressed figure from the totals.
"""

import os
from collections.abc import Iterator
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepath.insights.safe_stats import (
    Audience,
    SafeTable,
    Thresholds,
    TotalKey,
    UnsafeTableError,
    protect,
)

PUBLIC = Thresholds(minimum=10, rounding=5)
PARTNER = Thresholds(minimum=5)
BIG = 10_000  # what the attacker assumes at most for a figure it knows nothing about

# ---------------------------------------------------------------- the attacker


def _figures(table: SafeTable) -> dict[TotalKey, int | None]:
    figures: dict[TotalKey, int | None] = dict(table.totals)
    for key, value in table.cells.items():
        figures[key] = value
    return figures


def _equations(table: SafeTable) -> Iterator[tuple[TotalKey, list[TotalKey]]]:
    """Every "total = sum of the figures it adds up" a reader can write down."""
    for key in table.totals:
        for axis, part in enumerate(key):
            if part is None:
                yield key, [(*key[:axis], lv, *key[axis + 1 :]) for lv in table.levels[axis]]


def _known_range(table: SafeTable, value: int | None) -> tuple[int, int]:
    """What a reader knows of the true count behind a published figure."""
    if value is None:
        return 0, BIG
    base = table.thresholds.rounding
    # Half-up rounding to `base`: the true count is within these bounds.
    return max(value - base // 2, table.thresholds.minimum), value + (base - 1) - base // 2


def attacker_ranges(table: SafeTable) -> dict[TotalKey, tuple[int, int]]:
    """Bounds on every figure from the published ones, the equations and counts ≥ 0,
    tightened until nothing changes."""
    ranges = {key: _known_range(table, value) for key, value in _figures(table).items()}
    equations = list(_equations(table))
    for _ in range(2_000):
        changed = False
        for parent, children in equations:
            lo_sum = sum(ranges[c][0] for c in children)
            hi_sum = sum(ranges[c][1] for c in children)
            p_lo, p_hi = ranges[parent]
            new_parent = (max(p_lo, lo_sum), min(p_hi, hi_sum))
            if new_parent != ranges[parent]:
                ranges[parent], changed = new_parent, True
            p_lo, p_hi = ranges[parent]
            for child in children:
                c_lo, c_hi = ranges[child]
                others_lo = lo_sum - c_lo
                others_hi = hi_sum - c_hi
                new_child = (max(c_lo, p_lo - others_hi), min(c_hi, p_hi - others_lo))
                if new_child != ranges[child]:
                    lo_sum += new_child[0] - c_lo
                    hi_sum += new_child[1] - c_hi
                    ranges[child], changed = new_child, True
        if not changed:
            return ranges
    raise AssertionError("the attacker's bounds did not settle")


def linearly_determined(table: SafeTable) -> set[TotalKey]:
    """Suppressed figures that the equations alone fix (exact figures only: no rounding).

    Gaussian elimination over the rationals: a suppressed figure is fixed when its row in
    the reduced echelon form has no free variable."""
    figures = _figures(table)
    hidden = [key for key, value in figures.items() if value is None]
    column = {key: i for i, key in enumerate(hidden)}
    rows: list[list[Fraction]] = []
    for parent, children in _equations(table):
        row = [Fraction(0)] * (len(hidden) + 1)
        constant = 0
        for key, sign in [(parent, 1), *((c, -1) for c in children)]:
            value = figures[key]
            if value is None:
                row[column[key]] += sign
            else:
                constant -= sign * value
        row[-1] = Fraction(constant)
        if any(row[:-1]):
            rows.append(row)
    pivots: list[int] = []
    r = 0
    for col in range(len(hidden)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][col]
        rows[r] = [x / lead for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(col)
        r += 1
    pivot_set = set(pivots)
    determined = set()
    for i, col in enumerate(pivots):
        if not any(rows[i][j] != 0 for j in range(len(hidden)) if j not in pivot_set):
            determined.add(hidden[col])
    return determined


def true_figure(counts: dict[tuple[str, ...], int], n: int, key: TotalKey) -> int:
    return sum(
        count
        for full, count in counts.items()
        if all(part is None or part == full[i] for i, part in enumerate(key[:n]))
    )


# ---------------------------------------------------------------- populations

SMALL_COUNT = st.one_of(st.just(0), st.integers(1, 9), st.integers(0, 30))
DIMENSION_NAMES = ("voivodeship", "sex", "age_band")


@st.composite
def populations(draw: st.DrawFn) -> tuple[tuple[str, ...], dict[tuple[str, ...], int]]:
    """A small table: 1 to 3 dimensions of 1 to 3 levels, counts 0..30."""
    n = draw(st.integers(1, 3))
    dims = DIMENSION_NAMES[:n]
    sizes = [draw(st.integers(1, 3)) for _ in dims]
    counts: dict[tuple[str, ...], int] = {}

    def keys(prefix: tuple[str, ...], axis: int) -> Iterator[tuple[str, ...]]:
        if axis == n:
            yield prefix
            return
        for level in range(sizes[axis]):
            yield from keys((*prefix, f"{dims[axis]}{level}"), axis + 1)

    for key in keys((), 0):
        counts[key] = draw(SMALL_COUNT)
    return dims, counts


AUDIENCES = st.sampled_from([(Audience.PUBLIC, PUBLIC), (Audience.PARTNER, PARTNER)])
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("SAFE_STATS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY_SETTINGS
@given(population=populations(), audience=AUDIENCES)
def test_every_published_figure_is_at_least_the_minimum_and_rounded(
    population: tuple[tuple[str, ...], dict[tuple[str, ...], int]],
    audience: tuple[Audience, Thresholds],
) -> None:
    dims, counts = population
    who, thresholds = audience
    table = protect(name="t", dimensions=dims, counts=counts, audience=who, thresholds=thresholds)
    for key, value in _figures(table).items():
        truth = true_figure(counts, len(dims), key)
        if value is None:
            continue
        assert value >= thresholds.minimum
        assert value % thresholds.rounding == 0
        assert abs(value - truth) <= thresholds.rounding // 2
        assert truth >= thresholds.minimum  # primary suppression held


@PROPERTY_SETTINGS
@given(population=populations(), audience=AUDIENCES)
def test_no_suppressed_figure_can_be_recomputed(
    population: tuple[tuple[str, ...], dict[tuple[str, ...], int]],
    audience: tuple[Audience, Thresholds],
) -> None:
    dims, counts = population
    who, thresholds = audience
    table = protect(name="t", dimensions=dims, counts=counts, audience=who, thresholds=thresholds)
    figures = _figures(table)
    # (a) No line shows exactly one suppressed figure next to its published total.
    for parent, children in _equations(table):
        hidden = [c for c in [parent, *children] if figures[c] is None]
        assert len(hidden) != 1, (parent, hidden)
    # (b) Bounds from the totals and counts ≥ 0 never pin or narrow a small hidden figure.
    ranges = attacker_ranges(table)
    for key, value in figures.items():
        truth = true_figure(counts, len(dims), key)
        low, high = ranges[key]
        assert low <= truth <= high  # the attacker is sound
        if value is None and truth < thresholds.minimum:
            # Not pinned, and not narrowed below `minimum` possible values.
            assert high - low >= thresholds.minimum - 1, (key, truth, ranges[key])
    # (c) Exact figures: no small hidden figure is fixed by the equations.
    if thresholds.rounding == 1:
        for key in linearly_determined(table):
            assert true_figure(counts, len(dims), key) >= thresholds.minimum, key
    # (d) Structurally: no published total adds up a hidden cell, so no combination of
    # published figures, however clever, contains one.
    hidden_cells = [cell for cell, value in table.cells.items() if value is None]
    for total, value in table.totals.items():
        if value is not None:
            for cell in hidden_cells:
                assert not all(
                    part is None or part == level for part, level in zip(total, cell, strict=True)
                ), (total, cell)


# ---------------------------------------------------------------- differencing

VOIVODESHIPS = ("02", "06", "14")
WEEKS = ("2026-W01", "2026-W02", "2026-W03")
LEVELS = {"sex": ("f", "m"), "age_band": ("0-4", "18-59", "60+")}


@st.composite
def stratified(draw: st.DrawFn) -> dict[tuple[str, ...], int]:
    """Counts by sex, age band, voivodeship and week."""
    return {
        (sex, age, voiv, week): draw(SMALL_COUNT)
        for sex in LEVELS["sex"]
        for age in LEVELS["age_band"]
        for voiv in VOIVODESHIPS
        for week in WEEKS
    }


def _release(counts: dict[tuple[str, ...], int], thresholds: Thresholds) -> SafeTable:
    audience = Audience.PUBLIC if thresholds.rounding > 1 else Audience.PARTNER
    return protect(
        name="by sex and age",
        dimensions=("sex", "age_band"),
        counts=counts,
        audience=audience,
        thresholds=thresholds,
        strata=("voivodeship", "week"),
        levels=LEVELS,
    )


@PROPERTY_SETTINGS
@given(
    counts=stratified(),
    audience=AUDIENCES,
    drop=st.one_of(
        # All but one voivodeship; one week less; any strata left out.
        st.sampled_from(VOIVODESHIPS).map(lambda v: {(v, w) for w in WEEKS}),
        st.sampled_from(WEEKS).map(lambda w: {(v, w) for v in VOIVODESHIPS}),
        st.sets(st.tuples(st.sampled_from(VOIVODESHIPS), st.sampled_from(WEEKS)), min_size=1),
    ),
)
def test_two_releases_differing_by_one_filter_never_differ_by_a_small_group(
    counts: dict[tuple[str, ...], int],
    audience: tuple[Audience, Thresholds],
    drop: set[tuple[str, str]],
) -> None:
    """All people vs all but one voivodeship, or one week more (or any strata left out):
    every figure published by both releases differs by 0 or by at least the minimum."""
    _, thresholds = audience
    everyone = _release(counts, thresholds)
    filtered = _release({k: v for k, v in counts.items() if k[2:] not in drop}, thresholds)
    both = _figures(everyone)
    for key, value in _figures(filtered).items():
        other = both[key]
        if value is None or other is None:
            continue
        difference = abs(other - value)
        assert difference == 0 or difference >= thresholds.minimum, (key, other, value)


def test_without_strata_a_filter_can_reveal_a_small_group() -> None:
    """Why the strata are needed: the same two releases without them give away 3 people."""
    counts: dict[tuple[str, ...], int] = {
        ("f", "14"): 20,
        ("m", "14"): 20,
        ("f", "06"): 3,
        ("m", "06"): 0,
    }
    whole = protect(
        name="t",
        dimensions=("sex",),
        counts={("f",): 23, ("m",): 20},
        audience=Audience.PARTNER,
        thresholds=PARTNER,
    )
    without_06 = protect(
        name="t",
        dimensions=("sex",),
        counts={("f",): 20, ("m",): 20},
        audience=Audience.PARTNER,
        thresholds=PARTNER,
    )
    shown, shown_without_06 = whole.cells[("f",)], without_06.cells[("f",)]
    assert shown is not None
    assert shown_without_06 is not None
    assert shown - shown_without_06 == 3
    # With the voivodeship as a stratum the figure for women is withheld instead.
    stratified_whole = protect(
        name="t",
        dimensions=("sex",),
        counts=counts,
        audience=Audience.PARTNER,
        thresholds=PARTNER,
        strata=("voivodeship",),
    )
    assert stratified_whole.cells[("f",)] is None


# ---------------------------------------------------------------- the rules, by example


def test_a_two_way_table_withholds_every_total_over_a_hidden_cell() -> None:
    counts: dict[tuple[str, ...], int] = {
        ("f", "0-4"): 3,
        ("f", "18-59"): 40,
        ("f", "60+"): 11,
        ("m", "0-4"): 12,
        ("m", "18-59"): 25,
        ("m", "60+"): 9,
    }
    table = protect(
        name="people by sex and age",
        dimensions=("sex", "age_band"),
        counts=counts,
        audience=Audience.PUBLIC,
        thresholds=PUBLIC,
        partition=False,  # rules 1-3 alone (rule 6: its own tests)
    )
    # 3 and 9 are under 10; every total that adds up one of them is withheld, so no
    # published figure says anything about them.
    assert table.cells == {
        ("f", "0-4"): None,
        ("f", "18-59"): 40,
        ("f", "60+"): 10,
        ("m", "0-4"): 10,
        ("m", "18-59"): 25,
        ("m", "60+"): None,
    }
    assert table.totals == {
        ("f", None): None,
        ("m", None): None,
        (None, "0-4"): None,
        (None, "18-59"): 65,
        (None, "60+"): None,
        (None, None): None,
    }
    assert (table.cells_published, table.cells_suppressed) == (5, 7)


def test_a_single_small_cell_takes_its_total_with_it() -> None:
    table = protect(
        name="t",
        dimensions=("sex",),
        counts={("f",): 4, ("m",): 30},
        audience=Audience.PARTNER,
        thresholds=PARTNER,
        levels={"sex": ("f", "m")},
        partition=False,  # rules 1-3 alone (rule 6: its own tests)
    )
    # With the total, 34 - 30 would give the hidden 4 away: the total goes.
    assert table.cells == {("f",): None, ("m",): 30}
    assert table.totals == {(None,): None}
    # And since 34 may be published elsewhere (a table by month), rule 6 hides 30 too.
    counts: dict[tuple[str, ...], int] = {("f",): 4, ("m",): 30}
    default = protect(
        name="t", dimensions=("sex",), counts=counts, audience=Audience.PARTNER, thresholds=PARTNER
    )
    assert default.cells == {("f",): None, ("m",): None}


def test_hidden_cells_must_hold_at_least_the_minimum_together() -> None:
    table = protect(
        name="t",
        dimensions=("sex",),
        counts={("f",): 1, ("m",): 2},
        audience=Audience.PARTNER,
        thresholds=PARTNER,
    )
    assert table.cells == {("f",): None, ("m",): None}
    assert table.totals == {(None,): None}


def test_rounding_is_half_up_to_the_base() -> None:
    table = protect(
        name="t",
        dimensions=("week",),
        counts={("w1",): 12, ("w2",): 13, ("w3",): 10},
        audience=Audience.PUBLIC,
        thresholds=PUBLIC,
    )
    assert table.cells == {("w1",): 10, ("w2",): 15, ("w3",): 10}
    assert table.totals == {(None,): 35}


def test_zero_is_suppressed_like_any_small_count() -> None:
    table = protect(
        name="t",
        dimensions=("sex",),
        counts={("f",): 0, ("m",): 20, ("x",): 25},
        audience=Audience.PARTNER,
        thresholds=PARTNER,
    )
    assert table.cells == {("f",): None, ("m",): 20, ("x",): 25}
    assert table.totals == {(None,): None}


def test_without_totals_only_primary_suppression_applies() -> None:
    table = protect(
        name="t",
        dimensions=("sex",),
        counts={("f",): 4, ("m",): 30},
        audience=Audience.PARTNER,
        thresholds=PARTNER,
        totals=False,
        partition=False,  # rules 1-3 alone (rule 6: its own tests)
    )
    assert table.cells == {("f",): None, ("m",): 30}
    assert table.totals == {}


def test_rows_mark_suppressed_figures_and_label_totals() -> None:
    table = protect(
        name="t",
        dimensions=("sex",),
        counts={("f",): 4, ("m",): 30, ("x",): 7},
        audience=Audience.PARTNER,
        thresholds=PARTNER,
        partition=False,  # rules 1-3 alone (rule 6: its own tests)
    )
    assert list(table.rows()) == [
        ["sex", "count"],
        ["f", "suppressed"],
        ["m", "30"],
        ["x", "7"],
        ["Total", "suppressed"],
    ]


def test_more_than_three_identifying_dimensions_are_refused() -> None:
    with pytest.raises(UnsafeTableError, match="at most 3 identifying dimensions"):
        protect(
            name="t",
            dimensions=("voivodeship", "sex", "age_band", "nationality"),
            counts={},
            audience=Audience.INTERNAL,
            thresholds=PARTNER,
        )


def test_strata_count_towards_the_identifying_dimensions() -> None:
    with pytest.raises(UnsafeTableError, match="at most 3 identifying dimensions"):
        protect(
            name="t",
            dimensions=("sex", "age_band", "nationality"),
            counts={},
            audience=Audience.PARTNER,
            thresholds=PARTNER,
            strata=("voivodeship",),
        )


def test_time_does_not_count_as_identifying() -> None:
    table = protect(
        name="t",
        dimensions=("month", "voivodeship", "sex", "age_band"),
        counts={("2026-01", "14", "f", "18-59"): 12},
        audience=Audience.PARTNER,
        thresholds=PARTNER,
    )
    assert table.cells == {("2026-01", "14", "f", "18-59"): 12}


@pytest.mark.parametrize("audience", [Audience.PUBLIC, Audience.PARTNER])
def test_organisation_is_refused_in_shared_outputs(audience: Audience) -> None:
    with pytest.raises(UnsafeTableError, match="no organisation dimension"):
        protect(
            name="t",
            dimensions=("organisation",),
            counts={("ORGA",): 20},
            audience=audience,
            thresholds=PARTNER,
        )


def test_organisation_is_allowed_internally() -> None:
    table = protect(
        name="t",
        dimensions=("organisation",),
        counts={("ORGA",): 20},
        audience=Audience.INTERNAL,
        thresholds=PARTNER,
        totals=False,
    )
    assert table.cells == {("ORGA",): 20}


@pytest.mark.parametrize(
    ("minimum", "rounding", "message"),
    [
        (0, 1, "minimum cell size must be at least 1"),
        (10, 0, "rounding base must be at least 1"),
        (10, 3, "multiple of the rounding base"),
    ],
)
def test_bad_thresholds_are_refused(minimum: int, rounding: int, message: str) -> None:
    with pytest.raises(UnsafeTableError, match=message):
        Thresholds(minimum=minimum, rounding=rounding)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({("f", "x"): 1}, "each key needs 1 text values"),
        ({("f",): -1}, "whole numbers of 0 or more"),
        ({("f",): True}, "whole numbers of 0 or more"),
    ],
)
def test_bad_counts_are_refused(counts: dict[tuple[str, ...], int], message: str) -> None:
    with pytest.raises(UnsafeTableError, match=message):
        protect(
            name="t",
            dimensions=("sex",),
            counts=counts,
            audience=Audience.PARTNER,
            thresholds=PARTNER,
        )


def test_totals_of_several_lines_cannot_pin_hidden_cells_together() -> None:
    """A review's counter-example to the earlier line-by-line rule: the grand total,
    row c and column z together gave a + b = 33 and a·z + b·z = 32, so the four hidden
    cells of rows a and b held exactly one person. Now no published total adds up a
    hidden cell, checked here independently of the module."""
    counts: dict[tuple[str, ...], int] = {
        ("a", "x"): 1,
        ("a", "y"): 0,
        ("a", "z"): 20,
        ("b", "x"): 0,
        ("b", "y"): 0,
        ("b", "z"): 12,
        ("c", "x"): 30,
        ("c", "y"): 5,
        ("c", "z"): 12,
    }
    table = protect(
        name="t",
        dimensions=("row", "column"),
        counts=counts,
        audience=Audience.PARTNER,
        thresholds=PARTNER,
    )
    hidden = [cell for cell, value in table.cells.items() if value is None]
    assert hidden
    for total, value in table.totals.items():
        covered = [
            cell
            for cell in table.cells
            if all(part is None or part == level for part, level in zip(total, cell, strict=True))
        ]
        if value is not None:
            assert not set(covered) & set(hidden), total
            assert value == sum(counts.get(cell, 0) for cell in covered)


def test_a_table_with_no_counts_publishes_nothing_and_does_not_fail() -> None:
    table = protect(
        name="empty",
        dimensions=("sex",),
        counts={},
        audience=Audience.INTERNAL,
        thresholds=Thresholds(minimum=5),
    )
    assert table.cells == {}
    assert table.totals == {(None,): None}


@PROPERTY_SETTINGS
@given(population=populations(), audience=AUDIENCES)
def test_totals_published_elsewhere_reveal_no_small_group(
    population: tuple[tuple[str, ...], dict[tuple[str, ...], int]],
    audience: tuple[Audience, Thresholds],
) -> None:
    """Every total of the table is taken as known (another output may publish it, even
    when this table withholds it). True total minus the published cells under it is
    the sum of the hidden cells: it must be 0, or at least the minimum spread over at
    least two non-empty cells."""
    dims, counts = population
    who, thresholds = audience
    table = protect(
        name="t", dimensions=dims, counts=counts, audience=who, thresholds=thresholds, totals=False
    )
    n = len(dims)
    for mask in range(2**n - 1):  # every total: the lines, and the grand total (mask 0)
        lines: dict[tuple[str | None, ...], list[tuple[str, ...]]] = {}
        for cell in table.cells:
            line = tuple(part if mask >> i & 1 else None for i, part in enumerate(cell))
            lines.setdefault(line, []).append(cell)
        for cells in lines.values():
            hidden = [counts.get(c, 0) for c in cells if table.cells[c] is None]
            hidden = [count for count in hidden if count]
            shown = [c for c in cells if table.cells[c] is not None]
            # With nothing shown under it, the total alone says no more than itself
            # (and it is published elsewhere only if it passes the same rules).
            assert (
                not hidden or not shown or (sum(hidden) >= thresholds.minimum and len(hidden) >= 2)
            ), (cells, hidden)


def test_a_total_published_by_another_table_cannot_uncover_a_small_group() -> None:
    # 10 women, 10 men and 2 "other" in one month; the table by month publishes 22.
    by_sex = protect(
        name="by sex",
        dimensions=("sex",),
        counts={("female",): 10, ("male",): 10, ("other",): 2},
        audience=Audience.PARTNER,
        thresholds=PARTNER,
    )
    # 22 - 10 - 10 = 2 would give "other" away: one more cell is withheld with it.
    assert by_sex.cells == {("female",): None, ("male",): 10, ("other",): None}
    assert by_sex.totals == {(None,): None}


def test_many_valued_tables_opt_out_of_the_known_total_rule() -> None:
    table = protect(
        name="by indicator",
        dimensions=("indicator",),
        counts={("a",): 10, ("b",): 10, ("c",): 2},
        audience=Audience.PARTNER,
        thresholds=PARTNER,
        totals=False,
        partition=False,
    )
    assert table.cells == {("a",): 10, ("b",): 10, ("c",): None}
