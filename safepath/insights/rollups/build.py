"""Building the rollups: a full rebuild, and the incremental refresh of changed slices.

A slice is one organisation's one period (a week or a month) of every measure. The
refresh finds the records changed since the watermark (and the people changed since,
whose records count under new values), recomputes the slices they fall in from the raw
rows, and replaces those slices' rows in one transaction; so a figure is always the
count of the records as they are, however often a record changed. The watermark moves
to the start of the refresh minus `OVERLAP`, so a record saved by a transaction that
committed late is still picked up by the next refresh. A record deleted outright (rare:
retention anonymises rather than deletes) is counted until the next rebuild
(`safepath insights rollups --rebuild`, nightly in docs/deploy.md).
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from psycopg import sql

from safepath.cases.models import CaseTransfer, TransferStatus
from safepath.insights.models import Rollup, RollupState
from safepath.insights.models.rollups import ALL, TOTAL_DIMENSION, Grain
from safepath.insights.rollups.facts import MEASURES, Fact, Measure, facts, local_day
from safepath.people.models import Person

OVERLAP = datetime.timedelta(minutes=10)
BATCH = 5000

type RowKey = tuple[str, datetime.date, str, int, str, str, str, str]
"""(grain, period, measure, organisation id, voivodeship, population, dimension, value)."""


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def period_start(grain: str, day: datetime.date) -> datetime.date:
    return week_start(day) if grain == Grain.WEEK else month_start(day)


def period_end(grain: str, start: datetime.date) -> datetime.date:
    """The first day after the period that starts on `start`."""
    if grain == Grain.WEEK:
        return start + datetime.timedelta(days=7)
    return (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def add_fact(counter: Counter[RowKey], measure: str, fact: Fact) -> None:
    """Count one fact in every row it belongs to: both grains, its own and the ALL
    voivodeship and population, the total and each of its breakdown pairs."""
    for grain in (Grain.WEEK, Grain.MONTH):
        add_to_grain(counter, grain.value, period_start(grain, fact.day), measure, fact)


def add_to_grain(
    counter: Counter[RowKey], grain: str, period: datetime.date, measure: str, fact: Fact
) -> None:
    org = fact.organisation_id
    pairs = ((TOTAL_DIMENSION, TOTAL_DIMENSION), *fact.pairs)
    for voivodeship in (fact.voivodeship, ALL):
        for population in (fact.population, ALL):
            for dimension, value in pairs:
                counter[
                    (grain, period, measure, org, voivodeship, population, dimension, value)
                ] += 1


_COLUMNS = (
    "grain",
    "period",
    "measure",
    "organisation",
    "voivodeship",
    "population",
    "dimension",
    "value",
    "count",
)


def _rows(counter: Counter[RowKey]) -> Iterator[tuple[Any, ...]]:
    """The rows to insert, as values in `_COLUMNS` order."""
    adapt = connection.ops.adapt_datefield_value
    periods: dict[datetime.date, Any] = {}
    for (
        grain,
        period,
        measure,
        org,
        voivodeship,
        population,
        dimension,
        value,
    ), n in counter.items():
        if period not in periods:
            periods[period] = period if connection.vendor == "postgresql" else adapt(period)
        yield (
            grain,
            periods[period],
            measure,
            org,
            voivodeship,
            population,
            dimension,
            value[:48],
            n,
        )


def _store(counter: Counter[RowKey]) -> int:
    """Insert the counted rows; returns how many. Plain values straight to the
    database, no model instances: a rebuild writes hundreds of thousands of rows
    (COPY on PostgreSQL, batched executemany elsewhere; the ids come from the
    database)."""
    meta = Rollup._meta
    columns = [str(meta.get_field(name).column) for name in _COLUMNS]  # type: ignore[union-attr]
    stored = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            with connection.wrap_database_errors, cursor.cursor.copy(statement) as stream:
                for row in _rows(counter):
                    stream.write_row(row)
                    stored += 1
            return stored
        quote = connection.ops.quote_name
        statement_text = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - our names
            quote(meta.db_table),
            ", ".join(quote(column) for column in columns),
            ", ".join(["%s"] * len(columns)),
        )
        batch: list[tuple[Any, ...]] = []
        for row in _rows(counter):
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(statement_text, batch)
                stored += len(batch)
                batch = []
        if batch:
            cursor.executemany(statement_text, batch)
    return stored + len(batch)


def _state() -> RollupState:
    state, _created = RollupState.objects.select_for_update().get_or_create(key="rollups")
    return state


def _empty() -> None:
    if connection.vendor == "postgresql":
        # Millions of rows: TRUNCATE (transactional on PostgreSQL) rather than DELETE.
        with connection.cursor() as cursor:
            # Rows inserted earlier in the same transaction leave deferred foreign-key
            # checks pending, and TRUNCATE refuses a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {Rollup._meta.db_table}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys again
    else:
        Rollup.objects.all().delete()


@dataclass(frozen=True, slots=True)
class BuildReport:
    rows: int
    slices: int
    records: int


@transaction.atomic
def rebuild() -> BuildReport:
    """Recount every rollup from the raw tables, replacing what was there."""
    started = timezone.now()
    state = _state()
    _empty()
    rows = records = slices = 0
    for measure in MEASURES.values():
        # One measure at a time: its rows never mix with another's, and memory holds
        # one measure's counts only.
        counter: Counter[RowKey] = Counter()
        for fact in facts(measure):
            add_fact(counter, measure.code, fact)
            records += 1
        rows += _store(counter)
        slices = max(slices, len({(key[0], key[1], key[3]) for key in counter}))
        del counter
    state.watermark = started - OVERLAP
    state.rebuilt_at = state.refreshed_at = timezone.now()
    state.save()
    if connection.vendor == "postgresql":
        # The table was replaced whole: without fresh statistics the planner takes it
        # for empty and picks the wrong index until autovacuum comes by.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Rollup._meta.db_table}")
    return BuildReport(rows=rows, slices=slices, records=records)


type Slice = tuple[str, datetime.date, int]
"""(grain, period start, organisation id)."""


def _slices_of(days: Iterable[tuple[int, datetime.date]]) -> set[Slice]:
    found: set[Slice] = set()
    for org, day in days:
        for grain in (Grain.WEEK, Grain.MONTH):
            found.add((grain.value, period_start(grain, day), org))
    return found


def changed_slices(since: datetime.datetime) -> set[Slice]:
    """The slices holding a record changed after `since`, or a record of a person
    changed after `since`. A changed record's old day is the same as its new one (the
    day fields are set once), so the slice of its current day is the one to recount;
    a case transferred to another organisation also leaves the slices of the one it
    came from (the only write that moves a counted record between organisations)."""
    changed_people = Person.objects.filter(updated_at__gt=since).values("pk")
    days: list[tuple[int, datetime.date]] = []
    for measure in MEASURES.values():
        queryset = measure.queryset().filter(
            Q(updated_at__gt=since) | Q(**{f"{measure.person_path}__in": changed_people})
        )
        for org, value in queryset.values_list("organisation_id", measure.day_field).order_by():
            days.append((org, local_day(value)))
    moved = CaseTransfer.objects.filter(decided_at__gt=since, status=TransferStatus.ACCEPTED)
    for org, value in moved.values_list("from_organisation_id", "case__created_at").order_by():
        days.append((org, local_day(value)))
    return _slices_of(days)


def _recount(slice_: Slice) -> Counter[RowKey]:
    grain, start, org = slice_
    end = period_end(grain, start)
    counter: Counter[RowKey] = Counter()
    for measure in MEASURES.values():
        for fact in facts(measure, _in_period(measure, org, start, end)):
            if period_start(grain, fact.day) == start:
                add_to_grain(counter, grain, start, measure.code, fact)
    return counter


def _in_period(
    measure: Measure, org: int, start: datetime.date, end: datetime.date
) -> QuerySet[Any]:
    field = measure.day_field
    bounds = _bounds(measure, start, end)
    return measure.queryset().filter(
        organisation_id=org, **{f"{field}__gte": bounds[0], f"{field}__lt": bounds[1]}
    )


def _bounds(measure: Measure, start: datetime.date, end: datetime.date) -> tuple[object, object]:
    model_field = measure.model._meta.get_field(measure.day_field)
    if model_field.get_internal_type() == "DateTimeField":
        tz = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end, datetime.time.min, tzinfo=tz),
        )
    return start, end


@transaction.atomic
def refresh() -> BuildReport:
    """Recount the slices whose records changed since the last refresh or rebuild.
    The first refresh of an empty state rebuilds."""
    started = timezone.now()
    state = _state()
    if state.watermark is None:
        return rebuild()
    slices = changed_slices(state.watermark)
    rows = records = 0
    for slice_ in sorted(slices):
        grain, start, org = slice_
        Rollup.objects.filter(grain=grain, period=start, organisation_id=org).delete()
        counter = _recount(slice_)
        if grain == Grain.MONTH:  # each record is in one week slice and one month slice
            records += sum(
                n
                for key, n in counter.items()
                if key[6] == TOTAL_DIMENSION and key[4] == key[5] == ALL
            )
        rows += _store(counter)
    state.watermark = started - OVERLAP
    state.refreshed_at = timezone.now()
    state.save()
    return BuildReport(rows=rows, slices=len(slices), records=records)
