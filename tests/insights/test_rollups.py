"""The rollups (issue 6 §5): every figure read from them equals a recount of the raw
records, done here independently, in plain Python over the model instances; the
incremental refresh keeps them so; and a write queues one refresh when it commits."""

import datetime
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from safepath.accounts.models import User
from safepath.cases.assistance_services import assistance_record
from safepath.cases.models import Assistance, Case, CaseTransfer, TransferStatus
from safepath.cases.services import case_open
from safepath.insights import rollup_tasks
from safepath.insights.models import Rollup, RollupState
from safepath.insights.models.rollups import ALL, Grain
from safepath.insights.rollups import build, queries, signals
from safepath.insights.rollups.facts import MEASURES
from safepath.insights.rollups.queries import Filters
from safepath.insights.rollups.signals import TASK_PATH, rollups_changed
from safepath.people import services as people_services
from safepath.people.models import Person
from safepath.referrals.models import Referral
from safepath.screening.models import Screening
from safepath.screening.services import ConsentGiven, Location, screening_create
from tests.conftest import Cast
from tests.factories import PersonFactory

WARSAW = ZoneInfo("Europe/Warsaw")
UTC = datetime.UTC
WG = ("wg_seeing", "wg_hearing", "wg_walking", "wg_remembering", "wg_selfcare", "wg_communicating")
INDICATORS = ("AL-DR-01", "AL-EX-01", "AL-CD-02", "AL-EX-03")
VOIVODESHIPS = ("14", "18", "06", "")
SITES = ("border_crossing", "shelter", "info_line")
SCREENING_DIMENSIONS = (
    "all",
    "sex",
    "age_band",
    "disability",
    "nationality",
    "site_type",
    "indicator",
    "month",
    "week",
    "voivodeship",
    "population",
)
WHOLE = Filters(start=datetime.date(2025, 12, 1), end=datetime.date(2026, 4, 1))
INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]


# --- the raw records ---------------------------------------------------------------


def _people(cast: Cast) -> list[Person]:
    """Five people: every sex, child and adult bands, an unknown band, disability yes,
    no and not asked, two nationalities and none."""
    specs: list[dict[str, Any]] = [
        {"sex": "female", "age_band": "18-59", "nationality": "UKR", "wg_seeing": "a_lot"},
        {"sex": "male", "age_band": "12-17", "nationality": "BLR", "wg_hearing": "some"},
        {"sex": "other", "age_band": "60+", "nationality": "UKR", "wg_walking": "cannot"},
        {"sex": "unknown", "age_band": "", "nationality": "", "voivodeship": "18"},
        {"sex": "female", "age_band": "0-4", "nationality": "UKR", "voivodeship": ""},
    ]
    return [
        PersonFactory.create(organisation=cast.org_a, created_by=cast.caseworker_a, **spec)
        for spec in specs
    ]


def _org(actor: User) -> int:
    assert actor.organisation_id is not None
    return actor.organisation_id


def _screening(
    actor: User,
    at: datetime.datetime,
    *,
    person: Person | None = None,
    voivodeship: str = "14",
    population: str = "adult",
    site_type: str = "border_crossing",
    indicators: Iterable[str] = (),
    indicated: bool = False,
) -> Screening:
    """A screening stored directly (the rollups read only these columns), at `at`."""
    screening = Screening.objects.create(
        person=person,
        organisation_id=_org(actor),
        team_id=actor.team_id,
        created_by=actor,
        catalogue="AL",
        catalogue_version="test",
        rule_version="test",
        indicators=list(indicators),
        population=population,
        result={"trafficking_indicated": indicated},
        priority="standard",
        priority_rule_version="test",
        voivodeship=voivodeship,
        site_type=site_type,
    )
    Screening.objects.filter(pk=screening.pk).update(created_at=at)
    return screening


def _case(actor: User, person: Person, at: datetime.datetime, **fields: Any) -> Case:
    case = Case.objects.create(
        person=person,
        organisation_id=_org(actor),
        team_id=actor.team_id,
        created_by=actor,
        owner=actor,
        **fields,
    )
    Case.objects.filter(pk=case.pk).update(created_at=at)
    return case


def _assistance(actor: User, person: Person, on: datetime.date, kind: str) -> Assistance:
    return Assistance.objects.create(
        person=person,
        kind=kind,
        quantity=1,
        given_on=on,
        provider_id=_org(actor),
        organisation_id=_org(actor),
        team_id=actor.team_id,
        created_by=actor,
    )


def _referral(
    actor: User, person: Person, at: datetime.datetime, *, status: str, urgent: bool
) -> Referral:
    referral = Referral.objects.create(
        person=person,
        organisation_id=_org(actor),
        team_id=actor.team_id,
        created_by=actor,
        external_recipient="Clinic",
        purpose="Care",
        urgent=urgent,
        respond_by=at,
        status=status,
    )
    Referral.objects.filter(pk=referral.pk).update(created_at=at)
    return referral


def _at(rng: random.Random) -> datetime.datetime:
    """A moment from mid-December 2025 to mid-March 2026, often close to midnight."""
    start = datetime.datetime(2025, 12, 15, tzinfo=UTC)
    moment = start + datetime.timedelta(days=rng.randrange(90), hours=rng.choice((0, 12, 22, 23)))
    return moment + datetime.timedelta(minutes=rng.randrange(60))


@pytest.fixture
def records(cast: Cast) -> list[Person]:
    """A seeded mix of screenings (with people and anonymous, some indicating
    trafficking), cases, assistance and referrals in organisations A and B."""
    rng = random.Random(6)
    people = _people(cast)
    actors = [cast.caseworker_a, cast.caseworker_a_other_team, cast.caseworker_b]
    for _ in range(60):
        _screening(
            rng.choice(actors),
            _at(rng),
            person=rng.choice([None, None, *people]),
            voivodeship=rng.choice(VOIVODESHIPS),
            population=rng.choice(("adult", "child", "adult", "")),
            site_type=rng.choice(SITES),
            indicators=rng.sample(INDICATORS, rng.randint(0, 3)),
            indicated=rng.random() < 0.3,
        )
    statuses = ("", "PossibleVictimOfTrafficking", "ActualVictimOfTrafficking")
    types = ("SexualExploitation", "ForcedLabour", "ForcedMarriage")
    for _ in range(25):
        _case(
            rng.choice(actors),
            rng.choice(people),
            _at(rng),
            trafficking_status=rng.choice(statuses),
            exploitation_types=rng.sample(types, rng.randint(0, 2)),
            is_child=rng.random() < 0.2,
        )
    for _ in range(25):
        _assistance(
            rng.choice(actors),
            rng.choice(people),
            _at(rng).date(),
            rng.choice(("food", "shelter_nights", "transport")),
        )
    for _ in range(20):
        _referral(
            rng.choice(actors),
            rng.choice(people),
            _at(rng),
            status=rng.choice(("sent", "accepted", "completed")),
            urgent=rng.random() < 0.3,
        )
    return people


# --- the independent recount ---------------------------------------------------------


def _disability(person: Person) -> str:
    answers = [getattr(person, name) for name in WG if getattr(person, name)]
    if not answers:
        return "unknown"
    return "yes" if {"a_lot", "cannot"} & set(answers) else "no"


def _person_value(person: Person | None, dimension: str) -> str:
    if person is None:
        return "unknown"
    if dimension == "disability":
        return _disability(person)
    return str(getattr(person, dimension)) or "unknown"


def _population(age_band: str) -> str:
    if age_band in ("0-4", "5-11", "12-17"):
        return "child"
    return "adult" if age_band in ("18-59", "60+") else ""


def _several(values: list[str]) -> list[str]:
    return sorted(set(values)) or ["unknown"]


type Item = tuple[int, datetime.date, str, str, Callable[[str], list[str]]]
"""(organisation id, day in Warsaw, voivodeship, population, values of a dimension)."""


def _screening_values(s: Screening, dimension: str) -> list[str]:
    if dimension == "site_type":
        return [s.site_type]
    if dimension == "indicator":
        return _several(s.indicators)
    return [_person_value(s.person, dimension)]


def _case_values(c: Case, dimension: str) -> list[str]:
    if dimension == "trafficking_status":
        return [c.trafficking_status or "unknown"]
    if dimension == "exploitation_type":
        return _several(c.exploitation_types)
    return [_person_value(c.person, dimension)]


def _assistance_values(a: Assistance, dimension: str) -> list[str]:
    return [a.kind] if dimension == "assistance_kind" else [_person_value(a.person, dimension)]


def _referral_values(r: Referral, dimension: str) -> list[str]:
    if dimension == "referral_status":
        return [r.status]
    if dimension == "urgent":
        return ["yes" if r.urgent else "no"]
    return [_person_value(r.person, dimension)]


def _items(measure: str) -> list[Item]:
    """Every record of `measure`, as what the recount needs of it."""
    found: list[Item] = []
    if measure in ("screenings", "possible_victims"):
        for s in Screening.objects.select_related("person"):
            if measure == "possible_victims" and s.result.get("trafficking_indicated") is not True:
                continue
            population = s.population if s.population in ("adult", "child") else ""
            day = s.created_at.astimezone(WARSAW).date()
            values = partial(_screening_values, s)
            found.append((s.organisation_id, day, s.voivodeship, population, values))
    elif measure == "cases":
        for c in Case.objects.select_related("person"):
            population = "child" if c.is_child else (_population(c.person.age_band) or "adult")
            day = c.created_at.astimezone(WARSAW).date()
            values = partial(_case_values, c)
            found.append((c.organisation_id, day, c.person.voivodeship, population, values))
    elif measure == "assistance":
        for a in Assistance.objects.select_related("person"):
            population = _population(a.person.age_band)
            values = partial(_assistance_values, a)
            found.append((a.organisation_id, a.given_on, a.person.voivodeship, population, values))
    else:
        for r in Referral.objects.select_related("person"):
            population = _population(r.person.age_band)
            day = r.created_at.astimezone(WARSAW).date()
            values = partial(_referral_values, r)
            found.append((r.organisation_id, day, r.person.voivodeship, population, values))
    return found


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _period(dimension: str, day: datetime.date) -> datetime.date:
    return _monday(day) if dimension == "week" else day.replace(day=1)


def _selected(item: Item, dimension: str, filters: Filters, *, location: bool = True) -> bool:
    org, day, voivodeship, population, _values = item
    if not filters.start <= _period(dimension, day) < filters.end:
        return False
    if filters.organisation_ids is not None and org not in filters.organisation_ids:
        return False
    if location and filters.voivodeship not in (ALL, voivodeship):
        return False
    return not (location and filters.population not in (ALL, population))


def _values_of(item: Item, dimension: str) -> list[str]:
    _org, day, voivodeship, population, values = item
    if dimension == "all":
        return ["all"]
    if dimension in ("week", "month"):
        return [_period(dimension, day).isoformat()]
    if dimension == "voivodeship":
        return [voivodeship]
    if dimension == "population":
        return [population]
    return values(dimension)


def recount(measure: str, dimension: str, filters: Filters) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for item in _items(measure):
        if _selected(item, dimension, filters):
            counts.update(_values_of(item, dimension))
    return dict(counts)


def recount_stratified(
    measure: str, dimension: str, filters: Filters
) -> dict[tuple[str, ...], int]:
    counts: Counter[tuple[str, ...]] = Counter()
    for item in _items(measure):
        if not _selected(item, dimension, filters):
            continue
        _org, day, voivodeship, population, _values = item
        strata = {"month": day.replace(day=1).isoformat(), "voivodeship": voivodeship}
        strata["population"] = population
        names = [
            name
            for name in ("month", "voivodeship", "population")
            if name != dimension and not (dimension in ("week", "month") and name == "month")
        ]
        for value in _values_of(item, dimension):
            counts[(value, *(strata[name] for name in names))] += 1
    return dict(counts)


def recount_weekly(
    measure: str, dimension: str, filters: Filters
) -> dict[tuple[datetime.date, str, str], int]:
    counts: Counter[tuple[datetime.date, str, str]] = Counter()
    for item in _items(measure):
        if _selected(item, "week", filters, location=False):
            _org, day, voivodeship, _population, _values = item
            for value in _values_of(item, dimension):
                counts[(_monday(day), voivodeship, value)] += 1
    return dict(counts)


def _filters(cast: Cast) -> list[Filters]:
    return [
        WHOLE,
        Filters(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 2, 1)),
        replace(WHOLE, voivodeship="14"),
        replace(WHOLE, voivodeship="18", population="child"),
        replace(WHOLE, population="adult"),
        replace(WHOLE, population=""),
        replace(WHOLE, organisation_ids=(cast.org_a.pk,)),
        replace(WHOLE, organisation_ids=(cast.org_b.pk,), voivodeship="14"),
    ]


def _nonzero(counts: dict[Any, int]) -> dict[Any, int]:
    return {key: n for key, n in counts.items() if n}


# --- periods -------------------------------------------------------------------------


def test_weeks_start_on_monday_and_months_on_the_first() -> None:
    sunday = datetime.date(2026, 2, 1)
    assert build.week_start(sunday) == datetime.date(2026, 1, 26)
    assert build.week_start(datetime.date(2026, 1, 26)) == datetime.date(2026, 1, 26)
    assert build.week_start(datetime.date(2026, 1, 1)) == datetime.date(2025, 12, 29)
    assert build.month_start(datetime.date(2026, 2, 28)) == datetime.date(2026, 2, 1)
    assert build.period_end(Grain.WEEK, datetime.date(2025, 12, 29)) == datetime.date(2026, 1, 5)
    assert build.period_end(Grain.MONTH, datetime.date(2026, 12, 1)) == datetime.date(2027, 1, 1)
    assert build.period_end(Grain.MONTH, datetime.date(2026, 1, 1)) == datetime.date(2026, 2, 1)


def test_days_are_warsaw_days(cast: Cast) -> None:
    # 23:30 UTC on 31 January is 00:30 on 1 February in Warsaw (a Sunday: its week is
    # the one of Monday 26 January); in summer 21:30 UTC on 31 May is still May there.
    _screening(cast.caseworker_a, datetime.datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
    _screening(cast.caseworker_a, datetime.datetime(2026, 1, 31, 22, 59, tzinfo=UTC))
    _screening(cast.caseworker_a, datetime.datetime(2026, 5, 31, 21, 30, tzinfo=UTC))
    _screening(cast.caseworker_a, datetime.datetime(2026, 5, 31, 22, 30, tzinfo=UTC))
    build.rebuild()

    year = Filters(start=datetime.date(2026, 1, 1), end=datetime.date(2027, 1, 1))
    assert queries.breakdown("screenings", "month", year) == {
        "2026-01-01": 1,
        "2026-02-01": 1,
        "2026-05-01": 1,
        "2026-06-01": 1,
    }
    # 1 June 2026 is a Monday: its week starts with its month.
    assert queries.breakdown("screenings", "week", year) == {
        "2026-01-26": 2,
        "2026-05-25": 1,
        "2026-06-01": 1,
    }
    assert set(Rollup.objects.values_list("period", flat=True)) == {
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
        datetime.date(2026, 1, 26),
        datetime.date(2026, 5, 1),
        datetime.date(2026, 6, 1),
        datetime.date(2026, 5, 25),
    }


# --- rollups equal a recount of the records -------------------------------------------


@pytest.mark.parametrize(
    ("measure", "dimensions"),
    [
        ("screenings", SCREENING_DIMENSIONS),
        ("possible_victims", ("all", "sex", "indicator", "month", "voivodeship")),
        (
            "cases",
            (
                "all",
                "trafficking_status",
                "exploitation_type",
                "sex",
                "disability",
                "month",
                "week",
                "voivodeship",
                "population",
            ),
        ),
        ("assistance", ("all", "assistance_kind", "age_band", "month", "voivodeship")),
        ("referrals", ("all", "referral_status", "urgent", "nationality", "population")),
    ],
)
def test_breakdowns_and_totals_equal_a_recount(
    cast: Cast, records: list[Person], measure: str, dimensions: tuple[str, ...]
) -> None:
    build.rebuild()
    for filters in _filters(cast):
        for dimension in dimensions:
            expected = recount(measure, dimension, filters)
            assert queries.breakdown(measure, dimension, filters) == expected, (filters, dimension)
        assert queries.total(measure, filters) == recount(measure, "all", filters).get("all", 0)
    # The population is not empty: the comparison compared something.
    assert queries.total(measure, WHOLE) >= 10


@pytest.mark.parametrize("measure", ["screenings", "cases", "referrals"])
def test_stratified_and_weekly_counts_equal_a_recount(
    cast: Cast, records: list[Person], measure: str
) -> None:
    build.rebuild()
    for filters in _filters(cast):
        for dimension in ("sex", "month", "week", "voivodeship", "population"):
            strata, counts = queries.stratified(measure, dimension, filters)
            wanted = ("month", "voivodeship", "population")
            assert strata == tuple(
                s
                for s in wanted
                if s != dimension and not (dimension in ("week", "month") and s == "month")
            )
            assert counts == recount_stratified(measure, dimension, filters), (filters, dimension)
        for dimension in ("all", "sex"):
            weekly = queries.weekly_by_voivodeship(measure, dimension, filters)
            assert weekly == recount_weekly(measure, dimension, filters), (filters, dimension)
    only = queries.weekly_by_voivodeship(measure, "sex", WHOLE, values=["female"])
    assert only == {
        k: n for k, n in recount_weekly(measure, "sex", WHOLE).items() if k[2] == "female"
    }
    assert only


def test_all_rows_are_the_sums_of_the_specific_rows(records: list[Person]) -> None:
    build.rebuild()
    sums: dict[tuple[Any, ...], Counter[str]] = {}
    for row in Rollup.objects.all():
        key = (row.grain, row.period, row.measure, row.organisation_id, row.dimension, row.value)
        sums.setdefault(key, Counter())[f"{row.voivodeship}|{row.population}"] += row.count
    checked = 0
    for key, cells in sums.items():
        voivodeships = {cell.split("|")[0] for cell in cells} - {ALL}
        populations = {cell.split("|")[1] for cell in cells} - {ALL}
        everything = cells[f"{ALL}|{ALL}"]
        assert everything == sum(cells[f"{v}|{ALL}"] for v in voivodeships), key
        assert everything == sum(cells[f"{ALL}|{p}"] for p in populations), key
        for v in voivodeships:
            assert cells[f"{v}|{ALL}"] == sum(cells.get(f"{v}|{p}", 0) for p in populations)
        for p in populations:
            assert cells[f"{ALL}|{p}"] == sum(cells.get(f"{v}|{p}", 0) for v in voivodeships)
        checked += 1
    assert checked > 100
    # A single-valued dimension sums to the total; the weeks of a month's records
    # hold as many records as the month.
    for measure in MEASURES:
        total = queries.total(measure, WHOLE)
        assert sum(queries.breakdown(measure, "sex", WHOLE).values()) == total
        assert sum(queries.breakdown(measure, "month", WHOLE).values()) == total


def test_a_multi_valued_dimension_counts_a_record_once_per_value(cast: Cast) -> None:
    at = datetime.datetime(2026, 1, 14, 10, tzinfo=UTC)
    _screening(cast.caseworker_a, at, indicators=["AL-DR-01", "AL-EX-01", "AL-DR-01"])
    _screening(cast.caseworker_a, at, indicators=["AL-DR-01"])
    _screening(cast.caseworker_a, at, indicators=[])
    build.rebuild()

    assert queries.breakdown("screenings", "indicator", WHOLE) == {
        "AL-DR-01": 2,
        "AL-EX-01": 1,
        "unknown": 1,
    }
    assert queries.total("screenings", WHOLE) == 3


def test_a_screening_without_a_person_counts_under_unknown(cast: Cast) -> None:
    person = PersonFactory.create(
        organisation=cast.org_a, sex="male", age_band="18-59", nationality="UKR", wg_seeing="no"
    )
    at = datetime.datetime(2026, 1, 14, 10, tzinfo=UTC)
    _screening(cast.caseworker_a, at, person=None)
    _screening(cast.caseworker_a, at, person=person)
    build.rebuild()

    assert queries.breakdown("screenings", "sex", WHOLE) == {"unknown": 1, "male": 1}
    assert queries.breakdown("screenings", "age_band", WHOLE) == {"unknown": 1, "18-59": 1}
    assert queries.breakdown("screenings", "disability", WHOLE) == {"unknown": 1, "no": 1}
    assert queries.breakdown("screenings", "nationality", WHOLE) == {"unknown": 1, "UKR": 1}


# --- the incremental refresh ------------------------------------------------------------


def _settle() -> None:
    """Move the watermark to now, as if every record so far were older than the last
    refresh (a rebuild's own watermark overlaps the records just created)."""
    RollupState.objects.update(watermark=timezone.now())


def _today_filters() -> Filters:
    start, end = queries.last_months(timezone.localdate(), 1)
    return Filters(start=start, end=end)


def _screen(cast: Cast, person: Person | None = None) -> Screening:
    return screening_create(
        actor=cast.caseworker_a,
        person=person,
        catalogue="AL",
        indicators=INDICATED,
        act=False,
        factors=[],
        needs=[],
        consent=ConsentGiven("oral_witnessed", timezone.localdate()) if person else None,
        location=Location(site_type="border_crossing", voivodeship="14"),
    )


def test_a_refresh_of_an_empty_state_rebuilds(cast: Cast) -> None:
    _screening(cast.caseworker_a, datetime.datetime(2026, 1, 14, 10, tzinfo=UTC))
    _screening(cast.caseworker_b, datetime.datetime(2026, 2, 14, 10, tzinfo=UTC))
    assert not RollupState.objects.exists()

    report = build.refresh()

    state = RollupState.objects.get()
    assert state.rebuilt_at is not None
    assert state.watermark is not None
    assert report.records == 2
    assert report.rows == Rollup.objects.count() > 0
    assert queries.breakdown("screenings", "month", WHOLE) == {"2026-01-01": 1, "2026-02-01": 1}


def test_a_new_record_is_counted_once_however_often_refreshed(cast: Cast, person_a: Person) -> None:
    _screening(cast.caseworker_a, datetime.datetime(2026, 1, 14, 10, tzinfo=UTC))
    build.rebuild()
    _settle()
    now = _today_filters()
    assert queries.total("screenings", now) == 0

    screening = _screen(cast, person_a)
    case = case_open(actor=cast.caseworker_a, screening=screening)
    assistance_record(
        actor=cast.caseworker_a, case=case, kind="food", quantity=2, given_on=timezone.localdate()
    )
    _referral(cast.caseworker_a, person_a, timezone.now(), status="sent", urgent=True)
    first = build.refresh()
    second = build.refresh()

    # A screening (and a possible victim: trafficking indicated), a case, assistance and
    # a referral; the second refresh recounts them again (and, its watermark
    # overlapping the first refresh, the slices of January's screening too).
    assert (first.slices, first.records) == (2, 5)
    assert (second.slices, second.records) == (4, 6)
    for measure in MEASURES:
        assert queries.total(measure, now) == 1, measure
    assert queries.breakdown("cases", "trafficking_status", now) == {
        "PossibleVictimOfTrafficking": 1
    }
    assert queries.breakdown("referrals", "urgent", now) == {"yes": 1}
    assert queries.total("screenings", WHOLE) == 1  # the old slice is still there


def test_a_persons_changed_sex_moves_the_counts_after_a_refresh(
    cast: Cast, person_a: Person
) -> None:
    screening = _screen(cast, person_a)
    case_open(actor=cast.caseworker_a, screening=screening)
    build.rebuild()
    _settle()
    now = _today_filters()
    assert queries.breakdown("screenings", "sex", now) == {"female": 1}
    assert queries.breakdown("cases", "sex", now) == {"female": 1}

    people_services.person_update(actor=cast.caseworker_a, person=person_a, data={"sex": "male"})
    build.refresh()

    assert queries.breakdown("screenings", "sex", now) == {"male": 1}
    assert queries.breakdown("cases", "sex", now) == {"male": 1}
    assert queries.total("screenings", now) == 1


def test_a_refresh_leaves_the_untouched_slices_as_they_were(
    cast: Cast, records: list[Person]
) -> None:
    build.rebuild()
    _settle()
    before = {row.pk: row for row in Rollup.objects.all()}
    changed = _screening(
        cast.caseworker_a, datetime.datetime(2026, 1, 14, 10, tzinfo=UTC), voivodeship="06"
    )

    report = build.refresh()

    day = datetime.date(2026, 1, 14)
    touched = {
        (Grain.WEEK.value, build.week_start(day), changed.organisation_id),
        (Grain.MONTH.value, build.month_start(day), changed.organisation_id),
    }
    assert report.slices == 2
    after = {row.pk: row for row in Rollup.objects.all()}
    kept = {
        pk
        for pk, row in before.items()
        if (row.grain, row.period, row.organisation_id) not in touched
    }
    assert kept
    assert kept <= set(after)
    for pk in kept:
        old, new = before[pk], after[pk]
        assert (new.grain, new.period, new.measure, new.dimension, new.value, new.count) == (
            old.grain,
            old.period,
            old.measure,
            old.dimension,
            old.value,
            old.count,
        )
    for filters in _filters(cast):
        for dimension in ("all", "voivodeship", "indicator", "week"):
            assert queries.breakdown("screenings", dimension, filters) == recount(
                "screenings", dimension, filters
            )


def test_a_transferred_case_leaves_the_organisation_it_came_from(
    cast: Cast, person_a: Person
) -> None:
    case = case_open(actor=cast.caseworker_a, screening=_screen(cast, person_a))
    build.rebuild()
    _settle()
    now = _today_filters()
    of_a = replace(now, organisation_ids=(cast.org_a.pk,))
    of_b = replace(now, organisation_ids=(cast.org_b.pk,))
    assert (queries.total("cases", of_a), queries.total("cases", of_b)) == (1, 0)

    # What `transfer_decide` writes when the receiving organisation accepts.
    CaseTransfer.objects.create(
        case=case,
        from_organisation=cast.org_a,
        to_organisation=cast.org_b,
        consent=person_a.consents.get(),
        status=TransferStatus.ACCEPTED,
        requested_by=cast.caseworker_a,
        decided_by=cast.caseworker_b,
        decided_at=timezone.now(),
    )
    case.organisation = cast.org_b
    case.save()
    build.refresh()

    assert (queries.total("cases", of_a), queries.total("cases", of_b)) == (0, 1)
    assert queries.total("screenings", of_a) == 1  # the screening stays where it was made


# --- a property: any population of screenings ----------------------------------------

SCREENINGS = st.lists(
    st.tuples(
        st.integers(0, 2),  # the actor (and so the organisation)
        st.integers(0, 35 * 24 * 4 - 1),  # quarter hours from 19 January 2026, UTC
        st.sampled_from(VOIVODESHIPS),
        st.sampled_from(("adult", "child", "")),
        st.sampled_from(SITES),
        st.lists(st.sampled_from(INDICATORS), max_size=3),
        st.sampled_from((None, 0, 1, 2, 3, 4)),  # no person, or one of five
        st.booleans(),
    ),
    max_size=25,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=SCREENINGS)
def test_rollups_equal_the_recount_for_any_screenings(
    cast: Cast, drawn: list[tuple[Any, ...]]
) -> None:
    actors = [cast.caseworker_a, cast.caseworker_a_other_team, cast.caseworker_b]
    start = datetime.datetime(2026, 1, 19, tzinfo=UTC)
    with transaction.atomic():
        people = _people(cast)
        for actor, quarters, voivodeship, population, site, indicators, who, indicated in drawn:
            _screening(
                actors[actor],
                start + datetime.timedelta(minutes=15 * quarters),
                person=None if who is None else people[who],
                voivodeship=voivodeship,
                population=population,
                site_type=site,
                indicators=indicators,
                indicated=indicated,
            )
        build.rebuild()
        for filters in (
            WHOLE,
            replace(WHOLE, voivodeship="14", population="adult"),
            replace(WHOLE, organisation_ids=(cast.org_b.pk,)),
            Filters(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 3, 1)),
        ):
            for measure in ("screenings", "possible_victims"):
                for dimension in SCREENING_DIMENSIONS:
                    assert queries.breakdown(measure, dimension, filters) == recount(
                        measure, dimension, filters
                    ), (measure, dimension, filters)
                _strata, counts = queries.stratified(measure, "indicator", filters)
                assert counts == recount_stratified(measure, "indicator", filters)
        transaction.set_rollback(True)


# --- keeping the rollups current: one refresh queued per transaction ------------------
# These commit for real (`transactional_db`): the refresh is queued on commit.


def _queued() -> int:
    return DBTaskResult.objects.filter(task_path=TASK_PATH).count()


def test_a_write_queues_one_refresh_when_its_transaction_commits(
    transactional_db: None,
    cast: Cast,
    person_a: Person,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.SAFEPATH_ROLLUPS_AUTO_REFRESH = True
    # First without looking at the queue: once per transaction, however many writes.
    monkeypatch.setattr(signals, "_already_queued", lambda: False)
    with transaction.atomic():
        screening = _screen(cast, person_a)
        case_open(actor=cast.caseworker_a, screening=screening)
        _screen(cast)
        assert _queued() == 0  # not before the commit
    assert _queued() == 1
    _screen(cast)  # a transaction of its own
    assert _queued() == 2

    # A refresh already waiting in the queue will see the next commits: none more.
    monkeypatch.undo()
    people_services.person_update(actor=cast.caseworker_a, person=person_a, data={"sex": "male"})
    assert _queued() == 2
    # Once those have run, the next write queues a new one.
    DBTaskResult.objects.filter(task_path=TASK_PATH).update(status="SUCCESSFUL")
    _screen(cast)
    assert _queued() == 3


def test_a_rolled_back_write_queues_nothing(
    transactional_db: None, cast: Cast, settings: Settings
) -> None:
    settings.SAFEPATH_ROLLUPS_AUTO_REFRESH = True
    with transaction.atomic():
        _screen(cast)
        transaction.set_rollback(True)
    assert _queued() == 0
    assert not Screening.objects.exists()
    with transaction.atomic():
        rollups_changed()
        rollups_changed()
    assert _queued() == 1


def test_no_refresh_is_queued_when_the_setting_is_off(
    transactional_db: None, cast: Cast, settings: Settings
) -> None:
    settings.SAFEPATH_ROLLUPS_AUTO_REFRESH = False
    _screen(cast)
    assert Screening.objects.count() == 1
    assert _queued() == 0


def test_the_task_refreshes_the_rollups(cast: Cast) -> None:
    _screening(cast.caseworker_a, datetime.datetime(2026, 1, 14, 10, tzinfo=UTC))

    answer = rollup_tasks.refresh_rollups.call()

    assert answer == {"rows": Rollup.objects.count(), "slices": 2, "records": 1}
    assert queries.total("screenings", WHOLE) == 1
