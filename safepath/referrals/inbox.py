"""The in-app notifications inbox: a user's own notifications, each rendered from its
code (`kind`) and codes (`detail`) in the reader's language, never from stored text;
opening one marks it read. A user reaches only their own notifications."""

import uuid
from dataclasses import dataclass
from typing import Final

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from safepath.accounts.models import User
from safepath.referrals.models import Notification

INBOX_SIZE: Final = 100


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


# The staff navigation shows the unread count on every page; it is kept in the cache
# for a minute so a page costs no extra query (a new notification shows within it).
UNREAD_SECONDS: Final = 60


def _unread_key(user_id: int) -> str:
    return f"referrals:unread:{user_id}"


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    key = _unread_key(user.pk)
    count = cache.get(key)
    if not isinstance(count, int):
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


def text(kind: str) -> str:
    """A notification's sentence in the active language."""
    texts = {
        "referral_received": _("A new referral was sent to your organisation."),
        "referral_to_approve": _("A referral waits for your approval of its legal ground."),
        "referral_approved": _("The legal ground of your referral was approved: it is sent."),
        "referral_accepted": _("A referral you sent was accepted."),
        "referral_declined": _("A referral you sent was declined."),
        "referral_started": _("Work on a referral you sent has started."),
        "referral_completed": _("A referral you sent was completed."),
        "referral_withdrawn": _("A referral to your organisation was withdrawn."),
        "referral_update": _("A referral has a new update."),
        "referral_overdue": _("A referral is waiting for an answer past its deadline."),
        "insights.alert": _("An unusual rise was detected: see the alerts."),
    }
    return texts.get(kind, _("Something about a referral needs your attention."))


@dataclass(frozen=True)
class Line:
    notification: Notification
    text: str
    urgent: bool


def lines(user: User) -> list[Line]:
    return [
        Line(n, text(n.kind), isinstance(n.detail, dict) and bool(n.detail.get("urgent")))
        for n in notifications_of(user)[:INBOX_SIZE]
    ]


def access_notification(*, actor: User, notification_id: uuid.UUID | str) -> Notification:
    """The actor's own notification, or 404 (someone else's looks missing)."""
    try:
        key = uuid.UUID(str(notification_id))
    except ValueError as exc:
        raise Http404 from exc
    notification = notifications_of(actor).filter(public_id=key).first()
    if notification is None:
        raise Http404
    return notification


@transaction.atomic
def mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark the actor's own notification read (the first time only)."""
    if notification.user_id != actor.pk:
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        cache.delete(_unread_key(actor.pk))
    return notification


def safe_url(url: str) -> str:
    """A notification links to a path of this site; anything else goes to the inbox."""
    from django.urls import reverse

    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set()):
        return url
    return reverse("referrals:notifications")
