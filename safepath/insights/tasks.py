"""Background work of the insights app, run by the worker (`safepath db_worker`).

`detect_alerts` is the weekly detection of unusual rises (`safepath.insights.alerts`):
the same code as `safepath insights alerts`, which cron may call instead. Running it
twice for a week creates no second alert and notifies nobody twice (each series has at
most one alert a week), so a task delivered twice is harmless.
"""

import datetime

from django.tasks import task

from safepath.insights import alerts


@task
def detect_alerts(week: str | None = None) -> dict[str, object]:
    """Detect the unusual rises of `week` (an ISO date in it; default the last complete
    week); answer the week, the alerts of the week and how many are new."""
    day = datetime.date.fromisoformat(week) if week else None
    return alerts.detect(day).as_dict()
