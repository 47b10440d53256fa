"""Insights benchmark: 1,000,000 screenings and 250,000 cases, the rollups, the dashboard
queries against DuckDB on the raw rows, and the CTDC export (issue 6, §7).

`make bench` (or `.venv/bin/python bench/insights.py`) does, start to end and bounded in
time:

1. creates a fresh database `safepath_bench_insights` on the PostgreSQL server named by
   DATABASE_URL (default postgres://postgres@127.0.0.1:5432), migrates it, loads the
   demo organisations and users (`safepath demo --people 0`), then bulk-creates (COPY,
   `safepath.core.bulk.insert_many`) 250,000 people with one case each (and a
   trafficking event, assistance and referrals for some of them) and 1,000,000
   screenings (a fifth of them of those people, the rest anonymous), spread over two
   years, sixteen voivodeships (Mazowieckie, Lubelskie and Podkarpackie heavier) and
   four organisations;
2. rebuilds the rollups (`safepath.insights.rollups.build.rebuild`) in a subprocess:
   time, rows, peak RSS (`os.wait4`); changes 1,000 recent screenings and times the
   incremental `refresh()` the same way;
3. times every query of the dashboard page (`dashboards.headlines` and
   `dashboards.screen_panel` of every panel, with `safe_stats.protect`) for the last 12
   months, for every organisation and for one, with and without a voivodeship filter,
   each `--runs` times: p50 and p95;
4. exports the raw rows once (COPY to CSV), loads them into an in-memory DuckDB and
   computes the same counts from them, as many times: p50, p95, the ratio of the p95s,
   and whether DuckDB's counts equal the rollups' (before protection) for every query;
5. runs the CTDC export of every case with the real command (`safepath insights
   export-ctdc --output FILE --k 11`) in a subprocess: wall time, peak RSS, rows;
6. prints one JSON line per measurement and a summary with the targets (reported, not
   asserted), and drops the database (`--keep-db` keeps it, `--reuse-db` starts from a
   kept one).

Progress goes to stderr; the figures, and only they, go to stdout. The exit status is 1
when a step failed or DuckDB's counts differ from safepath's, not when a target is
missed. See bench/README.md.
"""

import argparse
import contextlib
import csv
import datetime
import io
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402  (after the sys.path line above)
    at_most,
    database_urls,
    drop_database,
    emit,
    log,
    prepare_database,
)

if TYPE_CHECKING:
    import duckdb
    from django.db.models import Model

    from safepath.accounts.models import Organisation, Team, User
    from safepath.insights.dashboards import Panel
    from safepath.insights.rollups.queries import Filters
    from safepath.screening.indicators.rules import Assessment

ISSUE = "insights benchmark"
DB_NAME = "safepath_bench_insights"
SETTINGS = "safepath.settings"
SAFEPATH = [sys.executable, "-m", "safepath"]
DAYS = 730
BATCH_SIZE = 5_000
RUNS = 50
CHANGED_SCREENINGS = 1_000
P95_LIMIT_MS = 200.0
RATIO_LIMIT = 2.0
CTDC_SECONDS_LIMIT = 60.0
CTDC_K = 11

# Shares of the records: the organisations (with a user of theirs who records them) and
# the voivodeships (TERYT codes; "" is a record whose voivodeship is not known).
ORGANISATIONS = (("IOM", 60), ("LASTRADA", 15), ("DIALOGUE", 15), ("KCIK", 10))
VOIVODESHIPS = {
    "14": 22, "06": 15, "18": 15, "12": 7, "02": 5, "24": 5, "30": 4, "22": 4,
    "10": 3, "20": 3, "04": 3, "16": 2, "26": 2, "28": 2, "08": 2, "32": 2, "": 1,
}  # fmt: skip
SITES = {
    "border_crossing": 25, "reception_point": 25, "collective_shelter": 20,
    "transit_point": 10, "info_line": 10, "outreach": 8, "other": 2,
}  # fmt: skip
PERSON_SCREENING_SHARE = 0.2
CHILD_SHARE = 0.22
INDICATED_SHARE = 0.15
EVENT_SHARE = 0.4
ASSISTANCE_SHARE = 0.5
REFERRAL_SHARE = 0.2
VARIANT_VOIVODESHIP = "06"  # Lubelskie
CHILD_BANDS = ("0-4", "5-11", "12-17")
ADULT_BANDS = ("18-59", "60+")


# --- the data -------------------------------------------------------------------------------


@contextlib.contextmanager
def explicit_timestamps(*models: "type[Model]") -> Iterator[None]:
    """Store the `auto_now`/`auto_now_add` fields of `models` as set on each object, so the
    records spread over two years (and their `updated_at` lies in the past, as a record
    not changed since would have it)."""
    from django.db.models import DateTimeField

    fields = [
        f
        for model in models
        for f in model._meta.concrete_fields
        if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def weighted[T](rng: random.Random, weights: dict[T, int]) -> Callable[[], T]:
    """A function drawing one key of `weights`, in proportion to its weight."""
    keys = list(weights)
    cumulative: list[float] = []
    running = 0.0
    for key in keys:
        running += weights[key]
        cumulative.append(running)

    def draw() -> T:
        return rng.choices(keys, cum_weights=cumulative)[0]

    return draw


@dataclass
class Place:
    """An organisation with the teams and users its records are created by."""

    organisation: "Organisation"
    teams: list["Team | None"]
    users: list["User"]


@dataclass
class Seeded:
    people: int = 0
    cases: int = 0
    events: int = 0
    assistance: int = 0
    referrals: int = 0
    screenings: int = 0
    possible_victims: int = 0
    people_seconds: float = 0.0
    screenings_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def places() -> dict[str, Place]:
    from safepath.accounts.models import Organisation, Team, User

    admin = User.objects.get(username="admin")
    found: dict[str, Place] = {}
    for code, _share in ORGANISATIONS:
        organisation = Organisation.objects.get(code=code)
        teams: list[Team | None] = list(Team.objects.filter(organisation=organisation))
        users = list(User.objects.filter(organisation=organisation, team__isnull=False))
        found[code] = Place(organisation, teams or [None], users or [admin])
    return found


def moment(rng: random.Random, now: datetime.datetime) -> datetime.datetime:
    """A time in the last two years, at least an hour ago; recent times a little likelier
    (the caseload grows)."""
    seconds = DAYS * 86_400 * rng.random() ** 1.25
    return now - datetime.timedelta(seconds=max(3_600.0, seconds))


def assessment_pools(rng: random.Random) -> dict[tuple[str, bool], list["Assessment"]]:
    """Real assessments of the built-in catalogues (AL for adults, CL for children), 300
    that indicate trafficking and 300 that do not per catalogue, drawn once and reused."""
    from safepath.screening.catalogues import registry
    from safepath.screening.indicators.rules import assess

    pools: dict[tuple[str, bool], list[Assessment]] = {}
    for code in ("AL", "CL"):
        catalogue = registry().get(code)
        by_dimension: dict[str, list[str]] = {}
        for indicator in catalogue.indicators.values():
            by_dimension.setdefault(indicator.dimension, []).append(indicator.code)
        every = list(catalogue.indicators)
        for indicated in (True, False):
            pool: list[Assessment] = []
            while len(pool) < 300:
                if indicated:
                    codes: list[str] = []
                    for dimension in ("DR", "EX", "CD"):
                        choices = by_dimension[dimension]
                        codes += rng.sample(choices, min(len(choices), rng.randint(2, 4)))
                    codes += rng.sample(every, rng.randint(0, 3))
                else:
                    codes = rng.sample(every, rng.choice((0, 0, 1, 1, 2, 3, 4)))
                result = assess(catalogue, codes, act=code == "CL" and rng.random() < 0.5)
                if result.trafficking_indicated == indicated:
                    pool.append(result)
            pools[(code, indicated)] = pool
    return pools


def seed_records(*, screenings: int, cases: int, seed: int = 2026) -> Seeded:
    """Create `cases` people each with one case, and `screenings` screenings, with COPY
    in batches. Needs the demo organisations and users (`safepath demo --people 0`)."""
    from django.db import transaction
    from django.utils import timezone

    from bench.seed_people import fakers_for, new_person
    from safepath.cases.models import Assistance, Case, TraffickingEvent
    from safepath.cases.models.assistance import AssistanceKind
    from safepath.cases.models.history import TraffickingEventKind
    from safepath.cases.vocabularies import (
        CaseStatus,
        ExploitationType,
        ForcedLabourIndustry,
        MeansOfControl,
        RecruitmentMethod,
        RiskLevel,
        TraffickingStatus,
    )
    from safepath.core.bulk import insert_many
    from safepath.people.models import Person
    from safepath.referrals.models import Referral, ReferralStatus
    from safepath.screening import vulnerability
    from safepath.screening.models import Screening
    from safepath.screening.services import Location, new_screening

    rng = random.Random(seed)
    fakers = fakers_for(seed)
    now = timezone.now()
    today = timezone.localdate()
    where = places()
    organisation = weighted(rng, dict(ORGANISATIONS))
    voivodeship = weighted(rng, VOIVODESHIPS)
    site = weighted(rng, SITES)
    status = weighted(
        rng,
        {
            CaseStatus.ACTIVE.value: 60,
            CaseStatus.FOLLOW_UP.value: 20,
            CaseStatus.CLOSED.value: 15,
            CaseStatus.CLOSED_REFERRED.value: 5,
        },
    )
    trafficking = weighted(
        rng,
        {
            TraffickingStatus.POSSIBLE.value: 45,
            TraffickingStatus.ACTUAL.value: 20,
            TraffickingStatus.NOT_A_VICTIM.value: 10,
            "": 25,
        },
    )
    exploitation = weighted(
        rng,
        {
            ExploitationType.FORCED_LABOUR.value: 50,
            ExploitationType.SEXUAL_EXPLOITATION.value: 25,
            ExploitationType.FORCED_BEGGING.value: 5,
            ExploitationType.SERVITUDE.value: 5,
            ExploitationType.CHILD_LABOUR.value: 4,
            ExploitationType.FORCED_MARRIAGE.value: 3,
            ExploitationType.OTHER.value: 8,
        },
    )
    industries = [value for value, _label in ForcedLabourIndustry.choices]
    industry = weighted(rng, {value: (30 if value[0] in "ACFGIT" else 2) for value in industries})
    controls = [value for value, _label in MeansOfControl.choices]
    recruitments = [value for value, _label in RecruitmentMethod.choices]
    kinds = [value for value, _label in AssistanceKind.choices]
    referral_status = weighted(rng, {value: 10 for value, _label in ReferralStatus.choices})
    countries = weighted(rng, {"POL": 70, "DEU": 8, "UKR": 8, "CZE": 4, "NLD": 4, "GBR": 3, "": 3})
    factors = [factor.code for factor in vulnerability.FACTORS]
    needs = list(vulnerability.NEED_CODES)
    languages = ("uk", "uk", "uk", "ru", "pl", "en")
    seeded = Seeded()
    codes: set[str] = set()
    people: list[tuple[int, str, str]] = []  # (id, age band, voivodeship) for screenings

    started = time.perf_counter()
    models = (Person, Case, TraffickingEvent, Assistance, Referral, Screening)
    with explicit_timestamps(*models):
        done = 0
        while done < cases:
            size = min(BATCH_SIZE, cases - done)
            batch_people: list[Person] = []
            batch_cases: list[Case] = []
            batch_events: list[TraffickingEvent] = []
            batch_assistance: list[Assistance] = []
            batch_referrals: list[Referral] = []
            for _ in range(size):
                place = where[organisation()]
                team = rng.choice(place.teams)
                owner = rng.choice(place.users)
                opened = moment(rng, now)
                home = voivodeship()
                if team is not None and team.voivodeship and rng.random() < 0.5:
                    home = team.voivodeship  # people are often met where the team works
                person = new_person(
                    rng,
                    fakers,
                    today,
                    organisation=place.organisation,
                    team=team,
                    created_by=owner,
                    codes=codes,
                    overrides={"voivodeship": home},
                )
                person.created_at = person.updated_at = opened - datetime.timedelta(days=1)
                batch_people.append(person)
                types = sorted({exploitation() for _ in range(rng.choice((0, 1, 1, 1, 2)))})
                forced = ExploitationType.FORCED_LABOUR.value in types
                case_status = status()
                closed = case_status in (CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED)
                case = Case(
                    organisation=place.organisation,
                    team=team,
                    created_by=owner,
                    owner=owner,
                    person=person,
                    status=case_status,
                    trafficking_status=trafficking(),
                    exploitation_types=types,
                    forced_labour_industries=sorted({industry()} if forced else set()),
                    means_of_control=rng.sample(controls, rng.choice((0, 1, 2, 3))),
                    recruitment_methods=rng.sample(recruitments, rng.choice((0, 1, 1, 2))),
                    is_child=person.age_band in CHILD_BANDS,
                    risk_level=rng.choice(list(RiskLevel.values)),
                    closed_at=min(now, opened + datetime.timedelta(days=90)) if closed else None,
                    created_at=opened,
                    updated_at=opened,
                )
                batch_cases.append(case)
                if rng.random() < EVENT_SHARE:
                    batch_events.append(
                        TraffickingEvent(
                            case=case,
                            kind=TraffickingEventKind.EXPLOITATION,
                            country=countries(),
                            date=None,
                            recorded_by=owner,
                            created_at=opened,
                            updated_at=opened,
                        )
                    )
                if rng.random() < ASSISTANCE_SHARE:
                    opened_on = timezone.localdate(opened)
                    given = min(today, opened_on + datetime.timedelta(days=rng.randint(0, 30)))
                    batch_assistance.append(
                        Assistance(
                            organisation=place.organisation,
                            team=team,
                            created_by=owner,
                            person=person,
                            case=case,
                            kind=rng.choice(kinds),
                            quantity=rng.randint(1, 5),
                            given_on=given,
                            provider=place.organisation,
                            created_at=opened,
                            updated_at=opened,
                        )
                    )
                if rng.random() < REFERRAL_SHARE:
                    receiver = where["KCIK" if place.organisation.code != "KCIK" else "LASTRADA"]
                    batch_referrals.append(
                        Referral(
                            organisation=place.organisation,
                            team=team,
                            created_by=owner,
                            person=person,
                            case=case,
                            to_organisation=receiver.organisation,
                            purpose="Shelter and legal counselling.",
                            urgent=rng.random() < 0.15,
                            respond_by=opened + datetime.timedelta(days=3),
                            status=referral_status(),
                            status_changed_at=opened,
                            created_at=opened,
                            updated_at=opened,
                        )
                    )
            with transaction.atomic():
                insert_many(Person, batch_people)
                insert_many(Case, batch_cases)
                insert_many(TraffickingEvent, batch_events)
                insert_many(Assistance, batch_assistance)
                insert_many(Referral, batch_referrals)
            people += [(p.pk, p.age_band, p.voivodeship) for p in batch_people]
            seeded.events += len(batch_events)
            seeded.assistance += len(batch_assistance)
            seeded.referrals += len(batch_referrals)
            done += size
            if done % 50_000 == 0 or done == cases:
                log(f"{done:,} people and cases created")
        seeded.people = seeded.cases = cases
        seeded.people_seconds = time.perf_counter() - started

        started = time.perf_counter()
        pools = assessment_pools(rng)
        done = 0
        while done < screenings:
            size = min(BATCH_SIZE, screenings - done)
            batch: list[Screening] = []
            for _ in range(size):
                place = where[organisation()]
                actor = rng.choice(place.users)
                person_id = None
                if people and rng.random() < PERSON_SCREENING_SHARE:
                    person_id, band, home = rng.choice(people)
                    child = band in CHILD_BANDS
                    where_seen = home if rng.random() < 0.9 else voivodeship()
                else:
                    child = rng.random() < CHILD_SHARE
                    where_seen = voivodeship()
                indicated = rng.random() < INDICATED_SHARE
                assessment = rng.choice(pools[("CL" if child else "AL", indicated)])
                chosen = rng.sample(factors, rng.randint(0, 3))
                if child:
                    chosen.append("child")
                screening = new_screening(
                    actor=actor,
                    person=None,
                    consent=None,
                    assessment=assessment,
                    factors=chosen,
                    needs=rng.sample(needs, rng.randint(0, 2)),
                    location=Location(site_type=site(), voivodeship=where_seen),
                    interview_language=rng.choice(languages),
                )
                screening.person_id = person_id
                screening.organisation_id = place.organisation.pk
                screening.team = rng.choice(place.teams)
                screening.created_at = screening.updated_at = moment(rng, now)
                seeded.possible_victims += indicated
                batch.append(screening)
            with transaction.atomic():
                insert_many(Screening, batch)
            done += size
            if done % 100_000 == 0 or done == screenings:
                log(f"{done:,} screenings created")
        seeded.screenings = screenings
        seeded.screenings_seconds = time.perf_counter() - started
    return seeded


def stored_counts() -> dict[str, int]:
    from safepath.cases.models import Assistance, Case, TraffickingEvent
    from safepath.people.models import Person
    from safepath.referrals.models import Referral
    from safepath.screening.models import Screening

    return {
        "people": Person.objects.count(),
        "cases": Case.objects.count(),
        "events": TraffickingEvent.objects.count(),
        "assistance": Assistance.objects.count(),
        "referrals": Referral.objects.count(),
        "screenings": Screening.objects.count(),
        "possible_victims": Screening.objects.filter(result__trafficking_indicated=True).count(),
    }


def ctdc_records() -> int:
    """The cases the CTDC export counts: one per person (the latest), not those found
    not to be victims (`safepath.insights.ctdc`)."""
    from safepath.cases.models import Case
    from safepath.cases.vocabularies import TraffickingStatus

    eligible = Case.objects.exclude(trafficking_status=TraffickingStatus.NOT_A_VICTIM)
    return eligible.values("person_id").distinct().count()


def change_screenings(count: int, *, seed: int = 7) -> list[int]:
    """Change the site type of `count` screenings of the last two weeks (the records
    people still edit), as an edit does: `updated_at` now. Answers their ids."""
    from django.utils import timezone

    from safepath.screening.models import Screening

    since = timezone.now() - datetime.timedelta(days=14)
    recent = list(Screening.objects.filter(created_at__gte=since).values_list("pk", flat=True))
    chosen = random.Random(seed).sample(recent, min(count, len(recent)))
    Screening.objects.filter(pk__in=chosen).update(site_type="outreach", updated_at=timezone.now())
    return chosen


# --- the rollups ----------------------------------------------------------------------------

BUILD_RUNNER = """
import json, sys, time
import django
django.setup()
from safepath.insights.rollups import build
started = time.perf_counter()
report = getattr(build, sys.argv[1])()
print(json.dumps({"seconds": time.perf_counter() - started, "rows": report.rows,
                  "slices": report.slices, "records": report.records}))
"""


def subprocess_env(bench_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    env.setdefault("SAFEPATH_ENV", "development")
    env.setdefault("SAFEPATH_DEBUG", "false")
    if bench_url is not None:
        env["DATABASE_URL"] = bench_url
    return env


def run_measured(command: list[str], env: dict[str, str]) -> tuple[int, str, str, float, Any]:
    """Run `command`: (exit status, stdout, stderr, wall seconds, its rusage)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=ROOT)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return os.waitstatus_to_exitcode(status), out.read(), err.read(), seconds, usage


def build_step(step: str, *, bench_url: str | None) -> dict[str, Any]:
    """`rebuild` or `refresh` of the rollups in a subprocess: its report, time, peak RSS."""
    command = [sys.executable, "-c", BUILD_RUNNER, step]
    returncode, out, err, wall, usage = run_measured(command, subprocess_env(bench_url))
    record: dict[str, Any] = {
        "issue": ISSUE,
        "measurement": f"rollups_{step}",
        "returncode": returncode,
        "wall_seconds": round(wall, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
    }
    if returncode == 0:
        report = json.loads(out.strip().splitlines()[-1])
        record.update(
            seconds=round(report["seconds"], 2),
            rows=report["rows"],
            slices=report["slices"],
            records=report["records"],
        )
    else:
        record["stderr"] = err[-2000:]
    return record


def analyse_rollups() -> float:
    """ANALYZE the rollup table, as autovacuum does soon after a rebuild on a default
    server (this benchmark's server may have autovacuum off): the rebuild replaces every
    row in one transaction, and with the statistics of the empty table the planner picks
    the organisation index and reads a whole slice for each figure. Answers the seconds."""
    from django.db import connection

    from safepath.insights.models import Rollup

    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Rollup._meta.db_table)}")
    return time.perf_counter() - started


# --- the dashboard queries ------------------------------------------------------------------


@dataclass
class Query:
    """One query of the dashboard page: a panel (or the headlines) under one variant of
    the filters; `counts` are the rollups' raw counts, this period then the one before."""

    name: str
    variant: str
    filters: "Filters"
    panel: "Panel | None"
    counts: tuple[dict[str, int], dict[str, int]] = ({}, {})
    safepath_ms: list[float] = field(default_factory=list)
    rollup_ms: list[float] = field(default_factory=list)
    duckdb_ms: list[float] = field(default_factory=list)
    duckdb_counts: tuple[dict[str, int], dict[str, int]] = ({}, {})

    @property
    def measures(self) -> list[tuple[str, str]]:
        """(measure, dimension) of each count the query reads."""
        from safepath.insights.dashboards import MEASURES

        if self.panel is None:
            return [(measure, "all") for measure in MEASURES]
        return [(self.panel.measure, self.panel.dimension)]


def variants(today: datetime.date, organisation_id: int) -> dict[str, "Filters"]:
    from safepath.insights.rollups.queries import Filters, last_months

    start, end = last_months(today, 12)
    return {
        "all": Filters(start=start, end=end),
        "all_voivodeship": Filters(start=start, end=end, voivodeship=VARIANT_VOIVODESHIP),
        "organisation": Filters(start=start, end=end, organisation_ids=(organisation_id,)),
        "organisation_voivodeship": Filters(
            start=start,
            end=end,
            voivodeship=VARIANT_VOIVODESHIP,
            organisation_ids=(organisation_id,),
        ),
    }


def dashboard_queries(today: datetime.date, organisation_id: int) -> list[Query]:
    from safepath.insights.dashboards import PANELS

    found: list[Query] = []
    for variant, filters in variants(today, organisation_id).items():
        found.append(Query("headlines", variant, filters, None))
        found += [Query(panel.code, variant, filters, panel) for panel in PANELS]
    return found


def rollup_counts(query: Query) -> tuple[dict[str, int], dict[str, int]]:
    """The true counts the query's figures come from: this period, then the one before
    (keys "measure" for the headlines, the dimension's values for a panel)."""
    from safepath.insights.rollups import queries

    result: list[dict[str, int]] = []
    for filters in (query.filters, query.filters.previous()):
        if query.panel is None:
            counts = {m: queries.total(m, filters) for m, _d in query.measures}
        else:
            counts = queries.breakdown(query.panel.measure, query.panel.dimension, filters)
        result.append({key: n for key, n in counts.items() if n})
    return result[0], result[1]


def time_safepath(query: Query, runs: int) -> None:
    """The dashboard's own call (rollups, then `protect`, labels, rows), then the rollup
    reads alone, `runs` times each."""
    from safepath.insights import dashboards

    def page() -> object:
        if query.panel is None:
            return dashboards.headlines(query.filters)
        return dashboards.screen_panel(query.panel, query.filters)

    page()  # warm: translations, catalogue labels
    for _ in range(runs):
        started = time.perf_counter()
        page()
        query.safepath_ms.append(1000 * (time.perf_counter() - started))
    query.counts = rollup_counts(query)
    for _ in range(runs):
        started = time.perf_counter()
        rollup_counts(query)
        query.rollup_ms.append(1000 * (time.perf_counter() - started))


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))
    return ordered[index]


# --- DuckDB on the raw rows -----------------------------------------------------------------
# The SQL below is composed from constants of this module and model metadata, never from
# input (hence the S608 exemptions); the filter values are bound parameters.

ZONE_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/+-"
WG = ("wg_seeing", "wg_hearing", "wg_walking", "wg_remembering", "wg_selfcare", "wg_communicating")
PERSON_COLUMNS = ("sex", "age_band", "nationality", "voivodeship", *WG)

# What each raw table holds (beyond the person's columns): name → DuckDB type.
RAW_TABLES: dict[str, dict[str, str]] = {
    "screenings": {
        "organisation_id": "BIGINT", "day": "DATE", "voivodeship": "VARCHAR",
        "population": "VARCHAR", "site_type": "VARCHAR", "indicators": "VARCHAR",
        "indicated": "BOOLEAN", "anonymous": "BOOLEAN",
    },
    "cases": {
        "organisation_id": "BIGINT", "day": "DATE", "is_child": "BOOLEAN",
        "trafficking_status": "VARCHAR", "exploitation_types": "VARCHAR",
        "means_of_control": "VARCHAR", "forced_labour_industries": "VARCHAR",
        "recruitment_methods": "VARCHAR",
    },
    "assistance": {"organisation_id": "BIGINT", "day": "DATE", "kind": "VARCHAR"},
    "referrals": {
        "organisation_id": "BIGINT", "day": "DATE", "status": "VARCHAR", "urgent": "BOOLEAN",
    },
}  # fmt: skip


def _pipe_list(column: str) -> str:
    """A JSON array of codes as "a|b|c" (codes never hold a "|")."""
    return f"array_to_string(ARRAY(SELECT jsonb_array_elements_text(r.{column})), '|') AS {column}"


def export_sql() -> dict[str, str]:
    """The PostgreSQL query of each raw table: one row per record, with its person's
    columns, the day in safepath's time zone; nothing else is computed."""
    from django.conf import settings

    from safepath.cases.models import Assistance, Case
    from safepath.people.models import Person
    from safepath.referrals.models import Referral
    from safepath.screening.models import Screening

    if not set(settings.TIME_ZONE) <= set(ZONE_CHARACTERS):
        raise ValueError(f"unexpected TIME_ZONE {settings.TIME_ZONE!r}")
    zone = f"'{settings.TIME_ZONE}'"
    person = ", ".join(f"p.{c} AS p_{c}" for c in PERSON_COLUMNS)
    people = Person._meta.db_table

    def local(column: str) -> str:
        return f"(r.{column} AT TIME ZONE {zone})::date AS day"

    return {
        "screenings": (
            f"SELECT r.organisation_id, {local('created_at')}, r.voivodeship, r.population,"  # noqa: S608
            f" r.site_type, {_pipe_list('indicators')},"
            " coalesce(r.result -> 'trafficking_indicated' = 'true'::jsonb, false) AS indicated,"
            f" r.person_id IS NULL AS anonymous, {person}"
            f" FROM {Screening._meta.db_table} r LEFT JOIN {people} p ON p.id = r.person_id"
        ),
        "cases": (
            f"SELECT r.organisation_id, {local('created_at')}, r.is_child, r.trafficking_status,"  # noqa: S608
            f" {_pipe_list('exploitation_types')}, {_pipe_list('means_of_control')},"
            f" {_pipe_list('forced_labour_industries')}, {_pipe_list('recruitment_methods')},"
            f" {person} FROM {Case._meta.db_table} r JOIN {people} p ON p.id = r.person_id"
        ),
        "assistance": (
            f"SELECT r.organisation_id, r.given_on AS day, r.kind, {person}"  # noqa: S608
            f" FROM {Assistance._meta.db_table} r JOIN {people} p ON p.id = r.person_id"
        ),
        "referrals": (
            f"SELECT r.organisation_id, {local('created_at')}, r.status, r.urgent, {person}"  # noqa: S608
            f" FROM {Referral._meta.db_table} r JOIN {people} p ON p.id = r.person_id"
        ),
    }


def export_raw(directory: Path) -> tuple[dict[str, Path], float, float]:
    """COPY each raw table to a CSV file once: (files, seconds, megabytes)."""
    from django.db import connection

    files: dict[str, Path] = {}
    started = time.perf_counter()
    size = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own, in Django's connection (and transaction)
        for name, query in export_sql().items():
            path = directory / f"{name}.csv"
            with path.open("wb") as handle, raw.copy(f"COPY ({query}) TO STDOUT WITH CSV") as copy:
                for chunk in copy:
                    handle.write(chunk)
            size += path.stat().st_size
            files[name] = path
    return files, time.perf_counter() - started, size / 1e6


def _blank(column: str) -> str:
    return f"coalesce({column}, '') = ''"


def load_duckdb(files: dict[str, Path]) -> "duckdb.DuckDBPyConnection":
    """The raw rows in DuckDB tables (in memory), and one view per table naming what each
    record counts under, computed on every query: voivodeship, population, the person's
    sex, age band, disability and nationality as safepath's facts define them."""
    import duckdb

    db = duckdb.connect(":memory:")
    for name, columns in RAW_TABLES.items():
        every = {**columns, **{f"p_{c}": "VARCHAR" for c in PERSON_COLUMNS}}
        types = ", ".join(f"'{column}': '{kind}'" for column, kind in every.items())
        db.execute(
            f"CREATE TABLE raw_{name} AS SELECT * FROM read_csv('{files[name]}', header = false,"  # noqa: S608
            f" columns = {{{types}}}, allow_quoted_nulls = false)"
        )
    anonymous = {"screenings": "anonymous", "cases": "false", "assistance": "false"}
    anonymous["referrals"] = "false"
    severe = " OR ".join(f"p_{c} IN ('a_lot', 'cannot')" for c in WG)
    unanswered = " AND ".join(_blank(f"p_{c}") for c in WG)
    children = ", ".join(f"'{band}'" for band in CHILD_BANDS)
    adults = ", ".join(f"'{band}'" for band in ADULT_BANDS)
    person_population = (
        f"CASE WHEN p_age_band IN ({children}) THEN 'child'"
        f" WHEN p_age_band IN ({adults}) THEN 'adult' ELSE '' END"
    )
    populations = {
        "screenings": "CASE WHEN population IN ('adult', 'child') THEN population ELSE '' END",
        "cases": f"CASE WHEN is_child OR p_age_band IN ({children}) THEN 'child' ELSE 'adult' END",
        "assistance": person_population,
        "referrals": person_population,
    }
    for name in RAW_TABLES:
        anon = anonymous[name]
        where = (
            "coalesce(voivodeship, '')" if name == "screenings" else "coalesce(p_voivodeship, '')"
        )

        def known(column: str, anon: str = anon) -> str:
            return f"CASE WHEN {anon} OR {_blank(column)} THEN 'unknown' ELSE {column} END"

        db.execute(
            f"CREATE VIEW {name} AS SELECT *, {where} AS v_voivodeship,"  # noqa: S608
            f" {populations[name]} AS v_population,"
            f" {known('p_sex')} AS v_sex, {known('p_age_band')} AS v_age_band,"
            f" CASE WHEN {anon} OR ({unanswered}) THEN 'unknown' WHEN {severe} THEN 'yes'"
            f" ELSE 'no' END AS v_disability,"
            f" {known('p_nationality')} AS v_nationality"
            f" FROM raw_{name}"
        )
    return db


def raw_rows(db: "duckdb.DuckDBPyConnection", name: str) -> int:
    row = db.execute(f"SELECT count(*) FROM raw_{name}").fetchone()  # noqa: S608
    return int(row[0]) if row else 0


# (DuckDB view, extra condition) of each measure.
MEASURE_SOURCES = {
    "screenings": ("screenings", ""),
    "possible_victims": ("screenings", "indicated"),
    "cases": ("cases", ""),
    "assistance": ("assistance", ""),
    "referrals": ("referrals", ""),
}
# A single-valued dimension: the expression of its value.
SINGLE = {
    "sex": "v_sex",
    "age_band": "v_age_band",
    "disability": "v_disability",
    "nationality": "v_nationality",
    "site_type": "coalesce(nullif(site_type, ''), 'unknown')",
    "trafficking_status": "coalesce(nullif(trafficking_status, ''), 'unknown')",
    "assistance_kind": "coalesce(nullif(kind, ''), 'unknown')",
    "referral_status": "coalesce(nullif(status, ''), 'unknown')",
    "urgent": "CASE WHEN urgent THEN 'yes' ELSE 'no' END",
    "voivodeship": "v_voivodeship",
    "population": "v_population",
    "all": "'all'",
}
# A many-valued dimension: the column of its codes ("a|b|c").
MANY = {
    "indicator": "indicators",
    "exploitation_type": "exploitation_types",
    "means_of_control": "means_of_control",
    "industry": "forced_labour_industries",
    "recruitment": "recruitment_methods",
}


def duckdb_sql(measure: str, dimension: str, filters: "Filters") -> tuple[str, list[Any]]:
    """The count of `measure` by `dimension` under `filters`, from the raw rows, as
    `queries.breakdown` defines it; (SQL, parameters)."""
    view, extra = MEASURE_SOURCES[measure]
    conditions: list[str] = [extra] if extra else []
    parameters: list[Any] = []
    if dimension == "week":
        # A week counts in the period when its Monday does.
        key = "date_trunc('week', day)"
        conditions.append(f"{key} >= ? AND {key} < ?")
    elif dimension == "month":
        key = "date_trunc('month', day)"
        conditions.append(f"{key} >= ? AND {key} < ?")
    else:
        key = ""
        conditions.append("day >= ? AND day < ?")
    parameters += [filters.start, filters.end]
    for name in ("voivodeship", "population"):
        value = getattr(filters, name)
        if value != "*":
            conditions.append(f"v_{name} = ?")
            parameters.append(value)
    if filters.organisation_ids is not None:
        if not filters.organisation_ids:
            conditions.append("false")
        else:
            marks = ", ".join("?" for _ in filters.organisation_ids)
            conditions.append(f"organisation_id IN ({marks})")
            parameters += list(filters.organisation_ids)
    where = " AND ".join(conditions)
    if dimension in MANY:
        column = MANY[dimension]
        split = f"string_split(coalesce({column}, ''), '|')"
        listed = f"list_distinct(list_filter({split}, lambda x: x <> ''))"
        return (
            "SELECT left(value, 48), count(*) FROM (SELECT unnest(CASE WHEN len(codes) = 0"  # noqa: S608
            " THEN ['unknown'] ELSE codes END) AS value"
            f" FROM (SELECT {listed} AS codes FROM {view} WHERE {where})) GROUP BY 1",
            parameters,
        )
    expression = key or SINGLE[dimension]
    expression = f"CAST({key} AS DATE)" if key else f"left({expression}, 48)"
    statement = f"SELECT {expression}, count(*) FROM {view} WHERE {where} GROUP BY 1"  # noqa: S608
    return statement, parameters


def duckdb_counts(
    db: "duckdb.DuckDBPyConnection", query: Query
) -> tuple[dict[str, int], dict[str, int]]:
    result: list[dict[str, int]] = []
    for filters in (query.filters, query.filters.previous()):
        counts: dict[str, int] = {}
        for measure, dimension in query.measures:
            statement, parameters = duckdb_sql(measure, dimension, filters)
            rows = db.execute(statement, parameters).fetchall()
            if query.panel is None:
                counts[measure] = sum(int(n) for _value, n in rows)
            else:
                for value, n in rows:
                    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
                    counts[text] = int(n)
        result.append({key: n for key, n in counts.items() if n})
    return result[0], result[1]


def time_duckdb(db: "duckdb.DuckDBPyConnection", query: Query, runs: int) -> None:
    query.duckdb_counts = duckdb_counts(db, query)  # also the warm-up
    for _ in range(runs):
        started = time.perf_counter()
        duckdb_counts(db, query)
        query.duckdb_ms.append(1000 * (time.perf_counter() - started))


def query_record(query: Query) -> dict[str, Any]:
    safepath_p95 = percentile(query.safepath_ms, 0.95)
    duckdb_p95 = percentile(query.duckdb_ms, 0.95)
    panel = query.panel
    return {
        "issue": ISSUE,
        "measurement": "dashboard_query",
        "query": query.name,
        "variant": query.variant,
        "measure": panel.measure if panel else "every measure (totals)",
        "dimension": panel.dimension if panel else "all",
        "filters": {
            "start": query.filters.start.isoformat(),
            "end": query.filters.end.isoformat(),
            "voivodeship": query.filters.voivodeship,
            "organisations": "one" if query.filters.organisation_ids else "all",
        },
        "runs": len(query.safepath_ms),
        "safepath_p50_ms": round(percentile(query.safepath_ms, 0.5), 2),
        "safepath_p95_ms": round(safepath_p95, 2),
        "rollups_only_p95_ms": round(percentile(query.rollup_ms, 0.95), 2),
        "duckdb_p50_ms": round(percentile(query.duckdb_ms, 0.5), 2),
        "duckdb_p95_ms": round(duckdb_p95, 2),
        "ratio_p95": round(safepath_p95 / duckdb_p95, 3) if duckdb_p95 else None,
        "values": len(query.counts[0]),
        "records_counted": sum(query.counts[0].values()),
        "equal": query.counts == query.duckdb_counts,
    }


def compare(
    queries_: list[Query], db: "duckdb.DuckDBPyConnection", *, runs: int
) -> list[dict[str, Any]]:
    """Each query timed in safepath then in DuckDB, back to back (the machine's load
    changes less between the two); one JSON line each."""
    records = []
    for query in queries_:
        time_safepath(query, runs)
        time_duckdb(db, query, runs)
        record = query_record(query)
        if not record["equal"]:
            record["difference"] = difference(query)
        emit(record)
        records.append(record)
    return records


def difference(query: Query) -> dict[str, Any]:
    """Where safepath's and DuckDB's counts differ (values are codes, never personal)."""
    found: dict[str, Any] = {}
    for label, ours, theirs in zip(
        ("current", "previous"), query.counts, query.duckdb_counts, strict=True
    ):
        keys = sorted(set(ours) | set(theirs))
        found[label] = {
            k: [ours.get(k), theirs.get(k)] for k in keys if ours.get(k) != theirs.get(k)
        }
    return found


# --- the CTDC export ------------------------------------------------------------------------


def ctdc_export(*, bench_url: str | None, expected: int, scratch: Path) -> dict[str, Any]:
    """`safepath insights export-ctdc` of every case, in a subprocess: wall time, its own
    peak RSS (wait4), the rows it wrote and its report."""
    output = scratch / "ctdc.csv"
    command = [*SAFEPATH, "insights", "export-ctdc", "--output", str(output), "--k", str(CTDC_K)]
    env = subprocess_env(bench_url)
    del env["DJANGO_SETTINGS_MODULE"]  # the command's own default
    returncode, out, err, seconds, usage = run_measured(command, env)
    rows = 0
    if output.exists():
        with output.open(newline="", encoding="utf-8") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1  # without the header
    report: dict[str, Any] = {}
    if returncode == 0 and out.strip():
        report = json.loads(out.strip().splitlines()[-1])
        report.pop("output", None)
    correct = (
        returncode == 0
        and report.get("records") == expected
        and report.get("written") == rows
        and rows + int(report.get("suppressed", 0)) == expected
    )
    record: dict[str, Any] = {
        "issue": ISSUE,
        "measurement": "ctdc_export",
        "command": f"safepath insights export-ctdc --output FILE --k {CTDC_K}",
        "records": expected,
        "rows": rows,
        "returncode": returncode,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds, 1) if seconds else None,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "file_mb": round(output.stat().st_size / 1e6, 1) if output.exists() else 0.0,
        "report": report,
        "correct": correct,
    }
    if returncode != 0:
        record["stderr"] = err[-2000:]
    return record


# --- the run --------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--screenings", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=250_000, help="people, one case each")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs of each query")
    parser.add_argument("--db-name", default=DB_NAME)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--reuse-db", action="store_true", help="start from a kept database holding the data"
    )
    args = parser.parse_args(argv)
    if args.screenings < 1 or args.cases < 1 or args.runs < 1:
        parser.error("--screenings, --cases and --runs must be at least 1")
    return args


def summary(
    query_records: list[dict[str, Any]], export_record: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    worst_p95 = max(r["safepath_p95_ms"] for r in query_records)
    ratios = [r["ratio_p95"] for r in query_records if r["ratio_p95"]]
    worst_ratio = max(ratios) if ratios else None
    return {
        "dashboard_p95_ms_le_200": {
            "value": worst_p95,
            "limit": P95_LIMIT_MS,
            "pass": at_most(worst_p95, P95_LIMIT_MS),
            "over_limit": sum(
                not at_most(r["safepath_p95_ms"], P95_LIMIT_MS) for r in query_records
            ),
        },
        "ratio_safepath_to_duckdb_p95_le_2": {
            "value": worst_ratio,
            "geometric_mean": round(math.exp(statistics.fmean(math.log(r) for r in ratios)), 3)
            if ratios
            else None,
            "limit": RATIO_LIMIT,
            "pass": at_most(worst_ratio, RATIO_LIMIT),
            "over_limit": sum(not at_most(r, RATIO_LIMIT) for r in ratios),
        },
        "ctdc_export_seconds_le_60": {
            "value": export_record.get("seconds"),
            "limit": CTDC_SECONDS_LIMIT,
            "pass": at_most(export_record.get("seconds"), CTDC_SECONDS_LIMIT),
        },
    }


def main() -> int:
    args = parse_args()
    run_started = time.perf_counter()
    bench_url, admin_url = database_urls(args.db_name)
    os.environ["DATABASE_URL"] = bench_url
    os.environ["SAFEPATH_ENV"] = "development"
    os.environ.setdefault("SAFEPATH_DEBUG", "false")
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS

    import django
    import duckdb

    pg_version, reused = prepare_database(admin_url, args.db_name, reuse=args.reuse_db)
    log(f"{'reusing' if reused else 'created'} database {args.db_name}")
    load_before = os.getloadavg()[0]
    ok = True
    query_records: list[dict[str, Any]] = []
    export_record: dict[str, Any] = {}
    try:
        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections
        from django.utils import timezone

        from safepath.accounts.models import Organisation

        call_command("migrate", interactive=False, verbosity=0)
        call_command("demo", people=0, stdout=io.StringIO())
        log("migrated, demo organisations and users loaded")
        counts = stored_counts()
        if reused and counts["screenings"] == args.screenings and counts["cases"] == args.cases:
            log(f"reusing the data already there: {counts}")
            seeded = None
        else:
            if counts["screenings"] or counts["cases"]:
                raise RuntimeError(f"the database holds other data ({counts}): drop it")
            log(f"creating {args.cases:,} people and cases, then {args.screenings:,} screenings")
            seeded = seed_records(screenings=args.screenings, cases=args.cases)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            counts = stored_counts()
        record: dict[str, Any] = {"issue": ISSUE, "measurement": "seed", "reused": seeded is None}
        record["stored"] = counts
        if seeded is not None:
            seconds = seeded.people_seconds + seeded.screenings_seconds
            rows = sum(counts[k] for k in counts if k != "possible_victims")
            record.update(
                seconds=round(seconds, 1),
                rows=rows,
                rows_per_second=round(rows / seconds, 1),
                people_and_cases_seconds=round(seeded.people_seconds, 1),
                screenings_seconds=round(seeded.screenings_seconds, 1),
                screenings_per_second=round(seeded.screenings / seeded.screenings_seconds, 1),
            )
        emit(record)
        connections.close_all()

        log("rebuilding the rollups (subprocess)")
        rebuild = build_step("rebuild", bench_url=bench_url)
        emit(rebuild)
        ok &= rebuild["returncode"] == 0
        changed = change_screenings(CHANGED_SCREENINGS)
        log(f"{len(changed)} screenings changed; refreshing the rollups (subprocess)")
        refresh = build_step("refresh", bench_url=bench_url)
        refresh["changed_screenings"] = len(changed)
        refresh["analyse_seconds"] = round(analyse_rollups(), 2)
        emit(refresh)
        ok &= refresh["returncode"] == 0

        with tempfile.TemporaryDirectory(prefix="safepath-bench-insights-") as directory:
            scratch = Path(directory)
            log("exporting the raw rows for DuckDB")
            files, export_seconds, megabytes = export_raw(scratch)
            started = time.perf_counter()
            db = load_duckdb(files)
            load_seconds = time.perf_counter() - started
            emit(
                {
                    "issue": ISSUE,
                    "measurement": "duckdb_load",
                    "export_seconds": round(export_seconds, 2),
                    "csv_mb": round(megabytes, 1),
                    "load_seconds": round(load_seconds, 2),
                    "duckdb": duckdb.__version__,
                    "rows": {name: raw_rows(db, name) for name in RAW_TABLES},
                }
            )
            iom = Organisation.objects.get(code="IOM")
            todo = dashboard_queries(timezone.localdate(), iom.pk)
            log(f"{len(todo)} dashboard queries, {args.runs} runs each in safepath and DuckDB")
            query_records = compare(todo, db, runs=args.runs)
            db.close()
            ok &= all(r["equal"] for r in query_records)
            connections.close_all()

            expected = ctdc_records()
            log(f"CTDC export of {counts['cases']:,} cases ({expected:,} records, subprocess)")
            export_record = ctdc_export(bench_url=bench_url, expected=expected, scratch=scratch)
            export_record["cases"] = counts["cases"]
            emit(export_record)
            ok &= export_record["correct"]
    except Exception as exc:
        log(f"failed: {exc!r}")
        raise
    finally:
        from django.apps import apps

        if apps.ready:
            from django.db import connections as all_connections

            all_connections.close_all()
        if args.keep_db:
            log(f"database {args.db_name} kept")
        else:
            drop_database(admin_url, args.db_name)
            log(f"database {args.db_name} dropped")

    targets = summary(query_records, export_record)
    emit(
        {
            "issue": ISSUE,
            "summary": True,
            "targets": targets,
            "all_targets_pass": all(t["pass"] for t in targets.values()),
            "all_equal": all(r["equal"] for r in query_records),
            "queries": len(query_records),
            "runs_per_query": args.runs,
            "rollups_rebuild_seconds": rebuild.get("seconds"),
            "rollups_rebuild_peak_rss_mb": rebuild.get("peak_rss_mb"),
            "rollups_refresh_seconds": refresh.get("seconds"),
            "ctdc_export_peak_rss_mb": export_record.get("peak_rss_mb"),
            "stored": counts,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "postgresql": pg_version,
            "duckdb": duckdb.__version__,
            "loadavg_before": round(load_before, 2),
            "loadavg_after": round(os.getloadavg()[0], 2),
            "total_seconds": round(time.perf_counter() - run_started, 1),
        }
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
