"""The overdue run (`safepath.referrals.tasks`): a sent referral nobody answered by its
`respond_by` is flagged once, and the sender and the receivers are told.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from safepath.referrals import events
from safepath.referrals.models import Referral, ReferralStatus
from safepath.referrals.referral_notifications import notify_users, receivers_of, sender_of


def flag_overdue_referrals(now: datetime.datetime | None = None) -> int:
    """Flag every sent referral past its `respond_by` that nobody answered, once: its
    event `overdue`, an audit event, and a notification to the sender and receivers.
    Each referral is its own transaction, locked and checked again, so a run delivered
    twice, or two at once, flags nothing twice. Answers how many were flagged."""
    now = now or timezone.now()
    due = (
        Referral.objects.filter(status=ReferralStatus.SENT, respond_by__lt=now)
        .exclude(events__kind="overdue")
        .values_list("pk", flat=True)
    )
    flagged = 0
    for pk in list(due):
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=ReferralStatus.SENT)
                .first()
            )
            if referral is None or referral.events.filter(kind="overdue").exists():
                continue
            events.step(actor=None, referral=referral, kind="overdue", via="task", timeline=False)
            notify_users(
                None, referral, [*sender_of(referral), *receivers_of(referral)], "referral_overdue"
            )
            flagged += 1
    return flagged
