"""Reads of alerts: the alerts within the actor's reach, one alert, the weekly figures
of its series. `insights.view` reaches the alerts of the actor's organisation
(administrators: every organisation's); an alert out of reach is a 404 like a missing
one. The weekly figures are screen-only: they go through `safe_stats.protect` with the
internal thresholds (no strata, not logged), so a week under the minimum reads
"fewer than N"."""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.insights import releases, safe_stats
from safepath.insights.alerts import BASELINE_WEEKS, WEEK
from safepath.insights.models import Alert, AlertComment
from safepath.insights.models.alerts import AlertStatus
from safepath.insights.rollups.queries import Filters, weekly_by_voivodeship

PANEL_SIZE = 5


def sees_every_organisation(actor: User) -> bool:
    return policies.scope_for(actor, "insights.view") is policies.ALL


def visible_alerts(actor: User) -> QuerySet[Alert]:
    return policies.scoped(actor, "insights.view", Alert.objects.all())


def alert_list(actor: User, status: str = "") -> QuerySet[Alert]:
    """The alerts in reach, open first, then the newest week, then the largest count."""
    alerts = visible_alerts(actor).select_related("organisation")
    if status:
        alerts = alerts.filter(status=status)
    open_first = Case(
        When(status=AlertStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return alerts.order_by(open_first, "-week", "-count", "id")


def open_alerts(actor: User, limit: int = PANEL_SIZE) -> list[Alert]:
    """The newest open alerts in reach, for the dashboard's panel."""
    return list(alert_list(actor, AlertStatus.OPEN)[:limit])


def access_alert(*, actor: User, alert_id: uuid.UUID | str) -> Alert:
    try:
        key = uuid.UUID(str(alert_id))
    except ValueError as exc:
        raise Http404 from exc
    alert = (
        visible_alerts(actor)
        .select_related("organisation", "acknowledged_by")
        .filter(public_id=key)
        .first()
    )
    if alert is None:
        raise Http404
    return alert


def comments_of(alert: Alert) -> QuerySet[AlertComment]:
    return alert.comments.select_related("author").order_by("created_at", "id")


@dataclass(frozen=True, slots=True)
class WeekFigure:
    week: datetime.date
    figure: int | None
    """The count, or None when under the internal minimum."""
    is_alert_week: bool


def weekly_figures(alert: Alert) -> tuple[list[WeekFigure], int]:
    """The alert's series in its voivodeship over the baseline weeks and the alert's
    week (read from the rollups now, so a record added late shows), and the minimum
    under which a figure is not shown."""
    start = alert.week - BASELINE_WEEKS * WEEK
    weeks = [start + i * WEEK for i in range(BASELINE_WEEKS + 1)]
    filters = Filters(start=start, end=alert.week + WEEK, organisation_ids=(alert.organisation_id,))
    counts = weekly_by_voivodeship(alert.measure, alert.dimension, filters, values=[alert.value])
    thresholds = releases.thresholds_for(safe_stats.Audience.INTERNAL)
    table = safe_stats.protect(
        name="alert series",
        dimensions=("week",),
        counts={
            (week.isoformat(),): counts.get((week, alert.voivodeship, alert.value), 0)
            for week in weeks
        },
        audience=safe_stats.Audience.INTERNAL,
        thresholds=thresholds,
        levels={"week": [week.isoformat() for week in weeks]},
        totals=False,
    )
    figures = [
        WeekFigure(week, table.cells[(week.isoformat(),)], week == alert.week) for week in weeks
    ]
    return figures, thresholds.minimum
