"""Background work of the referrals app, run by the worker (`safepath db_worker`).

`flag_overdue_referrals` flags the sent referrals nobody answered in time and tells
the sender and the receivers (`safepath.referrals.overdue_services.flag_overdue_referrals`).
Cron runs the same work as `safepath referrals flag-overdue` every 15 minutes (see
docs/deploy.md); a referral is flagged once however often it runs.
"""

from django.tasks import task

from safepath.referrals import overdue_services


@task
def flag_overdue() -> int:
    """Flag the overdue referrals; answer how many were flagged now."""
    return overdue_services.flag_overdue_referrals()
