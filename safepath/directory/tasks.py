"""Background work of the directory, run by the worker (`safepath db_worker`).

`flag_unverified_services` is the 6-month quality check (`safepath.directory.quality`);
run it daily: a responsible person hears about a service at most once a month.
"""

from django.tasks import task

from safepath.directory.quality import flag_unverified


@task
def flag_unverified_services() -> int:
    """Remind the responsible people of services unverified for 6 months; answer how
    many reminders were sent."""
    return flag_unverified()
