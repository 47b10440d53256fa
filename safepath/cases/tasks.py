"""Background work of the cases app, run by the worker (`safepath db_worker`).

`anonymise_expired_cases` is the retention run (`safepath.cases.retention_services`):
the same code as `safepath cases retention`, which cron calls. Each case is its own
transaction and a case already anonymised is skipped, so a run delivered twice, or at
the same time as the command, anonymises nothing twice.
"""

from django.tasks import task

from safepath.cases import retention_services


@task
def anonymise_expired_cases() -> dict[str, int | bool]:
    """Anonymise every case closed longer ago than `SAFEPATH_CASE_RETENTION_DAYS`;
    answer the counts (cases, people, failed, values)."""
    return retention_services.run_retention(via="task").as_dict()
