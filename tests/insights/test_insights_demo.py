"""`safepath demo` gives the dashboards a year of history (`safepath.insights.demo`):
the demo's records spread over the past 12 months, anonymous screenings added, a rise
for the alerts to find, and the rollups built."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from safepath.accounts.models import Organisation
from safepath.cases.models import Assistance, Case
from safepath.insights import alerts
from safepath.insights import demo as history
from safepath.insights.models import Rollup, RollupState
from safepath.insights.rollups import build, queries
from safepath.insights.rollups.queries import Filters
from safepath.people.models import Person
from safepath.referrals.models import Referral
from safepath.screening.models import Screening

PEOPLE = 30


@pytest.fixture
def demo(db: None) -> None:
    call_command("demo", "--people", str(PEOPLE), stdout=StringIO())


def _year() -> Filters:
    start, end = queries.last_months(timezone.localdate(), 13)
    return Filters(start=start, end=end)


def test_the_demo_builds_rollups_with_a_year_of_figures(demo: None) -> None:
    assert RollupState.objects.get().rebuilt_at is not None
    assert Rollup.objects.exists()
    year = _year()
    # Every record is counted, by the rollups alone.
    assert queries.total("screenings", year) == Screening.objects.count()
    assert queries.total("cases", year) == Case.objects.count()
    assert queries.total("assistance", year) == Assistance.objects.count()
    assert queries.total("referrals", year) == Referral.objects.count()
    anonymous = Screening.objects.filter(person__isnull=True).count()
    assert anonymous == PEOPLE // 5 + history.ANONYMOUS_PER_PERSON * PEOPLE + sum(history.RISE)

    # Each of the 11 complete months before this one has screenings, and so has this
    # one unless it began today (the history ends yesterday: a moment later today
    # could be in the future); more recent months have more.
    months = queries.breakdown("screenings", "month", year)
    today = timezone.localdate()
    this_month = build.month_start(today)
    last_eleven = [
        key
        for key in sorted(months)
        if this_month.replace(year=this_month.year - 1)
        < datetime.date.fromisoformat(key)
        < this_month
    ]
    assert len(last_eleven) == 11
    assert all(months[key] > 0 for key in last_eleven)
    if today.day > 1:
        assert months.get(this_month.isoformat(), 0) > 0
    recent = sum(months[key] for key in last_eleven[-3:])
    early = sum(months[key] for key in last_eleven[:3])
    assert recent > early


def test_a_persons_records_keep_their_order(demo: None) -> None:
    today = timezone.localdate()
    screened = Screening.objects.filter(person__isnull=False)
    days = {s.created_at.date() for s in screened}
    assert len(days) > 5  # spread, not all today
    assert min(days) >= today - datetime.timedelta(days=history.HISTORY_DAYS + 1)
    for case in Case.objects.select_related("screening", "person"):
        assert case.person.created_at <= case.created_at
        if case.screening is not None:
            assert case.screening.created_at <= case.created_at
    for assistance in Assistance.objects.select_related("case"):
        if assistance.case is not None:
            opened = timezone.localtime(assistance.case.created_at).date()
            assert assistance.given_on >= opened - datetime.timedelta(days=1)
    assert Person.objects.filter(created_at__date__lt=today).exists()


def test_the_rise_is_there_for_the_alerts_to_find(demo: None) -> None:
    week = alerts.last_complete_week(timezone.localdate())
    iom = Organisation.objects.get(code="IOM")
    counts = queries.weekly_by_voivodeship(
        "screenings",
        "indicator",
        Filters(start=week, end=week + datetime.timedelta(days=7), organisation_ids=(iom.pk,)),
        values=[history.RISE_INDICATOR],
    )
    assert counts[(week, history.RISE_VOIVODESHIP, history.RISE_INDICATOR)] >= history.RISE[-1]

    found = alerts.find_rises(week, iom.pk, min_count=5)
    assert (
        "screenings",
        "indicator",
        history.RISE_INDICATOR,
        history.RISE_VOIVODESHIP,
    ) in {(f.measure, f.dimension, f.value, f.voivodeship) for f in found}


def test_a_demo_without_people_adds_no_screening_and_no_rollup(db: None) -> None:
    call_command("demo", "--people", "0", stdout=StringIO())

    assert not Screening.objects.exists()
    assert not Rollup.objects.exists()
    assert not RollupState.objects.exists()


def test_records_moved_into_summer_time_keep_their_day() -> None:
    # A record made at 23:30 in Warsaw in winter (22:30 UTC) and moved back 60 days
    # into summer time stays at 23:30 on the 60th day before, not 00:30 the day after
    # (the demo run late one evening once put assistance two days before its case).
    warsaw = ZoneInfo("Europe/Warsaw")
    late = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=warsaw)
    moved = history._earlier(late.astimezone(datetime.UTC), datetime.timedelta(days=60))
    assert timezone.localtime(moved).date() == datetime.date(2026, 10, 1)
    assert timezone.localtime(moved).time() == datetime.time(23, 30)
