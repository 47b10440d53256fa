"""Weekly alerts of unusual rises (issue 6, §2): the method, detection and the reason.

## The method

Once a week (the task `detect_alerts`, or `safepath insights alerts [--week MONDAY]`),
for the last complete week (Monday to Sunday, Europe/Warsaw) and for **each
organisation separately** (an organisation's analysts see their own organisation's
alerts; administrators see all), every series below is tested in **each voivodeship**
(records without a voivodeship are not tested: a rise "somewhere" says nowhere to go):

| series | measure | dimension |
|---|---|---|
| all screenings | `screenings` | total |
| possible victims (screenings that indicate trafficking) | `possible_victims` | total |
| screenings with one trafficking indicator, each indicator | `screenings` | `indicator` |
| new cases of one type of exploitation, each type | `cases` | `exploitation_type` |
| new cases of forced labour in one industry (ISIC section), each | `cases` | `industry` |

The value "unknown" (no indicator, type or industry recorded) is not a series. Counts
are read from the weekly rollups only (`queries.weekly_by_voivodeship`), never from the
raw records; a week without a rollup row counts 0.

For a series with count `n` in the week and counts `b1 … b8` in the **8 weeks before**
(the baseline):

1. λ = the mean of `b1 … b8`, **floored at 0.5**, so that a series that was 0 for
   eight weeks still needs a real count to alert (with λ = 0 any single record would be
   "impossible");
2. p = P(X ≥ n) for X ~ Poisson(λ), the one-sided probability of a count at least as
   high if nothing changed, computed exactly in pure Python (`poisson_tail`: the sum of
   the upper terms e^-λ λ^i / i!, in logarithms, for n above λ; 1 minus the lower terms
   otherwise);
3. an alert is raised when **n ≥ the minimum count** (`SAFEPATH_ALERT_MIN_COUNT`,
   default 5) **and p < 0.01**.

So with the default minimum, a series that was 0 alerts at 5 (p = 0.00017), a series
that averaged 3 alerts at 9 (p = 0.0038) but not at 8 (p = 0.012).

The reason shown with an alert is built from stored numbers only: the week's count,
the baseline mean and its standard deviation (sample standard deviation of the 8
baseline weeks, n - 1), both rounded to whole numbers, e.g. "12 screenings with the
indicator “Identity or travel papers held by others at destination” in Lubelskie in
the week of 2 March 2026, against a usual 3 ± 2". It is rendered in the reader's
language from codes (indicator labels from the screening catalogue, voivodeship names
from ISO 3166-2).

Running detection again for the same week creates no second alert for a series (one
alert per organisation, week, series and voivodeship, a database constraint); an alert
already there keeps the numbers it was raised with. Each run that creates alerts for an
organisation notifies its analysts in the app (one notification, kind
`insights.alert`, linking to the alerts page; no figures in it).

Why this method: it is simple enough to explain in one sentence to a working group
("far more than usual, and at least five"), needs no model fitting, and the minimum
count keeps single records from raising alerts in quiet voivodeships. It does not
model seasonality or trends longer than 8 weeks, and tests many series at once, so
some alerts are chance (about 1 in 100 quiet series a week, fewer with the minimum).
"""

import datetime
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext

from safepath.cases.vocabularies import ExploitationType, ForcedLabourIndustry
from safepath.core.geography import VOIVODESHIP_CODES, voivodeship_name
from safepath.insights.models import Alert, Rollup
from safepath.insights.models.rollups import TOTAL_DIMENSION, Grain
from safepath.insights.rollups.build import week_start
from safepath.insights.rollups.facts import UNKNOWN
from safepath.insights.rollups.queries import Filters, weekly_by_voivodeship

BASELINE_WEEKS: Final = 8
P_THRESHOLD: Final = 0.01
LAMBDA_FLOOR: Final = 0.5
WEEK: Final = datetime.timedelta(days=7)

SERIES: Final[tuple[tuple[str, str], ...]] = (
    ("screenings", TOTAL_DIMENSION),
    ("possible_victims", TOTAL_DIMENSION),
    ("screenings", "indicator"),
    ("cases", "exploitation_type"),
    ("cases", "industry"),
)
"""(measure, dimension) of every series tested; "all" is the measure's total."""


# --- the method ----------------------------------------------------------------------


def poisson_tail(count: int, mean: float) -> float:
    """P(X ≥ count) for X ~ Poisson(mean), exactly (to floating point)."""
    if count <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    log_mean = math.log(mean)

    def term(i: int) -> float:
        return math.exp(-mean + i * log_mean - math.lgamma(i + 1))

    if count > mean:
        # The upper terms shrink from `count` on (each is the last times mean/(i+1) < 1):
        # sum them until one no longer changes the total. No cancellation, so a tiny
        # probability keeps its precision.
        total = 0.0
        i = count
        while True:
            value = term(i)
            total += value
            if value <= total * 1e-17:
                break
            i += 1
        return min(total, 1.0)
    return max(0.0, 1.0 - math.fsum(term(i) for i in range(count)))


@dataclass(frozen=True, slots=True)
class Verdict:
    """The test of one series in one week."""

    count: int
    mean: float
    sd: float
    p_value: float
    alert: bool


def judge_week(count: int, baseline: Sequence[int], min_count: int) -> Verdict:
    """Test a week's `count` against its `baseline` (the 8 weeks before)."""
    mean = statistics.fmean(baseline) if baseline else 0.0
    sd = statistics.stdev(baseline) if len(baseline) > 1 else 0.0
    p_value = poisson_tail(count, max(mean, LAMBDA_FLOOR))
    return Verdict(count, mean, sd, p_value, count >= min_count and p_value < P_THRESHOLD)


def last_complete_week(today: datetime.date) -> datetime.date:
    """The Monday of the last week that has ended by `today`."""
    return week_start(today) - WEEK


# --- detection -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    organisation_id: int
    week: datetime.date
    measure: str
    dimension: str
    value: str
    voivodeship: str
    verdict: Verdict


def find_rises(week: datetime.date, organisation_id: int, min_count: int) -> list[Finding]:
    """The series of one organisation that rose unusually in `week` (a Monday)."""
    start = week - BASELINE_WEEKS * WEEK
    filters = Filters(start=start, end=week + WEEK, organisation_ids=(organisation_id,))
    baseline_weeks = [start + i * WEEK for i in range(BASELINE_WEEKS)]
    known = set(VOIVODESHIP_CODES)
    found: list[Finding] = []
    for measure, dimension in SERIES:
        counts = weekly_by_voivodeship(measure, dimension, filters)
        for period, voivodeship, value in sorted(counts):
            if period != week or voivodeship not in known or value == UNKNOWN:
                continue
            count = counts[(period, voivodeship, value)]
            if count < min_count:
                continue
            baseline = [counts.get((w, voivodeship, value), 0) for w in baseline_weeks]
            result = judge_week(count, baseline, min_count)
            if result.alert:
                found.append(
                    Finding(organisation_id, week, measure, dimension, value, voivodeship, result)
                )
    return found


@dataclass(frozen=True, slots=True)
class DetectionReport:
    week: datetime.date
    alerts: int
    """The alerts of the week (new or already there)."""
    new: int

    def as_dict(self) -> dict[str, object]:
        return {"week": self.week.isoformat(), "alerts": self.alerts, "new": self.new}


def _organisations_with_records(week: datetime.date) -> list[int]:
    rows = Rollup.objects.filter(grain=Grain.WEEK, period=week).values_list(
        "organisation_id", flat=True
    )
    return sorted(set(rows.order_by()))


def detect(week: datetime.date | None = None) -> DetectionReport:
    """Test every series of every organisation for `week` (any day of it; default the
    last complete week), store the new alerts and notify each organisation's analysts.
    Each organisation is its own transaction."""
    from safepath.insights import alert_services

    week = week_start(week) if week is not None else last_complete_week(timezone.localdate())
    min_count: int = settings.SAFEPATH_ALERT_MIN_COUNT
    total = new = 0
    for organisation_id in _organisations_with_records(week):
        findings = find_rises(week, organisation_id, min_count)
        with transaction.atomic():
            created = [alert for alert in map(_store, findings) if alert is not None]
            if created:
                alert_services.notify_new_alerts(organisation_id=organisation_id, alerts=created)
        total += len(findings)
        new += len(created)
    return DetectionReport(week=week, alerts=total, new=new)


def _store(finding: Finding) -> Alert | None:
    """The new alert of a finding, or None when the series already has its alert."""
    test = finding.verdict
    alert, created = Alert.objects.get_or_create(
        organisation_id=finding.organisation_id,
        week=finding.week,
        measure=finding.measure,
        dimension=finding.dimension,
        value=finding.value,
        voivodeship=finding.voivodeship,
        defaults={
            "count": test.count,
            "baseline_mean": test.mean,
            "baseline_sd": test.sd,
            "p_value": test.p_value,
        },
    )
    return alert if created else None


# --- the reason ----------------------------------------------------------------------


def rounded(value: float) -> int:
    """Half up, as people round (Python's round() goes to the even neighbour)."""
    return math.floor(value + 0.5)


def value_label(measure: str, dimension: str, value: str) -> str:
    """The series' value in the active language: an indicator's catalogue label, a type
    of exploitation or an industry; the code itself when unknown."""
    if dimension == "indicator":
        return indicator_label(value)
    if dimension == "exploitation_type":
        return str(dict(ExploitationType.choices).get(value, value))
    if dimension == "industry":
        return str(dict(ForcedLabourIndustry.choices).get(value, value))
    return value


def indicator_label(code: str) -> str:
    from safepath.screening.catalogues import registry
    from safepath.screening.indicators.catalogue import UnknownCatalogue

    language = (get_language() or "en").split("-")[0]
    catalogues = registry()
    for catalogue_code in catalogues.catalogues_with(code):
        try:
            indicators = catalogues.get(catalogue_code).indicators
        except UnknownCatalogue:
            continue
        if code in indicators:
            return indicators[code].label(language)
    return code


def reason(alert: Alert) -> str:
    """Why the alert was raised, in the active language."""
    numbers = {
        "count": alert.count,
        "label": value_label(alert.measure, alert.dimension, alert.value),
        "place": voivodeship_name(alert.voivodeship),
        "week": formats.date_format(alert.week, "DATE_FORMAT"),
        "mean": rounded(alert.baseline_mean),
        "sd": rounded(alert.baseline_sd),
    }
    series = (alert.measure, alert.dimension)
    if series == ("screenings", TOTAL_DIMENSION):
        text = ngettext(
            "%(count)s screening in %(place)s in the week of %(week)s, against a usual "
            "%(mean)s ± %(sd)s",
            "%(count)s screenings in %(place)s in the week of %(week)s, against a usual "
            "%(mean)s ± %(sd)s",
            alert.count,
        )
    elif series == ("possible_victims", TOTAL_DIMENSION):
        text = ngettext(
            "%(count)s possible victim of trafficking screened in %(place)s in the week "
            "of %(week)s, against a usual %(mean)s ± %(sd)s",
            "%(count)s possible victims of trafficking screened in %(place)s in the week "
            "of %(week)s, against a usual %(mean)s ± %(sd)s",
            alert.count,
        )
    elif series == ("screenings", "indicator"):
        text = ngettext(
            "%(count)s screening with the indicator “%(label)s” in %(place)s in the week "
            "of %(week)s, against a usual %(mean)s ± %(sd)s",
            "%(count)s screenings with the indicator “%(label)s” in %(place)s in the week "
            "of %(week)s, against a usual %(mean)s ± %(sd)s",
            alert.count,
        )
    elif series == ("cases", "exploitation_type"):
        text = ngettext(
            "%(count)s new case of “%(label)s” in %(place)s in the week of %(week)s, "
            "against a usual %(mean)s ± %(sd)s",
            "%(count)s new cases of “%(label)s” in %(place)s in the week of %(week)s, "
            "against a usual %(mean)s ± %(sd)s",
            alert.count,
        )
    elif series == ("cases", "industry"):
        text = ngettext(
            "%(count)s new case of forced labour in “%(label)s” in %(place)s in the week "
            "of %(week)s, against a usual %(mean)s ± %(sd)s",
            "%(count)s new cases of forced labour in “%(label)s” in %(place)s in the week "
            "of %(week)s, against a usual %(mean)s ± %(sd)s",
            alert.count,
        )
    else:
        text = ngettext(
            "%(count)s record in %(place)s in the week of %(week)s, against a usual "
            "%(mean)s ± %(sd)s",
            "%(count)s records in %(place)s in the week of %(week)s, against a usual "
            "%(mean)s ± %(sd)s",
            alert.count,
        )
    return text % numbers
