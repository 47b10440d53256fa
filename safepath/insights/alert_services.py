"""Writes on alerts: acknowledge one, comment on one, and tell analysts of new ones.

Acknowledging and commenting need `insights.view` over the alert's organisation (an
alert out of reach is a 404, like a missing one). Both are audited with ids only:
`insights.alert_acknowledged`, `insights.alert_commented` (never the comment's text).
A comment is free text by staff about a trend, at most `MAX_COMMENT` characters; the
form says not to write about a person.
"""

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import Role, User
from safepath.audit.events import record
from safepath.insights.models import Alert, AlertComment
from safepath.insights.models.alerts import MAX_COMMENT, AlertStatus
from safepath.referrals.notifications import notify

NOTIFICATION_KIND = "insights.alert"


class AlertInvalid(ValueError):
    """A comment that cannot be saved; the message says why, in the user's language."""


def _check_reach(actor: User, alert: Alert) -> None:
    if not policies.in_scope(actor, "insights.view", alert):
        raise Http404


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert, via: str = "web") -> Alert:
    """Mark the alert acknowledged by the actor. Acknowledging it again changes nothing."""
    _check_reach(actor, alert)
    updated = Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
        status=AlertStatus.ACKNOWLEDGED, acknowledged_by=actor, acknowledged_at=timezone.now()
    )
    alert.refresh_from_db()
    if updated:
        record(
            actor=actor,
            action="insights.alert_acknowledged",
            object_type="insights_alert",
            object_id=str(alert.public_id),
            detail={"via": via},
        )
    return alert


def clean_comment(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise AlertInvalid(_("Write a comment."))
    if len(text) > MAX_COMMENT:
        raise AlertInvalid(_("A comment holds at most %(max)s characters.") % {"max": MAX_COMMENT})
    return text


@transaction.atomic
def alert_comment(*, actor: User, alert: Alert, text: str, via: str = "web") -> AlertComment:
    _check_reach(actor, alert)
    comment = AlertComment.objects.create(alert=alert, author=actor, text=clean_comment(text))
    record(
        actor=actor,
        action="insights.alert_commented",
        object_type="insights_alert",
        object_id=str(alert.public_id),
        detail={"via": via, "target": str(comment.public_id)},
    )
    return comment


def alerts_url(language: str | None) -> str:
    """The alerts page in `language` (a path, no host, no figures)."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = language if language in codes else settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            return reverse("insights:alerts")
        except NoReverseMatch:  # the pages are not mounted: the same path by hand
            return f"/{language}/app/insights/alerts/"


def analysts_of(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=organisation_id, role=Role.ANALYST, is_active=True
        ).order_by("pk")
    )


def notify_new_alerts(*, organisation_id: int, alerts: Sequence[Alert]) -> int:
    """One in-app notification to each active analyst of the organisation, linking to
    the alerts page; the detail holds how many alerts and their week, no figures.
    Returns how many analysts were told."""
    if not alerts:
        return 0
    weeks = sorted({alert.week.isoformat() for alert in alerts})
    detail = {"count": len(alerts), "week": weeks[-1]}
    analysts = analysts_of(organisation_id)
    for analyst in analysts:
        notify(
            user=analyst, kind=NOTIFICATION_KIND, url=alerts_url(analyst.language), detail=detail
        )
    return len(analysts)
