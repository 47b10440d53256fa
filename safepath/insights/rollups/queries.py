"""Reading the rollups: the counts behind every dashboard, alert and statistics output.

Each function reads only `Rollup` rows, through the `rollup_lookup` index, and answers
true counts: callers pass them through `safe_stats.protect` (the screen) or
`releases.safe_table` (anything that leaves the system) before showing them.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db.models import QuerySet, Sum

from safepath.insights.models import Rollup
from safepath.insights.models.rollups import ALL, TOTAL_DIMENSION, Grain
from safepath.insights.rollups.build import month_start, period_end

PERIOD_DIMENSIONS = frozenset({"week", "month"})
LOCATION_DIMENSIONS = frozenset({"voivodeship", "population"})


@dataclass(frozen=True, slots=True)
class Filters:
    """What a dashboard, an alert or an output counts.

    `start` and `end` are the first day of the first month and the first day after the
    last month (periods are whole months; weeks belong to the month of their Monday
    for weekly series). `organisation_ids` None means every organisation.
    """

    start: datetime.date
    end: datetime.date
    voivodeship: str = ALL
    population: str = ALL
    organisation_ids: tuple[int, ...] | None = None

    def previous(self) -> "Filters":
        """The same filters over the period of the same length just before."""
        months = months_between(self.start, self.end)
        start = self.start
        for _ in range(months):
            start = month_start(start - datetime.timedelta(days=1))
        return replace(self, start=start, end=self.start)


def months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def last_months(today: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """The `months` whole months up to and including the current one."""
    end = period_end(Grain.MONTH, month_start(today))
    start = end
    for _ in range(months):
        start = month_start(start - datetime.timedelta(days=1))
    return start, end


def _rows(
    measure: str,
    dimension: str,
    grain: str,
    filters: Filters,
    *,
    voivodeship: str | None = None,
    population: str | None = None,
) -> QuerySet[Rollup]:
    rows = Rollup.objects.filter(
        measure=measure,
        dimension=dimension,
        grain=grain,
        voivodeship=filters.voivodeship if voivodeship is None else voivodeship,
        population=filters.population if population is None else population,
        period__gte=filters.start,
        period__lt=filters.end,
    )
    if filters.organisation_ids is not None:
        rows = rows.filter(organisation_id__in=filters.organisation_ids)
    return rows


def breakdown(measure: str, dimension: str, filters: Filters) -> dict[str, int]:
    """Counts of `measure` over the period, by the values of `dimension`.

    `dimension` is one of the measure's breakdowns, "voivodeship", "population",
    "month", "week", or "all" (one value, "all": the total)."""
    if dimension in PERIOD_DIMENSIONS:
        grain = Grain.WEEK if dimension == "week" else Grain.MONTH
        periods = _rows(measure, TOTAL_DIMENSION, grain, filters).values_list("period")
        return {
            period.isoformat(): n
            for period, n in periods.annotate(n=Sum("count"))
            .order_by("period")
            .values_list("period", "n")
        }
    if dimension in LOCATION_DIMENSIONS:
        # The rows of each voivodeship (or population) rather than its ALL row.
        other = "population" if dimension == "voivodeship" else "voivodeship"
        rows = Rollup.objects.filter(
            measure=measure,
            dimension=TOTAL_DIMENSION,
            grain=Grain.MONTH,
            period__gte=filters.start,
            period__lt=filters.end,
            **{other: getattr(filters, other)},
        ).exclude(**{dimension: ALL})
        if getattr(filters, dimension) != ALL:
            rows = rows.filter(**{dimension: getattr(filters, dimension)})
        if filters.organisation_ids is not None:
            rows = rows.filter(organisation_id__in=filters.organisation_ids)
        pairs = rows.values_list(dimension).annotate(n=Sum("count")).values_list(dimension, "n")
        return dict(pairs.order_by())
    rows = _rows(measure, dimension, Grain.MONTH, filters)
    pairs = rows.values_list("value").annotate(n=Sum("count")).values_list("value", "n")
    return dict(pairs.order_by())


def total(measure: str, filters: Filters) -> int:
    return breakdown(measure, TOTAL_DIMENSION, filters).get(TOTAL_DIMENSION, 0)


STRATA = ("month", "voivodeship", "population")
"""The dimensions a filter of a released output can act on (docs/insights.md): a
release is computed over them so that two releases differing by a filter never differ
by a group under the minimum."""


def stratified(
    measure: str, dimension: str, filters: Filters
) -> tuple[tuple[str, ...], dict[tuple[str, ...], int]]:
    """Counts keyed by the value of `dimension` then one value per stratum, for
    `releases.safe_table(dimensions=(dimension,), strata=...)`; returns the strata
    too (`STRATA` without the dimension itself). A time dimension is released with
    the location strata only: each period is a whole cell, in or out of the period."""
    strata = tuple(
        s
        for s in STRATA
        if s != dimension and not (dimension in PERIOD_DIMENSIONS and s == "month")
    )
    grain = Grain.WEEK if dimension == "week" else Grain.MONTH
    row_dimension = (
        TOTAL_DIMENSION if dimension in PERIOD_DIMENSIONS | LOCATION_DIMENSIONS else dimension
    )
    rows = (
        Rollup.objects.filter(
            measure=measure,
            dimension=row_dimension,
            grain=grain,
            period__gte=filters.start,
            period__lt=filters.end,
        )
        .exclude(voivodeship=ALL)
        .exclude(population=ALL)
    )
    for name in ("voivodeship", "population"):
        if getattr(filters, name) != ALL:
            rows = rows.filter(**{name: getattr(filters, name)})
    if filters.organisation_ids is not None:
        rows = rows.filter(organisation_id__in=filters.organisation_ids)
    columns = {
        "month": "period",
        "week": "period",
        "voivodeship": "voivodeship",
        "population": "population",
    }
    value_column = columns.get(dimension, "value")
    wanted = [value_column, *(columns[s] for s in strata)]
    counts: dict[tuple[str, ...], int] = {}
    for *parts, n in (
        rows.values_list(*wanted).annotate(n=Sum("count")).values_list(*wanted, "n").order_by()
    ):
        key = tuple(p.isoformat() if isinstance(p, datetime.date) else str(p) for p in parts)
        counts[key] = counts.get(key, 0) + n
    return strata, counts


def weekly_by_voivodeship(
    measure: str, dimension: str, filters: Filters, values: Sequence[str] = ()
) -> dict[tuple[datetime.date, str, str], int]:
    """Weekly counts per voivodeship (specific rows only) and value of `dimension`
    ("all" for totals), for the alerts: {(week, voivodeship, value): n}."""
    rows = Rollup.objects.filter(
        measure=measure,
        dimension=dimension,
        grain=Grain.WEEK,
        population=ALL,
        period__gte=filters.start,
        period__lt=filters.end,
    ).exclude(voivodeship=ALL)
    if values:
        rows = rows.filter(value__in=values)
    if filters.organisation_ids is not None:
        rows = rows.filter(organisation_id__in=filters.organisation_ids)
    result: dict[tuple[datetime.date, str, str], int] = {}
    wanted = ("period", "voivodeship", "value")
    for period, voivodeship, value, n in (
        rows.values_list(*wanted).annotate(n=Sum("count")).values_list(*wanted, "n").order_by()
    ):
        result[(period, voivodeship, value)] = n
    return result
