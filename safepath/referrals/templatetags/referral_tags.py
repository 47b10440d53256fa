"""Referral bits on other apps' pages without changing their views: the unread count in
the staff navigation, the "Refer" entry of a screening result, and the referrals section
of a case page. Each reads through the referral selectors, so it shows only what the
signed-in user may see."""

from typing import Any

from django import template

from safepath.accounts import policies
from safepath.cases.models import Case
from safepath.referrals import inbox, selectors
from safepath.screening.models import Screening

register = template.Library()


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> int:
    user = _user(context)
    if user is None or not user.is_authenticated:
        return 0
    return inbox.unread_count(user)


@register.simple_tag(takes_context=True)
def referral_nav(context: Any) -> bool:
    user = _user(context)
    if user is None or not user.is_authenticated:
        return False
    return policies.can(user, "referral.view") or policies.can(user, "referral.receive")


@register.simple_tag(takes_context=True)
def may_refer_screening(context: Any, screening: Screening) -> bool:
    user = _user(context)
    return bool(
        user is not None
        and screening.person_id is not None
        and policies.can(user, "referral.create")
    )


@register.simple_tag(takes_context=True)
def case_referrals(context: Any, case: Case) -> dict[str, Any]:
    user = _user(context)
    if user is None or not policies.can(user, "referral.view"):
        return {"visible": False, "referrals": [], "can_refer": False}
    return {
        "visible": True,
        "referrals": list(selectors.sent_referrals(user).filter(case=case)),
        "can_refer": policies.can(user, "referral.create") and case.anonymised_at is None,
    }


@register.filter
def referral_step(kind: str) -> str:
    """A referral event's kind in words, in the active language."""
    from django.utils.translation import gettext as _

    words = {
        "sent": _("Sent"),
        "awaiting_approval": _("Waiting for a supervisor's approval"),
        "approved": _("Legal ground approved"),
        "accepted": _("Accepted"),
        "declined": _("Declined"),
        "started": _("Work started"),
        "completed": _("Completed"),
        "withdrawn": _("Withdrawn"),
        "updated": _("Update added"),
        "update_added": _("Update added"),
        "pdf_downloaded": _("Referral form downloaded"),
        "overdue": _("Overdue"),
    }
    return words.get(kind, kind)


@register.simple_tag(takes_context=True)
def may_manage_pathways(context: Any) -> bool:
    user = _user(context)
    return bool(user is not None and policies.can(user, "pathway.manage"))


@register.simple_tag(takes_context=True)
def received_referrals(context: Any, limit: int = 10) -> dict[str, Any]:
    """The open referrals received by a partner focal point's organisation, for their
    home page (`referrals/_dashboard_received.html`)."""
    user = _user(context)
    if user is None or not policies.can(user, "referral.receive"):
        return {"visible": False, "referrals": []}
    from safepath.referrals.models import OPEN_STATUSES

    referrals = selectors.received_referrals(user).filter(status__in=OPEN_STATUSES)
    return {"visible": True, "referrals": list(referrals.order_by("respond_by")[:limit])}
