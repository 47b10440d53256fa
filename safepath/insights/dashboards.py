"""The insights dashboards: which panels there are, what their values are called, and
the figures they show.

Each `Panel` is one measure broken down by one dimension (a period, the voivodeship or
one of the measure's breakdowns), read from the rollups only
(`safepath.insights.rollups.queries`), one query for the period and one for the
period before.

Two doors, as docs/insights.md says:

- **On screen** (`screen_panel`, `headlines`): the figures of the viewer's own reach
  through `safe_stats.protect` with the internal thresholds, not logged; no strata for
  viewers who may read these records one by one anyway, the strata of downloads for
  those who may not (administrators, who see every organisation: `stratified_screen`).
- **Downloads** (`release_panel`): `releases.safe_table` for partners, stratified by
  month, voivodeship and population (`queries.stratified`), over every organisation the
  actor may see (the organisation filter never applies), logged and audited. The
  levels are the whole vocabulary of the dimension, so a category's presence in the
  file says nothing about whether anyone is in it.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import pycountry
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts import policies
from safepath.cases.models.assistance import AssistanceKind
from safepath.cases.vocabularies import (
    ExploitationType,
    ForcedLabourIndustry,
    MeansOfControl,
    RecruitmentMethod,
    TraffickingStatus,
)
from safepath.core.geography import VOIVODESHIP_CODES, country_name, voivodeship_name
from safepath.insights import charts, releases
from safepath.insights.models.rollups import ALL, TOTAL_DIMENSION
from safepath.insights.rollups import queries
from safepath.insights.rollups.build import month_start, period_end, week_start
from safepath.insights.rollups.facts import UNKNOWN
from safepath.insights.rollups.queries import Filters
from safepath.insights.safe_stats import Audience, SafeTable, protect
from safepath.people.models import AgeBand, Sex
from safepath.referrals.models import ReferralStatus
from safepath.screening.catalogues import registry
from safepath.screening.models import SiteType

if TYPE_CHECKING:
    from safepath.accounts.models import User

TIME_DIMENSIONS = ("month", "week")
UNKNOWN_VOIVODESHIP = ""
"""The rollups' voivodeship of a record that has none."""

MEASURES: dict[str, Promise] = {
    "screenings": _lazy("Screenings"),
    "possible_victims": _lazy("Possible victims"),
    "cases": _lazy("Cases"),
    "assistance": _lazy("Assistance given"),
    "referrals": _lazy("Referrals"),
}
"""The headline measures, in the order the dashboard shows them."""


@dataclass(frozen=True, slots=True)
class Panel:
    """One chart of the dashboard: `measure` broken down by `dimension`."""

    code: str
    measure: str
    dimension: str
    title: Promise
    multi: bool = False
    """A record counts once under each of its values (indicators, types of
    exploitation, …): the figures do not add up to the number of records."""
    open_ended: bool = False
    """Many possible values: the screen lists only those met in either period."""

    @property
    def over_time(self) -> bool:
        return self.dimension in TIME_DIMENSIONS

    @property
    def dimension_name(self) -> str:
        return str(DIMENSIONS[self.dimension])


PANELS: tuple[Panel, ...] = (
    Panel("screenings-by-month", "screenings", "month", _lazy("Screenings by month")),
    Panel(
        "possible-victims-by-week", "possible_victims", "week", _lazy("Possible victims by week")
    ),
    Panel(
        "possible-victims-by-voivodeship",
        "possible_victims",
        "voivodeship",
        _lazy("Possible victims by voivodeship"),
    ),
    Panel("screenings-by-sex", "screenings", "sex", _lazy("Screenings by sex")),
    Panel(
        "screenings-by-age", "screenings", "age_band", _lazy("Screenings by age (UNHCR age bands)")
    ),
    Panel(
        "screenings-by-disability",
        "screenings",
        "disability",
        _lazy("Screenings by disability (Washington Group)"),
    ),
    Panel(
        "screenings-by-nationality",
        "screenings",
        "nationality",
        _lazy("Screenings by nationality"),
        open_ended=True,
    ),
    Panel(
        "screenings-by-site-type", "screenings", "site_type", _lazy("Screenings by type of site")
    ),
    Panel(
        "screenings-by-indicator",
        "screenings",
        "indicator",
        _lazy("Screenings by indicator observed"),
        multi=True,
        open_ended=True,
    ),
    Panel(
        "cases-by-trafficking-status",
        "cases",
        "trafficking_status",
        _lazy("Cases by trafficking status"),
    ),
    Panel(
        "cases-by-exploitation",
        "cases",
        "exploitation_type",
        _lazy("Cases by type of exploitation"),
        multi=True,
        open_ended=True,
    ),
    Panel(
        "cases-by-means-of-control",
        "cases",
        "means_of_control",
        _lazy("Cases by means of control"),
        multi=True,
        open_ended=True,
    ),
    Panel(
        "cases-by-industry",
        "cases",
        "industry",
        _lazy("Cases by forced-labour industry"),
        multi=True,
        open_ended=True,
    ),
    Panel(
        "cases-by-recruitment",
        "cases",
        "recruitment",
        _lazy("Cases by method of recruitment"),
        multi=True,
        open_ended=True,
    ),
    Panel("assistance-by-kind", "assistance", "assistance_kind", _lazy("Assistance given by kind")),
    Panel("referrals-by-status", "referrals", "referral_status", _lazy("Referrals by status")),
)
PANELS_BY_CODE: dict[str, Panel] = {panel.code: panel for panel in PANELS}

DIMENSIONS: dict[str, Promise] = {
    "month": _lazy("Month"),
    "week": _lazy("Week"),
    "voivodeship": _lazy("Voivodeship"),
    "population": _lazy("Population"),
    "sex": _lazy("Sex"),
    "age_band": _lazy("Age band"),
    "disability": _lazy("Disability"),
    "nationality": _lazy("Nationality"),
    "site_type": _lazy("Type of site"),
    "indicator": _lazy("Indicator"),
    "trafficking_status": _lazy("Trafficking status"),
    "exploitation_type": _lazy("Type of exploitation"),
    "means_of_control": _lazy("Means of control"),
    "industry": _lazy("Industry"),
    "recruitment": _lazy("Method of recruitment"),
    "assistance_kind": _lazy("Kind of assistance"),
    "referral_status": _lazy("Status"),
}
"""The column heading of each dimension in the tables."""


# --- what the values are called ---------------------------------------------------------


def _choices(choices: Iterable[tuple[str, object]]) -> dict[str, object]:
    return {str(code): label for code, label in choices}


_VOCABULARIES: dict[str, dict[str, object]] = {
    "sex": _choices(Sex.choices),
    "age_band": _choices(AgeBand.choices),
    "disability": {
        "yes": _lazy("With a disability"),
        "no": _lazy("Without a disability"),
    },
    "site_type": _choices(SiteType.choices),
    "trafficking_status": _choices(TraffickingStatus.choices),
    "exploitation_type": _choices(ExploitationType.choices),
    "means_of_control": _choices(MeansOfControl.choices),
    "industry": _choices(ForcedLabourIndustry.choices),
    "recruitment": _choices(RecruitmentMethod.choices),
    "assistance_kind": _choices(AssistanceKind.choices),
    "referral_status": _choices(ReferralStatus.choices),
    "population": {"adult": _lazy("Adults"), "child": _lazy("Children")},
    "urgent": {"yes": _lazy("Urgent"), "no": _lazy("Not urgent")},
}


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _indicator_labels() -> dict[str, str]:
    """Indicator code → "code label" in the current language, over every catalogue's
    current version (codes are unique across catalogues: AL-…, CL-…)."""
    catalogues = registry()
    language = _language()
    labels: dict[str, str] = {}
    for code in catalogues.codes():
        for indicator in catalogues.get(code).indicators.values():
            labels.setdefault(indicator.code, f"{indicator.code} {indicator.label(language)}")
    return labels


def period_label(dimension: str, value: str) -> str:
    day = datetime.date.fromisoformat(value)
    if dimension == "month":
        return date_format(day, "F Y")
    return gettext("Week of %(day)s") % {"day": date_format(day, "DATE_FORMAT")}


def labeller(dimension: str) -> Callable[[str], str]:
    """A function naming the values of `dimension` in the current language."""
    not_known = gettext("Not known")
    if dimension in TIME_DIMENSIONS:
        return lambda value: period_label(dimension, value)
    if dimension == "voivodeship":
        return lambda value: voivodeship_name(value) if value not in ("", UNKNOWN) else not_known
    if dimension == "nationality":
        return lambda value: country_name(value) if value != UNKNOWN else not_known
    if dimension == "indicator":
        labels = _indicator_labels()
        return lambda value: labels.get(value, value) if value != UNKNOWN else not_known
    names = _VOCABULARIES.get(dimension, {})

    def name(value: str) -> str:
        if value in (UNKNOWN, ""):
            return str(names.get(UNKNOWN, not_known))
        return str(names.get(value, value))

    return name


def periods(dimension: str, filters: Filters) -> list[str]:
    """Every month, or every week whose Monday falls, in the filters' period."""
    found: list[str] = []
    if dimension == "month":
        day = month_start(filters.start)
        while day < filters.end:
            found.append(day.isoformat())
            day = period_end("M", day)
        return found
    day = week_start(filters.start)
    if day < filters.start:
        day += datetime.timedelta(days=7)
    while day < filters.end:
        found.append(day.isoformat())
        day += datetime.timedelta(days=7)
    return found


def vocabulary(dimension: str, filters: Filters) -> list[str]:
    """Every value `dimension` can take, in the order tables list them."""
    if dimension in TIME_DIMENSIONS:
        return periods(dimension, filters)
    if dimension == "voivodeship":
        if filters.voivodeship != ALL:
            return [filters.voivodeship or UNKNOWN]
        return [*VOIVODESHIP_CODES, UNKNOWN]
    if dimension == "nationality":
        codes = sorted(country.alpha_3 for country in pycountry.countries)
        return [*codes, UNKNOWN]
    if dimension == "indicator":
        return [*_indicator_labels(), UNKNOWN]
    if dimension == "population":
        if filters.population != ALL:
            return [filters.population or UNKNOWN]
        return ["adult", "child", UNKNOWN]
    return [*(code for code in _VOCABULARIES.get(dimension, {}) if code != UNKNOWN), UNKNOWN]


def _normalised(dimension: str, counts: dict[str, int]) -> dict[str, int]:
    """The rollups' empty voivodeship or population ("not known") under UNKNOWN."""
    if dimension not in ("voivodeship", "population"):
        return counts
    result: dict[str, int] = {}
    for value, n in counts.items():
        key = value or UNKNOWN
        result[key] = result.get(key, 0) + n
    return result


# --- whose figures ----------------------------------------------------------------------


def sees_every_organisation(actor: "User") -> bool:
    return policies.scope_for(actor, "insights.view") is policies.ALL


def reach(actor: "User") -> tuple[int, ...] | None:
    """The organisations whose figures the actor sees: None for all of them."""
    if sees_every_organisation(actor):
        return None
    return (actor.organisation_id,) if actor.organisation_id is not None else ()


def screen_filters(
    actor: "User",
    *,
    start: datetime.date,
    end: datetime.date,
    voivodeship: str = ALL,
    population: str = ALL,
    organisation_id: int | None = None,
) -> Filters:
    """The filters of the actor's dashboard: their own organisation, or for those who see
    every organisation, the one they chose (None: all)."""
    organisations = reach(actor)
    if organisations is None and organisation_id is not None:
        organisations = (organisation_id,)
    return Filters(
        start=start,
        end=end,
        voivodeship=voivodeship,
        population=population,
        organisation_ids=organisations,
    )


# --- figures on screen ------------------------------------------------------------------


def internal_minimum() -> int:
    return releases.thresholds_for(Audience.INTERNAL).minimum


def stratified_screen(actor: "User") -> bool:
    """Whether the actor's screen is protected with the strata of downloads: those who
    see every organisation's figures (administrators) cannot read the records behind
    them, so changing filters must not let them difference a small group."""
    return sees_every_organisation(actor)


type Counts = dict[tuple[str, ...], int]
"""Counts keyed by a value of the table's dimension, then one value per stratum."""


def _counts(
    measure: str, dimension: str, filters: Filters, *, stratified: bool
) -> tuple[tuple[str, ...], Counts]:
    """(the strata, the counts) of `measure` by `dimension`: by value alone, or by value
    and the month, voivodeship and population strata (`queries.stratified`). The
    rollups' empty voivodeship or population ("not known") is counted under UNKNOWN."""
    if not stratified:
        plain = _normalised(dimension, queries.breakdown(measure, dimension, filters))
        return (), {(value,): n for value, n in plain.items()}
    strata, raw = queries.stratified(measure, dimension, filters)
    counts: Counts = {}
    for key, n in raw.items():
        value = key[0]
        if dimension in ("voivodeship", "population"):
            value = value or UNKNOWN
        full = (value, *key[1:])
        counts[full] = counts.get(full, 0) + n
    return strata, counts


def _by_value(counts: Counts) -> dict[str, int]:
    result: dict[str, int] = {}
    for key, n in counts.items():
        result[key[0]] = result.get(key[0], 0) + n
    return result


@dataclass(frozen=True, slots=True)
class Row:
    value: str
    label: str
    current: int | None
    previous: int | None
    previous_label: str = ""
    """For a period: the period it is compared with."""

    @property
    def change(self) -> int | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True, slots=True)
class PanelFigures:
    panel: Panel
    title: str
    rows: tuple[Row, ...]
    total: int | None
    previous_total: int | None
    minimum: int

    @property
    def has_missing(self) -> bool:
        return any(row.current is None or row.previous is None for row in self.rows)

    @property
    def change(self) -> int | None:
        if self.total is None or self.previous_total is None:
            return None
        return self.total - self.previous_total

    @property
    def missing_note(self) -> str:
        return missing_note(self.minimum, over_time=self.panel.over_time)


def _protect(
    name: str,
    dimension: str,
    counts: Counts,
    order: Sequence[str],
    totals: bool,
    strata: tuple[str, ...] = (),
) -> tuple[dict[str, int | None], int | None, int]:
    """Screen figures: (value → figure or None, total or None, the minimum).

    Only the values someone is counted under are the table's levels: an empty value
    would be a suppressed cell (zero is under the minimum) and withhold the total for
    nothing. The screen shows a dash for it all the same; its viewers may read the
    records themselves, so "none" and "fewer than the minimum" need not look alike
    there (downloads list every value, see `release_panel`). With `strata` (a viewer
    who cannot read the records) every value of `order` is a level, as in downloads."""
    thresholds = releases.thresholds_for(Audience.INTERNAL)
    by_value = _by_value(counts)
    if strata:
        # A viewer who cannot read the records: every value is a level, as in a
        # download, so neither a row nor a withheld total tells that someone is there.
        levels = [*order, *sorted(value for value in by_value if value not in order)]
    else:
        levels = [value for value in order if by_value.get(value)]
        levels += sorted(value for value, n in by_value.items() if n and value not in levels)
    if not levels:
        return {}, None, thresholds.minimum
    table = protect(
        name=name,
        dimensions=(dimension,),
        counts={key: n for key, n in counts.items() if n},
        audience=Audience.INTERNAL,
        thresholds=thresholds,
        strata=strata,
        levels={dimension: levels},
        totals=totals,
        partition=totals,  # a many-valued breakdown has neither a total nor a partition
    )
    figures = {key[0]: figure for key, figure in table.cells.items()}
    return figures, table.totals.get((None,)) if totals else None, thresholds.minimum


def screen_panel(panel: Panel, filters: Filters, *, stratified: bool = False) -> PanelFigures:
    """The panel's figures for the screen: this period and the one before, each
    protected with the internal thresholds (and the strata, if `stratified`)."""
    before = filters.previous()
    strata, current = _counts(panel.measure, panel.dimension, filters, stratified=stratified)
    _strata, previous = _counts(panel.measure, panel.dimension, before, stratified=stratified)
    name = labeller(panel.dimension)
    if panel.over_time:
        now_levels = periods(panel.dimension, filters)
        then_levels = periods(panel.dimension, before)
    else:
        now_levels = vocabulary(panel.dimension, filters)
        if panel.open_ended and not stratified:
            seen = {
                value
                for value, n in (*_by_value(current).items(), *_by_value(previous).items())
                if n
            }
            now_levels = [value for value in now_levels if value in seen]
            now_levels += sorted(seen - set(now_levels))
        then_levels = now_levels
    totals = not panel.multi
    now, total, minimum = _protect(panel.code, panel.dimension, current, now_levels, totals, strata)
    then, previous_total, _ = _protect(
        panel.code, panel.dimension, previous, then_levels, totals, strata
    )
    rows: list[Row] = []
    for index, value in enumerate(now_levels):
        earlier = then_levels[index] if index < len(then_levels) else None
        rows.append(
            Row(
                value=value,
                label=name(value),
                current=now.get(value),
                previous=then.get(earlier) if earlier is not None else None,
                previous_label=name(earlier) if earlier is not None and panel.over_time else "",
            )
        )
    if panel.open_ended and stratified:
        # Of the whole vocabulary, the values with a figure shown: a row withheld in
        # both periods is left out whether or not anyone is counted under it.
        rows = [row for row in rows if row.current is not None or row.previous is not None]
    if panel.open_ended:
        # Largest first; withheld figures last, by name (never ordered by their count).
        rows.sort(key=lambda row: (row.current is None, -(row.current or 0), row.label))
    return PanelFigures(
        panel=panel,
        title=str(panel.title),
        rows=tuple(rows),
        total=total,
        previous_total=previous_total,
        minimum=minimum,
    )


@dataclass(frozen=True, slots=True)
class Headline:
    measure: str
    label: str
    current: int | None
    previous: int | None

    @property
    def change(self) -> int | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def change_percent(self) -> int | None:
        change = self.change
        if change is None or not self.previous:
            return None
        return round(100 * change / self.previous)


def _totals(filters: Filters, *, stratified: bool) -> tuple[tuple[str, ...], Counts]:
    """Each measure's total, keyed by the measure (then the strata, if `stratified`)."""
    strata: tuple[str, ...] = ()
    counts: Counts = {}
    for measure in MEASURES:
        strata, by_total = _counts(measure, TOTAL_DIMENSION, filters, stratified=stratified)
        for key, n in by_total.items():
            counts[(measure, *key[1:])] = n
    return strata, counts


def headlines(filters: Filters, *, stratified: bool = False) -> list[Headline]:
    """The total of each measure, this period and the one before (two queries each),
    protected as `screen_panel`'s figures are."""
    strata, now = _totals(filters, stratified=stratified)
    _strata, then = _totals(filters.previous(), stratified=stratified)
    order = list(MEASURES)
    now_figures, _total, _minimum = _protect("headlines", "measure", now, order, False, strata)
    then_figures, _total, _minimum = _protect("headlines", "measure", then, order, False, strata)
    return [
        Headline(
            measure=measure,
            label=str(label),
            current=now_figures.get(measure),
            previous=then_figures.get(measure),
        )
        for measure, label in MEASURES.items()
    ]


# --- downloads --------------------------------------------------------------------------


def release_filters(actor: "User", filters: Filters) -> Filters:
    """A release counts every organisation the actor may see: never one chosen by the
    organisation filter (docs/insights.md)."""
    return replace(filters, organisation_ids=reach(actor))


def release_name(panel: Panel, filters: Filters) -> str:
    last = month_start(filters.end - datetime.timedelta(days=1))
    parts = [f"dashboard {panel.code}", f"{filters.start:%Y-%m}..{last:%Y-%m}"]
    if filters.voivodeship != ALL:
        parts.append(f"voivodeship {filters.voivodeship}")
    if filters.population != ALL:
        parts.append(f"population {filters.population}")
    return " ".join(parts)


def release_panel(actor: "User", panel: Panel, filters: Filters) -> SafeTable:
    """The panel's table for partners: stratified, thresholded, logged and audited."""
    shared = release_filters(actor, filters)
    strata, counts = _counts(panel.measure, panel.dimension, shared, stratified=True)
    return releases.safe_table(
        actor=actor,
        name=release_name(panel, filters),
        dimensions=(panel.dimension,),
        counts=counts,
        audience=Audience.PARTNER,
        strata=strata,
        levels={panel.dimension: vocabulary(panel.dimension, shared)},
        totals=not panel.multi,
        partition=not panel.multi,
    )


def file_name(panel: Panel, filters: Filters, extension: str) -> str:
    """Panel code and period only: nothing about anyone."""
    last = month_start(filters.end - datetime.timedelta(days=1))
    return f"safepath-{panel.code}-{filters.start:%Y-%m}-{last:%Y-%m}.{extension}"


# --- charts -----------------------------------------------------------------------------


def missing_note(minimum: int, *, over_time: bool) -> str:
    if over_time:
        return gettext("A gap in a line or a grey band: fewer than %(minimum)s, not drawn.") % {
            "minimum": minimum
        }
    return gettext("– fewer than %(minimum)s: not drawn.") % {"minimum": minimum}


def chart_text(title: str, panel: Panel, minimum: int) -> charts.ChartText:
    measure = panel.measure
    return charts.ChartText(
        title=title,
        value_axis=str(MEASURES[measure]),
        current=gettext("This period"),
        previous=gettext("Previous period"),
        missing_note=missing_note(minimum, over_time=panel.over_time),
    )


def screen_chart(figures: PanelFigures) -> charts.Spec:
    panel = figures.panel
    text = chart_text(figures.title, panel, figures.minimum)
    if panel.over_time:
        grain: Literal["month", "week"] = "month" if panel.dimension == "month" else "week"
        return charts.time_chart(
            [
                charts.TimePoint(datetime.date.fromisoformat(row.value), row.current, row.previous)
                for row in figures.rows
            ],
            text,
            grain=grain,
        )
    return charts.bar_chart(
        [charts.Bar(row.label, row.current, row.previous) for row in figures.rows], text
    )


def released_chart(panel: Panel, table: SafeTable, title: str) -> charts.Spec:
    """The chart of a released table, for download: only its published figures. The
    many-valued dimensions leave out their withheld categories (the note says so)."""
    minimum = table.thresholds.minimum
    text = chart_text(title, panel, minimum)
    name = labeller(panel.dimension)
    cells = [(key[0], value) for key, value in table.cells.items()]
    if panel.over_time:
        grain: Literal["month", "week"] = "month" if panel.dimension == "month" else "week"
        points = [charts.TimePoint(datetime.date.fromisoformat(v), n) for v, n in cells]
        return charts.time_chart(points, text, grain=grain, compare=False, standalone=True)
    if panel.open_ended:
        cells = [(v, n) for v, n in cells if n is not None]
        cells.sort(key=lambda pair: (-(pair[1] or 0), name(pair[0])))
        text = replace(
            text,
            missing_note=gettext("Categories with fewer than %(minimum)s are not shown.")
            % {"minimum": minimum},
        )
        return charts.bar_chart(
            [charts.Bar(name(v), n) for v, n in cells],
            text,
            compare=False,
            standalone=True,
            always_note=True,
        )
    return charts.bar_chart(
        [charts.Bar(name(v), n) for v, n in cells], text, compare=False, standalone=True
    )


def period_title(filters: Filters) -> str:
    last = month_start(filters.end - datetime.timedelta(days=1))
    return gettext("%(start)s to %(end)s") % {
        "start": date_format(filters.start, "F Y"),
        "end": date_format(last, "F Y"),
    }
