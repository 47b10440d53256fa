"""Releasing safe statistics: the one door every aggregate takes out of the system.

`safe_table` applies the rules of `safe_stats` with the thresholds of the settings,
logs the release (`StatisticsRelease`) and writes the "statistics.released" audit
event, both with names and counts of figures only, never a count of people. `as_csv`
writes a released table as CSV, its first line a comment naming the thresholds.

Thresholds (settings, read at each release so a changed setting applies at once):
SAFEPATH_STATS_PUBLIC_MIN (10), SAFEPATH_STATS_PUBLIC_ROUND (5),
SAFEPATH_STATS_PARTNER_MIN (5). Internal outputs use the partner thresholds.
"""

import csv
import dataclasses
import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from django.conf import settings
from django.db import transaction

from safepath.audit import events
from safepath.core.spreadsheet import inert
from safepath.insights.models import StatisticsRelease
from safepath.insights.safe_stats import Audience, SafeTable, Thresholds, protect

if TYPE_CHECKING:
    from safepath.accounts.models import User

SYSTEM_ACTOR = "system"
"""The username logged for a release made by a scheduled job (no actor)."""


def thresholds_for(audience: Audience) -> Thresholds:
    if audience == Audience.PUBLIC:
        return Thresholds(
            minimum=settings.SAFEPATH_STATS_PUBLIC_MIN,
            rounding=settings.SAFEPATH_STATS_PUBLIC_ROUND,
        )
    return Thresholds(minimum=settings.SAFEPATH_STATS_PARTNER_MIN, rounding=1)


@transaction.atomic
def safe_table(
    *,
    actor: "User | None",
    name: str,
    dimensions: Sequence[str],
    counts: Mapping[tuple[str, ...], int],
    audience: Audience | str,
    strata: Sequence[str] = (),
    levels: Mapping[str, Sequence[str]] | None = None,
    totals: bool = True,
    partition: bool = True,
) -> SafeTable:
    """The safe version of a table of counts, logged and audited.

    `counts` maps one value per dimension, then one per stratum, to a number of people.
    Pass as strata every dimension a filter of this output can act on (voivodeship,
    week, …): two releases that keep different strata then never differ by a group
    under the minimum (docs/insights.md). `actor` is None for a scheduled job.
    Raises `UnsafeTableError` (a ValueError) for a table that cannot be released, and
    then logs nothing.
    """
    audience = Audience(audience)
    thresholds = thresholds_for(audience)
    table = protect(
        name=name,
        dimensions=dimensions,
        counts=counts,
        audience=audience,
        thresholds=thresholds,
        strata=strata,
        levels=levels,
        totals=totals,
        partition=partition,
    )
    real_actor = actor if actor is not None and actor.is_authenticated else None
    release = StatisticsRelease.objects.create(
        actor_id=real_actor.pk if real_actor else None,
        actor_username=real_actor.get_username() if real_actor else SYSTEM_ACTOR,
        name=name[:120],
        audience=audience.value,
        minimum=thresholds.minimum,
        rounding=thresholds.rounding,
        dimensions=list(table.dimensions),
        strata=list(table.strata),
        cells_published=table.cells_published,
        cells_suppressed=table.cells_suppressed,
    )
    events.record(
        actor=real_actor,
        username=SYSTEM_ACTOR,
        action="statistics.released",
        object_type="statistics_release",
        object_id=str(release.public_id),
        detail={
            "target": audience.value,
            "fields": list(table.dimensions),
            "count": table.cells_published,
        },
    )
    return dataclasses.replace(table, release_id=str(release.public_id))


def as_csv(table: SafeTable, out: TextIO | None = None) -> str:
    """The table as CSV: a "# …" line naming the table, its release and thresholds, the
    header, then the figures ("suppressed" where withheld, "Total" rows last). Writes
    to `out` when given; returns the text either way."""
    buffer = io.StringIO()
    buffer.write(f"# {table.header_note()}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    for row in table.rows():
        writer.writerow([inert(part) for part in row])
    text = buffer.getvalue()
    if out is not None:
        out.write(text)
    return text
