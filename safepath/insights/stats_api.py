"""/api/v1/stats/...: the safe aggregates of the dashboards, through `releases.safe_table`.

`GET /stats/measures` lists the codes; `GET /stats/{measure}/{dimension}` releases one
table for partners: the counts of the user's reach (`insights.view`: their
organisation, or every organisation for those who see all; never an organisation
filter), stratified by month, voivodeship and population (`queries.stratified`), so
that two calls differing by one filter never differ by a group under the minimum.
Every table is logged in the release log and audited (`releases.safe_table`); a call
that is refused (404, 422) releases nothing. Only codes and figures: no labels, no
organisation, no record.
"""

import datetime
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.api.problems import invalid_fields
from safepath.api.schemas import Problem
from safepath.core.geography import VOIVODESHIP_CODES
from safepath.insights import dashboards, releases
from safepath.insights.models.rollups import ALL
from safepath.insights.rollups import queries
from safepath.insights.rollups.build import month_start, period_end
from safepath.insights.rollups.facts import MEASURES, UNKNOWN
from safepath.insights.rollups.queries import Filters
from safepath.insights.safe_stats import Audience, SafeTable
from safepath.insights.stats_schemas import (
    CellOut,
    FigureOut,
    MeasureOut,
    MeasuresOut,
    PeriodOut,
    StatsParams,
    StatsTableOut,
    ThresholdsOut,
)

router = Router(tags=["statistics"])

ERRORS = {401: Problem, 404: Problem, 422: Problem}
CAPABILITY = "insights.view"
COMMON_DIMENSIONS = ("month", "week", "voivodeship", "population")
"""Breakdowns every measure offers besides its own."""
POPULATIONS = ("adult", "child")
MAX_MONTHS = 120
DEFAULT_MONTHS = 12
MULTI_VALUED = frozenset(panel.dimension for panel in dashboards.PANELS if panel.multi)
"""Dimensions under which a record counts once per value: their tables have no total."""


def dimensions_of(measure: str) -> tuple[str, ...]:
    return (*COMMON_DIMENSIONS, *MEASURES[measure].dimensions)


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _allowed(request: HttpRequest) -> User:
    actor = _actor(request)
    if not policies.can(actor, CAPABILITY):
        raise Http404
    return actor


@dataclass(frozen=True, slots=True)
class BadParameter:
    field: str
    detail: str


def _month(text: str) -> datetime.date:
    return datetime.date.fromisoformat(f"{text}-01")


def filters_from(params: StatsParams, today: datetime.date) -> Filters | list[BadParameter]:
    """The filters the parameters ask for (whole months), or what is wrong with them."""
    errors: list[BadParameter] = []
    last = _month(params.end) if params.end else month_start(today)
    first = _month(params.start) if params.start else None
    if first is None:
        first = last
        for _month_back in range(DEFAULT_MONTHS - 1):
            first = month_start(first - datetime.timedelta(days=1))
    months = queries.months_between(first, last) + 1
    if months < 1:
        errors.append(BadParameter("to", _("The last month is before the first.")))
    elif months > MAX_MONTHS:
        errors.append(
            BadParameter("from", _("At most %(months)s months at once.") % {"months": MAX_MONTHS})
        )
    if params.voivodeship is not None and params.voivodeship not in VOIVODESHIP_CODES:
        errors.append(BadParameter("voivodeship", _("Unknown voivodeship code.")))
    if errors:
        return errors
    return Filters(
        start=first,
        end=period_end("M", last),
        voivodeship=params.voivodeship or ALL,
        population=params.population or ALL,
    )


def release_name(measure: str, dimension: str, filters: Filters) -> str:
    last = month_start(filters.end - datetime.timedelta(days=1))
    parts = [f"api {measure} by {dimension}", f"{filters.start:%Y-%m}..{last:%Y-%m}"]
    if filters.voivodeship != ALL:
        parts.append(f"voivodeship {filters.voivodeship}")
    if filters.population != ALL:
        parts.append(f"population {filters.population}")
    return " ".join(parts)


def release(
    *,
    actor: User | None,
    name: str,
    measure: str,
    dimension: str,
    filters: Filters,
    levels: list[str] | None = None,
) -> SafeTable:
    """`measure` by `dimension` for partners, over `filters` (their organisations
    included: the caller sets the actor's reach), stratified, thresholded, logged and
    audited. The levels are the dimension's whole vocabulary unless given, so a
    category's presence says nothing about whether anyone is in it."""
    strata, raw = queries.stratified(measure, dimension, filters)
    counts: dict[tuple[str, ...], int] = {}
    for key, n in raw.items():
        value = key[0]
        if dimension in ("voivodeship", "population"):
            value = value or UNKNOWN  # the rollups' "not known"
        full = (value, *key[1:])
        counts[full] = counts.get(full, 0) + n
    return releases.safe_table(
        actor=actor,
        name=name,
        dimensions=(dimension,),
        counts=counts,
        audience=Audience.PARTNER,
        strata=strata,
        levels={
            dimension: levels if levels is not None else dashboards.vocabulary(dimension, filters)
        },
        totals=dimension not in MULTI_VALUED,
        partition=dimension not in MULTI_VALUED,
    )


@router.get(
    "/stats/measures",
    response={200: MeasuresOut, **ERRORS},
    summary="What the statistics API counts",
    description="The measures, the dimensions each can be broken down by, and the codes "
    "the filters take. Codes only. Needs the `insights.view` capability (404 otherwise).",
)
def list_measures(request: HttpRequest) -> MeasuresOut:
    _allowed(request)
    return MeasuresOut(
        measures=[MeasureOut(code=code, dimensions=list(dimensions_of(code))) for code in MEASURES],
        voivodeships=list(VOIVODESHIP_CODES),
        populations=list(POPULATIONS),
    )


@router.get(
    "/stats/{measure}/{dimension}",
    response={200: StatsTableOut, **ERRORS},
    summary="One released table of counts",
    description="`measure` broken down by `dimension` over whole months (`from`, `to`: "
    "YYYY-MM, default the last 12 months), optionally for one voivodeship (TERYT code) "
    "or population (`adult`, `child`). The figures are the partner release of the safe "
    "statistics module: counts of the organisations you may see, under the minimum "
    "suppressed (null), totals over a suppressed cell suppressed, protected against "
    "differencing over month, voivodeship and population. Each call is logged as a "
    "release. Unknown measure or dimension: 404; bad parameters: 422 naming the field, "
    "and nothing is released.",
)
def get_table(
    request: HttpRequest, measure: str, dimension: str, params: Query[StatsParams]
) -> StatsTableOut | HttpResponse:
    actor = _allowed(request)
    if measure not in MEASURES or dimension not in dimensions_of(measure):
        raise Http404
    filters = filters_from(params, timezone.localdate())
    if isinstance(filters, list):
        return invalid_fields(filters)
    shared = Filters(
        start=filters.start,
        end=filters.end,
        voivodeship=filters.voivodeship,
        population=filters.population,
        organisation_ids=dashboards.reach(actor),
    )
    table = release(
        actor=actor,
        name=release_name(measure, dimension, filters),
        measure=measure,
        dimension=dimension,
        filters=shared,
    )
    last = month_start(filters.end - datetime.timedelta(days=1))
    total = table.totals.get((None,)) if table.totals else None
    return StatsTableOut(
        release=table.release_id,
        audience=table.audience.value,
        thresholds=ThresholdsOut(
            minimum=table.thresholds.minimum, rounding=table.thresholds.rounding
        ),
        measure=measure,
        dimension=dimension,
        period=PeriodOut(start=f"{filters.start:%Y-%m}", end=f"{last:%Y-%m}"),
        voivodeship=None if filters.voivodeship == ALL else filters.voivodeship,
        population=None if filters.population == ALL else filters.population,
        strata=list(table.strata),
        multi_valued=dimension in MULTI_VALUED,
        cells=[
            CellOut(value=key[0], count=figure, suppressed=figure is None)
            for key, figure in table.cells.items()
        ],
        total=FigureOut(count=total, suppressed=total is None) if table.totals else None,
    )
