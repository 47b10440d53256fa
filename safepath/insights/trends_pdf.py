"""The monthly trends report for the working group, as a PDF in English or Polish
(issue 6 §4).

A partner output: every figure is released through `releases.safe_table` (audience
partner, stratified by month, voivodeship and population with `queries.stratified`),
so each table is in the release log and audited; a suppressed figure prints a dash. It
counts every organisation when made by a scheduled job (`actor` None) or by someone who
sees every organisation, otherwise the organisations of the actor's reach
(`insights.view`); never a chosen organisation, and it names none.

Contents: the month's headline figures with the month before and the same month a year
before; screenings and possible victims by voivodeship, sex and UNHCR age band; cases
by type of exploitation; referrals by status; a note on the method (thresholds,
release ids). The wording is gettext's, rendered under `translation.override`; the
PDF is WeasyPrint's with the bundled font (`safepath.core.pdf`).

The releases, the rendering and the PDF happen in one transaction: a report that fails
to render leaves no release behind.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts import policies
from safepath.core.pdf import font_url, html_to_pdf
from safepath.insights import dashboards, releases
from safepath.insights.rollups import queries
from safepath.insights.rollups.build import month_start, period_end
from safepath.insights.rollups.queries import Filters
from safepath.insights.safe_stats import Audience, SafeTable
from safepath.insights.stats_api import release

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from safepath.accounts.models import User

TEMPLATE: Final = "insights/trends_report.html"
LANGUAGES: Final = ("en", "pl")
FIRST_MONTH: Final = datetime.date(2000, 1, 1)
SUPPRESSED: Final = "–"
HEADLINE_MEASURES: Final = ("screenings", "possible_victims", "cases", "assistance", "referrals")
PEOPLE_MEASURES: Final = ("screenings", "possible_victims")


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    figures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    heading: str
    """The heading of the first column (what the rows are)."""
    columns: tuple[str, ...]
    lines: tuple[Line, ...]
    total: Line | None
    note: str = ""


def _shown(figure: int | None) -> str:
    return SUPPRESSED if figure is None else str(figure)


def _month_before(month: datetime.date, months: int = 1) -> datetime.date:
    for _step in range(months):
        month = month_start(month - datetime.timedelta(days=1))
    return month


def _month_filters(month: datetime.date, organisations: tuple[int, ...] | None) -> Filters:
    return Filters(start=month, end=period_end("M", month), organisation_ids=organisations)


def report_month(month: datetime.date, today: datetime.date) -> datetime.date:
    """The first day of `month`'s month; ValueError for a month before 2000 or to come."""
    if not isinstance(month, datetime.date):
        raise ValueError("the month must be a date")
    if isinstance(month, datetime.datetime):
        month = month.date()
    first = month_start(month)
    if first < FIRST_MONTH:
        raise ValueError("the month must be January 2000 or later")
    if first > month_start(today):
        raise ValueError("the month has not begun yet")
    return first


def _headlines(
    actor: "User | None", month: datetime.date, organisations: tuple[int, ...] | None
) -> tuple[Section, SafeTable]:
    """Each measure in the month, the month before and the same month a year before: one
    release (measure by month, no totals: measures and months do not add up)."""
    months = (month, _month_before(month), _month_before(month, 12))
    counts: dict[tuple[str, ...], int] = {}
    strata: tuple[str, ...] = ()
    for measure in HEADLINE_MEASURES:
        for period in months:
            strata, raw = queries.stratified(
                measure, "month", _month_filters(period, organisations)
            )
            for (value, *rest), n in raw.items():
                key = (measure, value, *rest)
                counts[key] = counts.get(key, 0) + n
    levels = [period.isoformat() for period in months]
    table = releases.safe_table(
        actor=actor,
        name=f"trends report {month:%Y-%m} headlines",
        dimensions=("measure", "month"),
        counts=counts,
        audience=Audience.PARTNER,
        strata=strata,
        levels={"measure": list(HEADLINE_MEASURES), "month": levels},
        totals=False,
        partition=False,  # measures overlap (possible victims are screenings)
    )
    lines = tuple(
        Line(
            label=str(dashboards.MEASURES[measure]),
            figures=tuple(_shown(table.cells[(measure, level)]) for level in levels),
        )
        for measure in HEADLINE_MEASURES
    )
    section = Section(
        title=gettext("Headline figures"),
        heading=gettext("Measure"),
        columns=tuple(date_format(period, "F Y") for period in months),
        lines=lines,
        total=None,
    )
    return section, table


def _breakdown(
    actor: "User | None",
    month: datetime.date,
    organisations: tuple[int, ...] | None,
    *,
    title: "str | Promise",
    dimension: str,
    measures: Sequence[str],
    note: str = "",
) -> tuple[Section, list[SafeTable]]:
    """One released table per measure, side by side: a column each."""
    filters = _month_filters(month, organisations)
    tables = [
        release(
            actor=actor,
            name=f"trends report {month:%Y-%m} {measure} by {dimension}",
            measure=measure,
            dimension=dimension,
            filters=filters,
        )
        for measure in measures
    ]
    name = dashboards.labeller(dimension)
    values = [key[0] for key in tables[0].cells]
    lines = tuple(
        Line(
            label=name(value),
            figures=tuple(_shown(table.cells[(value,)]) for table in tables),
        )
        for value in values
    )
    total = None
    if all(table.totals for table in tables):
        total = Line(
            label=gettext("Total"),
            figures=tuple(_shown(table.totals[(None,)]) for table in tables),
        )
    section = Section(
        title=str(title),
        heading=str(dashboards.DIMENSIONS[dimension]),
        columns=tuple(str(dashboards.MEASURES[measure]) for measure in measures),
        lines=lines,
        total=total,
        note=note,
    )
    return section, tables


def report_context(
    *, actor: "User | None", month: datetime.date, language: str
) -> dict[str, object]:
    """Release every table of the report and build what the template shows, in the
    active language."""
    every = actor is None or dashboards.sees_every_organisation(actor)
    organisations = None if every or actor is None else dashboards.reach(actor)
    headlines, headline_table = _headlines(actor, month, organisations)
    sections: list[Section] = []
    tables: list[SafeTable] = [headline_table]
    breakdowns: list[tuple[Promise, str, tuple[str, ...], str]] = [
        (_lazy("By voivodeship"), "voivodeship", PEOPLE_MEASURES, ""),
        (_lazy("By sex"), "sex", PEOPLE_MEASURES, ""),
        (_lazy("By age (UNHCR age bands)"), "age_band", PEOPLE_MEASURES, ""),
        (
            _lazy("Cases by type of exploitation"),
            "exploitation_type",
            ("cases",),
            gettext(
                "A case counts once under each type of exploitation recorded: the figures "
                "do not add up to the number of cases, and there is no total."
            ),
        ),
        (_lazy("Referrals by status"), "referral_status", ("referrals",), ""),
    ]
    for title, dimension, measures, note in breakdowns:
        section, released = _breakdown(
            actor,
            month,
            organisations,
            title=title,
            dimension=dimension,
            measures=measures,
            note=note,
        )
        sections.append(section)
        tables.extend(released)
    thresholds = releases.thresholds_for(Audience.PARTNER)
    return {
        "language": language,
        "font_url": font_url(),
        "month": month,
        "month_label": date_format(month, "F Y"),
        "every_organisation": every,
        "headlines": headlines,
        "sections": sections,
        "minimum": thresholds.minimum,
        "rounding": thresholds.rounding,
        "suppressed": SUPPRESSED,
        "release_ids": [table.release_id for table in tables],
        "generated": timezone.localtime(),
    }


def build_trends_pdf(*, actor: "User | None", month: datetime.date, language: str) -> bytes:
    """The month's trends report as PDF bytes, in `language` ("en" or "pl").

    `actor` None: a scheduled job, every organisation. A user without `insights.view`
    is refused (PermissionDenied). ValueError for another language, or a month before
    2000 or not begun yet. Every table is logged as a partner release.
    """
    if language not in LANGUAGES:
        raise ValueError(f"the language must be one of {', '.join(LANGUAGES)}")
    first = report_month(month, timezone.localdate())
    if actor is not None:
        policies.require(actor, "insights.view")
    with transaction.atomic(), translation.override(language):
        context = report_context(actor=actor, month=first, language=language)
        return html_to_pdf(render_to_string(TEMPLATE, context))
