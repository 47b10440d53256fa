"""Background work keeping the rollups current, run by the worker (`safepath db_worker`).

`refresh_rollups` recounts the rollup slices whose records changed since the last
refresh (`safepath.insights.rollups.build.refresh`): the same code as `safepath insights
rollups`, which cron also calls. It is queued after every write that changes what the
dashboards count (`safepath.insights.rollups.signals.rollups_changed`). A refresh locks
the rollup state row, so two refreshes run one after the other; a refresh delivered
twice recounts the same slices to the same figures, so it is harmless.
"""

from dataclasses import asdict

from django.tasks import task

from safepath.insights.rollups import build


@task
def refresh_rollups() -> dict[str, int]:
    """Bring the rollups up to date; answer the rows written, slices recounted and
    records counted."""
    return asdict(build.refresh())
