"""Weekly screening figures per voivodeship for the working group, as an HXL-tagged CSV.

One row per ISO week (its Monday) and voivodeship (all 16, always, in TERYT order),
over complete weeks only. The first line names the columns (in the export's language),
the second holds the HXL hashtags (https://hxlstandard.org), so libhxl and HDX tools
read the file. The tags (`TAGS`):

- `#date+week`: the Monday of the ISO week (YYYY-MM-DD, Europe/Warsaw).
- `#adm1+code`: the voivodeship's p-code, `PL` and its two-digit TERYT code (`PL06`),
  which is also its ISO 3166-2 code without the hyphen; the letters keep spreadsheets
  from dropping the leading zero.
- `#adm1+name`: its Polish name (`Lubelskie`).
- `#reached+ind`: screenings in the week (one per screening).
- `#reached+ind+f`, `#reached+ind+m`: screenings of women and girls, of men and boys.
- `#reached+ind+children`, `#reached+ind+adults`: screenings on the child path, on the
  adult path.
- `#reached+ind+disabled`: screenings of people with a disability (Washington Group
  short set: a lot of difficulty, or cannot do, in any domain). `+disabled` is a
  custom attribute (HXL allows any), documented here.
- `#affected+ind+possible_victims`: screenings that indicated trafficking (possible
  victims); custom attribute `+possible_victims`.

Records without a voivodeship are not in the file. Every figure comes from the weekly
rollups of the organisations the requester may export (the command line: every
organisation), never from a filter chosen by the user, and leaves through
`releases.safe_table` with the partner thresholds (counts under 5 suppressed), each
table logged and audited. An empty cell is a withheld figure.

Cross-column differencing. The breakdown columns of a row are partitions of the same
screenings (sex, population, disability, possible victim or not), so a published total
minus a published column would give the rest of its partition (total - women = men +
other + unknown). Each breakdown is therefore one `safe_table` with the dimensions
(week, voivodeship, breakdown) and every level of the breakdown found in the period
(`Breakdown`), so that its own row total over the breakdown is withheld whenever one of
its cells is; the row's `#reached+ind` is published only when **every** breakdown table
published it (then every cell of every breakdown of the row was published, and nothing
is hidden in it). Zero counts are withheld too (`safe_stats`), so the total is often
empty: a row needs 5 or more screenings of each sex, path, disability answer and
outcome found in the period.
When it is withheld, the columns of different breakdowns still bound the total from
below (children + adults <= total), which could pin the hidden rest of another
breakdown; so in such a row, while the shown columns of one breakdown add up to more
than the published cells of another breakdown (shown or not), the smallest shown column
of the largest breakdown is withheld too. Then no hidden cell gets a lower bound above
0 from the file. Rows are disjoint groups of people, and no total over weeks or
voivodeships is published.

Left to the caller: releasing overlapping periods is safe for every figure (a figure
depends on its week only, and weeks are complete), but a record entered or removed
later for an old week changes that week's figures in the next export; two exports
made at different times can differ by that group.
"""

import csv
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TextIO

import pycountry
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.audit.events import record
from safepath.core.geography import VOIVODESHIP_CODES
from safepath.insights import ctdc, releases
from safepath.insights.models import Rollup
from safepath.insights.models.rollups import ALL, TOTAL_DIMENSION, Grain
from safepath.insights.rollups.build import week_start
from safepath.insights.safe_stats import Audience, SafeTable

COMMAND_LINE: Final = "command-line"
DEFAULT_WEEKS: Final = 12
MAX_WEEKS: Final = 104
UNKNOWN: Final = "unknown"
WEEK: Final = datetime.timedelta(days=7)

DATE_TAG: Final = "#date+week"
CODE_TAG: Final = "#adm1+code"
NAME_TAG: Final = "#adm1+name"
TOTAL_TAG: Final = "#reached+ind"


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One partition of the week's screenings: the dimension of its safe table and the
    levels shown as columns, with their tags. The table's levels are the shown ones and
    every other one found in the period's counts (sex other or unknown, disability no
    or unknown, …): each is a cell, so a hidden one withholds the row's total. A level
    that cannot occur (a screening is always on the adult or the child path) is no
    cell, so it withholds nothing."""

    dimension: str
    shown: tuple[tuple[str, str], ...]


BREAKDOWNS: Final = (
    Breakdown("sex", (("female", "#reached+ind+f"), ("male", "#reached+ind+m"))),
    Breakdown("population", (("child", "#reached+ind+children"), ("adult", "#reached+ind+adults"))),
    Breakdown("disability", (("yes", "#reached+ind+disabled"),)),
    Breakdown("possible_victim", (("yes", "#affected+ind+possible_victims"),)),
)
TAGS: Final = (
    DATE_TAG,
    CODE_TAG,
    NAME_TAG,
    TOTAL_TAG,
    *(tag for breakdown in BREAKDOWNS for _level, tag in breakdown.shown),
)


def headers() -> list[str]:
    """The first line, in the active language, in the order of `TAGS`."""
    names = {
        DATE_TAG: _("Week (Monday)"),
        CODE_TAG: _("Voivodeship code"),
        NAME_TAG: _("Voivodeship"),
        TOTAL_TAG: _("Screenings"),
        "#reached+ind+f": _("Screenings of women and girls"),
        "#reached+ind+m": _("Screenings of men and boys"),
        "#reached+ind+children": _("Screenings of children"),
        "#reached+ind+adults": _("Screenings of adults"),
        "#reached+ind+disabled": _("Screenings of people with a disability"),
        "#affected+ind+possible_victims": _("Possible victims"),
    }
    return [names[tag] for tag in TAGS]


def p_code(voivodeship: str) -> str:
    return f"PL{voivodeship}"


def polish_name(voivodeship: str) -> str:
    subdivision = pycountry.subdivisions.get(code=f"PL-{voivodeship}")  # type: ignore[no-untyped-call]
    return str(subdivision.name) if subdivision is not None else voivodeship


# --- the period ---------------------------------------------------------------------------


class PeriodError(ValueError):
    """A period that cannot be exported; the message says why, in the active language."""


EARLIEST_YEAR = 2000


def period(
    start: datetime.date | None, end: datetime.date | None, *, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The Monday of the first week and the Monday after the last: the weeks holding
    `start` and `end` and those between. Every week must be over; default: the last
    `DEFAULT_WEEKS` complete weeks. At most `MAX_WEEKS` weeks."""
    if any(day is not None and day.year < EARLIEST_YEAR for day in (start, end)):
        raise PeriodError(_("The period must start in 2000 or later."))
    this_week = week_start(today or timezone.localdate())
    last = week_start(end) if end is not None else this_week - WEEK
    first = week_start(start) if start is not None else last - (DEFAULT_WEEKS - 1) * WEEK
    if first > last:
        raise PeriodError(_("The period starts after it ends."))
    if last >= this_week:
        raise PeriodError(_("The period must end in a week that is over."))
    weeks = (last - first).days // 7 + 1
    if weeks > MAX_WEEKS:
        raise PeriodError(
            _("The period can be at most %(weeks)d weeks long.") % {"weeks": MAX_WEEKS}
        )
    return first, last + WEEK


def weeks_of(first: datetime.date, after: datetime.date) -> list[str]:
    count = (after - first).days // 7
    return [(first + n * WEEK).isoformat() for n in range(count)]


# --- the counts ----------------------------------------------------------------------------

type Counts = dict[tuple[str, ...], int]


def _weekly(
    measure: str,
    dimension: str,
    column: str,
    *,
    first: datetime.date,
    after: datetime.date,
    organisation_ids: tuple[int, ...] | None,
) -> Counts:
    """{(Monday, voivodeship, value of `column`): count} from the weekly rollups of
    known voivodeships. `column` is "value" (a breakdown) or "population"."""
    rows = Rollup.objects.filter(
        measure=measure,
        dimension=dimension,
        grain=Grain.WEEK,
        period__gte=first,
        period__lt=after,
        voivodeship__in=VOIVODESHIP_CODES,
    )
    # A breakdown is read from the rows over every population; the population split
    # from the rows of each population.
    rows = rows.exclude(population=ALL) if column == "population" else rows.filter(population=ALL)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=organisation_ids)
    wanted = ("period", "voivodeship", column)
    counts: Counts = {}
    for monday, voivodeship, value, n in (
        rows.values_list(*wanted).annotate(n=Sum("count")).values_list(*wanted, "n").order_by()
    ):
        key = (monday.isoformat(), voivodeship, value or UNKNOWN)
        counts[key] = counts.get(key, 0) + n
    return counts


def counts_by_breakdown(
    *, first: datetime.date, after: datetime.date, organisation_ids: tuple[int, ...] | None
) -> dict[str, Counts]:
    """The true counts of each breakdown, keyed (Monday, voivodeship, level)."""
    period_of: dict[str, Any] = {
        "first": first,
        "after": after,
        "organisation_ids": organisation_ids,
    }
    result = {
        "sex": _weekly("screenings", "sex", "value", **period_of),
        "population": _weekly("screenings", TOTAL_DIMENSION, "population", **period_of),
        "disability": _weekly("screenings", "disability", "value", **period_of),
    }
    totals = _weekly("screenings", TOTAL_DIMENSION, "value", **period_of)
    indicated = _weekly("possible_victims", TOTAL_DIMENSION, "value", **period_of)
    split: Counts = {}
    for (monday, voivodeship, _all), n in totals.items():
        yes = indicated.get((monday, voivodeship, TOTAL_DIMENSION), 0)
        split[(monday, voivodeship, "yes")] = yes
        split[(monday, voivodeship, "no")] = max(0, n - yes)
    result["possible_victim"] = split
    return result


# --- the figures -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    week: str
    voivodeship: str
    figures: tuple[int | None, ...]
    """In the order of `TAGS[3:]`: the total, then the shown columns; None = withheld."""


@dataclass
class Outcome:
    rows: list[Row]
    withheld_for_differencing: int = 0

    @property
    def published(self) -> int:
        return sum(1 for row in self.rows for figure in row.figures if figure is not None)

    @property
    def withheld(self) -> int:
        return sum(1 for row in self.rows for figure in row.figures if figure is None)


def release_tables(
    *,
    actor: User | None,
    counts: Mapping[str, Counts],
    weeks: Sequence[str],
    label: str,
) -> dict[str, SafeTable]:
    """One partner table per breakdown, (week, voivodeship, breakdown), every level."""
    return {
        breakdown.dimension: releases.safe_table(
            actor=actor,
            name=f"hxl weekly screenings by {breakdown.dimension} {label}",
            dimensions=("week", "voivodeship", breakdown.dimension),
            counts=counts.get(breakdown.dimension, {}),
            audience=Audience.PARTNER,
            levels={
                "week": list(weeks),
                "voivodeship": list(VOIVODESHIP_CODES),
                breakdown.dimension: [level for level, _tag in breakdown.shown],
            },
        )
        for breakdown in BREAKDOWNS
    }


def _row(tables: Mapping[str, SafeTable], week: str, voivodeship: str) -> tuple[Row, int]:
    """The row's figures under the cross-column rule (module docstring), and how many
    published cells it withheld for it."""
    totals = [tables[b.dimension].totals.get((week, voivodeship, None)) for b in BREAKDOWNS]
    shown: dict[str, dict[str, int | None]] = {
        b.dimension: {
            level: tables[b.dimension].cells[(week, voivodeship, level)] for level, _tag in b.shown
        }
        for b in BREAKDOWNS
    }
    total: int | None = None
    withheld = 0
    if all(figure is not None for figure in totals):
        total = totals[0]
        if any(figure != total for figure in totals):  # the same people: cannot differ
            raise AssertionError("breakdowns of one row disagree on its total")
    else:
        published = {
            b.dimension: sum(
                figure
                for level in tables[b.dimension].levels[2]
                if (figure := tables[b.dimension].cells[(week, voivodeship, level)]) is not None
            )
            for b in BREAKDOWNS
        }
        floor = min(published.values())

        def shown_sum(dimension: str) -> int:
            return sum(figure for figure in shown[dimension].values() if figure is not None)

        while True:
            largest = max(shown, key=shown_sum)
            if shown_sum(largest) <= floor:
                break
            columns = shown[largest]
            smallest = min(
                (level for level, figure in columns.items() if figure is not None),
                key=lambda level: columns[level] or 0,
            )
            columns[smallest] = None
            withheld += 1
    figures = (total, *(shown[b.dimension][level] for b in BREAKDOWNS for level, _tag in b.shown))
    return Row(week=week, voivodeship=voivodeship, figures=figures), withheld


def figures(tables: Mapping[str, SafeTable], weeks: Sequence[str]) -> Outcome:
    """Every row of the file from the released tables, week by week, voivodeships in
    TERYT order."""
    outcome = Outcome(rows=[])
    for week in weeks:
        for voivodeship in VOIVODESHIP_CODES:
            row, withheld = _row(tables, week, voivodeship)
            outcome.rows.append(row)
            outcome.withheld_for_differencing += withheld
    return outcome


# --- the file -------------------------------------------------------------------------------


def organisations_of(actor: User | None) -> tuple[int, ...] | None:
    """Whose figures an export counts: every organisation for the command line (None)
    or a user who may export all of them, else the user's own."""
    if actor is None or policies.scope_for(actor, "insights.export") is policies.ALL:
        return None
    return (actor.organisation_id,) if actor.organisation_id is not None else ()


def write_hxl(
    handle: TextIO,
    *,
    actor: User | None,
    first: datetime.date,
    after: datetime.date,
    via: str = "command",
) -> dict[str, Any]:
    """Write the HXL CSV of the weeks from Monday `first` to Monday `after` (exclusive;
    see `period`) to `handle` and return its report (counts only). Audited."""
    weeks = weeks_of(first, after)
    with ctdc.snapshot():  # the breakdowns must count the same rollups (a refresh may commit)
        counts = counts_by_breakdown(
            first=first, after=after, organisation_ids=organisations_of(actor)
        )
    label = f"{first.isoformat()}..{(after - WEEK).isoformat()}"
    tables = release_tables(actor=actor, counts=counts, weeks=weeks, label=label)
    outcome = figures(tables, weeks)
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(headers())
    writer.writerow(TAGS)
    for row in outcome.rows:
        writer.writerow(
            [
                row.week,
                p_code(row.voivodeship),
                polish_name(row.voivodeship),
                *("" if figure is None else str(figure) for figure in row.figures),
            ]
        )
    report: dict[str, Any] = {
        "from": first.isoformat(),
        "to": (after - datetime.timedelta(days=1)).isoformat(),
        "weeks": len(weeks),
        "rows": len(outcome.rows),
        "figures_published": outcome.published,
        "figures_withheld": outcome.withheld,
        "withheld_for_cross_column_differencing": outcome.withheld_for_differencing,
        "minimum": releases.thresholds_for(Audience.PARTNER).minimum,
        "releases": len(tables),
    }
    record(
        actor=actor,
        username=COMMAND_LINE,
        action="insights.hxl_exported",
        object_type="statistics_release",
        detail={
            "count": {
                "rows": report["rows"],
                "published": report["figures_published"],
                "withheld": report["figures_withheld"],
            },
            "via": via,
            "target": "hxl",
        },
    )
    return report
