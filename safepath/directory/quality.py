"""The directory's quality check: a service not verified for 6 months (183 days) is
flagged to its responsible person, in the app and by an e-mail that holds only a link
(`safepath.referrals.notifications.notify`, kind "directory.unverified").

A person is reminded about a service at most once a month: a reminder sent in the last
30 days is not sent again, so the check may run daily (the task
`flag_unverified_services`) or be run twice without e-mailing anyone twice.
"""

import datetime
from typing import Final

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from safepath.directory.models import Service, ServiceStatus
from safepath.directory.selectors import unverified_before
from safepath.referrals.models import Notification
from safepath.referrals.notifications import notify

KIND: Final = "directory.unverified"
REMIND_EVERY: Final = datetime.timedelta(days=30)


def flag_unverified(now: datetime.datetime | None = None) -> int:
    """Notify the responsible person of every service (not defunct) unverified for 6
    months and not reminded in the last 30 days; answer how many were notified."""
    now = now or timezone.now()
    stale = unverified_before(timezone.localdate(now))
    services = (
        Service.objects.filter(Q(assured_date__isnull=True) | Q(assured_date__lt=stale))
        .exclude(status=ServiceStatus.DEFUNCT)
        .filter(responsible__isnull=False, responsible__is_active=True)
        .select_related("responsible")
        .order_by("id")
    )
    recent = {
        (user_id, detail.get("service"))
        for user_id, detail in Notification.objects.filter(
            kind=KIND, created_at__gte=now - REMIND_EVERY
        ).values_list("user_id", "detail")
    }
    notified = 0
    for service in services:
        user = service.responsible
        assert user is not None  # filtered above
        if (user.pk, str(service.public_id)) in recent:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE), transaction.atomic():
            url = reverse("directory:service", args=[service.public_id])
            notify(user=user, kind=KIND, url=url, detail={"service": str(service.public_id)})
        notified += 1
    return notified
