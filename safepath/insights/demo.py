"""A year of history for the demo's dashboards and alerts (`safepath demo`).

The demo registers its people, screenings, cases, assistance and referrals today, so
every chart would show one spike. `add_history` then, deterministically (seeded):

- moves each demo person's records back by one number of days (their registration,
  screenings, cases and referrals, and the day their assistance was given), so a
  person's story keeps its order; more people in recent months than a year ago;
- adds ten anonymous screenings per demo person (3,000 for the default 300) over the
  past 12 months, made by the demo teams in their voivodeships, built exactly as a
  screening is stored (`screening.services.new_screening`, the demo's own indicator
  mix) and inserted in bulk, with a rising trend;
- adds, in the last three complete weeks, a growing number of screenings with one
  indicator (`RISE_INDICATOR`, pay manipulated) in Podkarpackie (`RISE_VOIVODESHIP`):
  the kind of rise the weekly alerts are there to find;

and rebuilds the rollups, then runs the weekly alerts for the last complete week (the
rise is found, and the demo analysts are notified). Everything is synthetic; nothing
here runs in production (the demo command refuses to).
"""

import datetime
import math
import random
from collections.abc import Sequence
from typing import Final
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Model
from django.utils import timezone

from safepath.accounts.models import Team, User
from safepath.cases.models import Assistance, Case
from safepath.core.bulk import insert_many
from safepath.insights import alerts
from safepath.insights.alerts import last_complete_week
from safepath.insights.rollups.build import BuildReport, rebuild, week_start
from safepath.people.models import Person
from safepath.referrals.models import Referral
from safepath.screening import events, vulnerability
from safepath.screening.catalogues import registry
from safepath.screening.demo import LANGUAGES, SITES, _indicators
from safepath.screening.indicators.rules import assess
from safepath.screening.models import Screening
from safepath.screening.services import Location, new_screening

HISTORY_DAYS: Final = 365
ANONYMOUS_PER_PERSON: Final = 10
RISE_INDICATOR: Final = "AL-EX-03"
RISE_VOIVODESHIP: Final = "18"
RISE: Final = (5, 8, 13)
"""Screenings with the rising indicator in each of the last three complete weeks."""
BATCH: Final = 500

type Place = tuple[User, Team]


def _days_ago(rng: random.Random, *, earliest: int = 0) -> int:
    """Days before today, from `earliest` to a year, three times as likely a day ago
    as a year ago (density 1 + 2x over the year, x = 1 today)."""
    x = (math.sqrt(1 + 8 * rng.random()) - 1) / 2
    return earliest + int((1 - x) * (HISTORY_DAYS - earliest))


def _moment(rng: random.Random, day: datetime.date) -> datetime.datetime:
    """A time of `day` in working hours, Warsaw time."""
    minutes = rng.randrange(7 * 60, 21 * 60)
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return start + datetime.timedelta(minutes=minutes)


def _update[M: Model](model: type[M], objects: Sequence[M], field: str) -> None:
    model._default_manager.bulk_update(objects, [field], batch_size=BATCH)


def _earlier(moment: datetime.datetime, delta: datetime.timedelta) -> datetime.datetime:
    """`moment` moved back by whole days on Warsaw's clock: the same time of day, so
    a record made late in the evening in winter does not land on the next day when
    moved into summer time (aware arithmetic in one zone keeps the wall clock)."""
    return timezone.localtime(moment) - delta


def spread_demo_records(rng: random.Random) -> int:
    """Move each demo person's records back by the same number of days; an anonymous
    screening by its own. Answers how many records moved."""
    people = {person.pk: person for person in Person.objects.order_by("pk")}
    shift = {pk: datetime.timedelta(days=_days_ago(rng)) for pk in people}
    for pk, person in people.items():
        person.created_at = _earlier(person.created_at, shift[pk])
    _update(Person, list(people.values()), "created_at")
    screenings = list(Screening.objects.order_by("pk"))
    for screening in screenings:
        if screening.person_id is None:
            screening.created_at = _earlier(
                screening.created_at, datetime.timedelta(days=_days_ago(rng, earliest=1))
            )
        else:
            screening.created_at = _earlier(screening.created_at, shift[screening.person_id])
    _update(Screening, screenings, "created_at")
    cases = list(Case.objects.order_by("pk"))
    for case in cases:
        case.created_at = _earlier(case.created_at, shift[case.person_id])
    _update(Case, cases, "created_at")
    referrals = list(Referral.objects.order_by("pk"))
    for referral in referrals:
        referral.created_at = _earlier(referral.created_at, shift[referral.person_id])
    _update(Referral, referrals, "created_at")
    moved = len(screenings) + len(cases) + len(referrals)
    given = list(Assistance.objects.order_by("pk"))
    for assistance in given:
        assistance.given_on -= shift[assistance.person_id]
    _update(Assistance, given, "given_on")
    return moved + len(given)


def _places(actors: Sequence[tuple[User, Team | None]]) -> list[Place]:
    """Who screens where: each demo actor in their team (a team listed twice is
    twice as busy), teams with a voivodeship only."""
    places: list[Place] = []
    for user, team in actors:
        where = team if team is not None else user.team
        if where is not None and where.voivodeship:
            places.append((user, where))
    return places


def _anonymous(
    rng: random.Random, place: Place, at: datetime.datetime, indicators: list[str] | None = None
) -> Screening:
    """An anonymous screening by the demo's mix (as `safepath.screening.demo`), or with
    the `indicators` given (an adult's)."""
    user, team = place
    child = indicators is None and rng.random() < 0.2
    catalogue = registry().get("CL" if child else "AL")
    factors = rng.sample([f.code for f in vulnerability.FACTORS], rng.randint(0, 4))
    if child:
        factors.append("child")
    screening = new_screening(
        actor=user,
        person=None,
        consent=None,
        assessment=assess(
            catalogue,
            _indicators(rng, catalogue) if indicators is None else indicators,
            act=child and rng.random() < 0.5,
        ),
        factors=factors,
        needs=rng.sample(list(vulnerability.NEED_CODES), rng.randint(0, 2)),
        location=Location(site_type=rng.choice(SITES), voivodeship=team.voivodeship),
        interview_language=rng.choice(LANGUAGES),
    )
    screening.team_id = team.pk
    screening.created_at = at
    return screening


def _rise(rng: random.Random, places: Sequence[Place], today: datetime.date) -> list[Screening]:
    """The screenings of the rise: `RISE` of them in the last three complete weeks,
    by the team in `RISE_VOIVODESHIP` (none when the demo has no team there)."""
    there = [place for place in places if place[1].voivodeship == RISE_VOIVODESHIP]
    if not there:
        return []
    others = [code for code in registry().get("AL").indicators if code != RISE_INDICATOR]
    this_week = week_start(today)
    made: list[Screening] = []
    for weeks_back, count in zip((3, 2, 1), RISE, strict=True):
        monday = this_week - datetime.timedelta(weeks=weeks_back)
        for _ in range(count):
            day = monday + datetime.timedelta(days=rng.randrange(7))
            indicators = [RISE_INDICATOR, *rng.sample(others, rng.randint(0, 2))]
            made.append(_anonymous(rng, there[0], _moment(rng, day), indicators))
    return made


def add_screenings(
    rng: random.Random,
    actors: Sequence[tuple[User, Team | None]],
    today: datetime.date,
    count: int,
) -> int:
    """Store `count` anonymous screenings over the past year and the rise; answers
    how many were stored. Audited as the demo's other screenings (`via` "demo")."""
    places = _places(actors)
    if not places:
        return 0
    made = [
        _anonymous(
            rng,
            rng.choice(places),
            _moment(rng, today - datetime.timedelta(days=_days_ago(rng, earliest=1))),
        )
        for _ in range(count)
    ]
    made += _rise(rng, places, today)
    made.sort(key=lambda screening: screening.created_at)
    stored = 0
    for start in range(0, len(made), BATCH):
        batch = made[start : start + BATCH]
        wanted = [screening.created_at for screening in batch]
        insert_many(Screening, batch)  # stamps created_at now, as any insert does
        for screening, at in zip(batch, wanted, strict=True):
            screening.created_at = at
        Screening.objects.bulk_update(batch, ["created_at"], batch_size=BATCH)
        for user in {screening.created_by for screening in batch}:
            events.screenings_created(
                actor=user, screenings=[s for s in batch if s.created_by == user], via="demo"
            )
        stored += len(batch)
    return stored


def add_history(
    *,
    actors: Sequence[tuple[User, Team | None]],
    seed: int = 2026,
    today: datetime.date | None = None,
) -> BuildReport:
    """Spread the demo's records over the past year, add `ANONYMOUS_PER_PERSON`
    anonymous screenings per demo person and the rise, then rebuild the rollups and
    detect the last complete week's alerts (see the module's docstring). Without demo
    people it adds nothing."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    people = Person.objects.count()
    if people:
        spread_demo_records(rng)
        add_screenings(rng, actors, today, ANONYMOUS_PER_PERSON * people)
    report = rebuild()
    if people:
        alerts.detect(last_complete_week(today))
    return report
