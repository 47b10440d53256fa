"""`rollups_changed()`: the explicit event a service sends when it writes something the
rollups count (a screening, a case, assistance, a referral, a person's sex, age band,
nationality or voivodeship, a case moving to another organisation).

It queues one `refresh_rollups` task when the transaction commits, however many
records the transaction wrote (a rolled-back transaction queues nothing), and none when
one is already waiting in the queue: a burst of writes costs one refresh. With
`SAFEPATH_ROLLUPS_AUTO_REFRESH` off it does nothing (the tests turn it off: the rollups
of a test are built by the test); cron's `safepath insights rollups` then keeps them
current, and the nightly `--rebuild` recounts everything anyway.
"""

from django.conf import settings
from django.db import transaction
from django.tasks import task_backends

TASK_PATH = "safepath.insights.rollup_tasks.refresh_rollups"


def auto_refresh() -> bool:
    return bool(settings.SAFEPATH_ROLLUPS_AUTO_REFRESH)


def rollups_changed() -> None:
    """Queue a refresh of the rollups once the current transaction commits (once per
    transaction; at once outside one)."""
    if not auto_refresh():
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is _enqueue for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(_enqueue)


def _already_queued() -> bool:
    """Whether a refresh is queued and not started yet (it will see this commit)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends["default"], DatabaseBackend):
        return False
    return DBTaskResult.objects.ready().filter(task_path=TASK_PATH).exists()


def _enqueue() -> None:
    from safepath.insights.rollup_tasks import refresh_rollups

    if not _already_queued():
        refresh_rollups.enqueue()
