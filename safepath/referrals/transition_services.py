"""The steps of a referral after it is created: one atomic function per step, each
taking `actor=`.

States (`ReferralStatus`) and who moves them:

    awaiting_approval --approve (a supervisor, not the author)--> sent
    sent --accept--> accepted --start--> in_progress --complete--> completed
    sent --decline (with a reason)--> declined
    accepted --complete--> completed (a one-off service needs no "start")
    awaiting_approval, sent, accepted, in_progress --withdraw (the sender)--> withdrawn

The recipient's answers (accept, decline, start, complete) are recorded by the partner
focal points of the recipient organisation; for a recipient outside safepath, by the
sender, who hears back by phone or e-mail. A move from the wrong state is refused with
`ReferralInvalid`, naming the state. Each step writes a `ReferralEvent`, an audit
event, a line on the case's timeline (when there is a case) and notifies the other side
(`safepath.referrals.notifications.notify`: a link, never personal data).
"""

import datetime
from typing import TYPE_CHECKING, Final

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.core.exceptions import NotAllowed
from safepath.insights.rollups.signals import rollups_changed
from safepath.referrals import events, selectors
from safepath.referrals.models import Referral, ReferralStatus, ReferralUpdate
from safepath.referrals.referral_notifications import notify_users, receivers_of, sender_of
from safepath.referrals.services import ReferralError, ReferralInvalid, response_hours

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

MAX_TEXT: Final = 5000


def _check_text(field: str, text: str, limit: int, empty: "StrPromise | None") -> str:
    text = text.strip()
    if not text and empty is not None:
        raise ReferralInvalid([ReferralError(field, str(empty))])
    if len(text) > limit:
        raise ReferralInvalid(
            [ReferralError(field, _("At most %(count)d characters.") % {"count": limit})]
        )
    return text


# --- the steps -------------------------------------------------------------------------

_NOT_NOW: Final[dict[str, "StrPromise"]] = {
    "approve": _lazy(
        "Only a referral waiting for approval can be approved; this one is %(status)s."
    ),
    "accept": _lazy("Only a sent referral can be accepted; this one is %(status)s."),
    "decline": _lazy("Only a sent referral can be declined; this one is %(status)s."),
    "start": _lazy("Only an accepted referral can be started; this one is %(status)s."),
    "complete": _lazy(
        "Only an accepted or started referral can be completed; this one is %(status)s."
    ),
    "withdraw": _lazy(
        "A referral that is completed, declined or withdrawn cannot be withdrawn; this one "
        "is %(status)s."
    ),
    "update": _lazy("A referral that has ended takes no more updates; this one is %(status)s."),
}
_FROM: Final[dict[str, tuple[str, ...]]] = {
    "approve": (ReferralStatus.AWAITING_APPROVAL,),
    "accept": (ReferralStatus.SENT,),
    "decline": (ReferralStatus.SENT,),
    "start": (ReferralStatus.ACCEPTED,),
    "complete": (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS),
    "withdraw": (
        ReferralStatus.AWAITING_APPROVAL,
        ReferralStatus.SENT,
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
    ),
    "update": (
        ReferralStatus.AWAITING_APPROVAL,
        ReferralStatus.SENT,
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
    ),
}


def _locked(referral: Referral, action: str) -> Referral:
    """The referral's row, locked, if `action` may move it from its state."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status not in _FROM[action]:
        label = ReferralStatus(locked.status).label
        raise ReferralInvalid(
            [ReferralError("status", str(_NOT_NOW[action]) % {"status": str(label).lower()})]
        )
    return locked


def _move(locked: Referral, status: str, **values: object) -> Referral:
    now = timezone.now()
    locked.status = status
    locked.status_changed_at = now
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    rollups_changed()
    return locked


def _require_answerer(actor: User, referral: Referral) -> None:
    if not selectors.records_answers(actor, referral):
        raise NotAllowed("referral.receive")


@transaction.atomic
def referral_approve(*, actor: User, referral: Referral, via: str = "web") -> Referral:
    """A supervisor (not the author) approves the legal ground: the referral is sent."""
    if not policies.in_scope(actor, "referral.approve_legal_ground", referral):
        raise NotAllowed("referral.approve_legal_ground")
    if referral.created_by_id == actor.pk:
        raise ReferralInvalid(
            [
                ReferralError(
                    "approver",
                    _("You cannot approve your own referral: another supervisor must."),
                )
            ]
        )
    locked = _locked(referral, "approve")
    hours = response_hours(urgent=locked.urgent)
    locked = _move(
        locked,
        ReferralStatus.SENT,
        legal_ground_approved_by=actor,
        respond_by=timezone.now() + datetime.timedelta(hours=hours),
    )
    events.step(
        actor=actor,
        referral=locked,
        kind="approved",
        via=via,
        audit_detail={"reason": locked.legal_ground},
    )
    notify_users(actor, locked, sender_of(locked), "referral_approved")
    notify_users(actor, locked, receivers_of(locked), "referral_received")
    return locked


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral, via: str = "web") -> Referral:
    _require_answerer(actor, referral)
    locked = _move(_locked(referral, "accept"), ReferralStatus.ACCEPTED, answered_at=timezone.now())
    events.step(actor=actor, referral=locked, kind="accepted", via=via)
    notify_users(actor, locked, sender_of(locked), "referral_accepted")
    return locked


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str, via: str = "web") -> Referral:
    """Decline, saying why (the reason is for the sender; it stays encrypted)."""
    _require_answerer(actor, referral)
    reason = _check_text("reason", reason, MAX_TEXT, _lazy("Say why you decline the referral."))
    locked = _move(
        _locked(referral, "decline"),
        ReferralStatus.DECLINED,
        answered_at=timezone.now(),
        decline_reason=reason,
    )
    events.step(actor=actor, referral=locked, kind="declined", via=via)
    notify_users(actor, locked, sender_of(locked), "referral_declined")
    return locked


@transaction.atomic
def referral_start(*, actor: User, referral: Referral, via: str = "web") -> Referral:
    _require_answerer(actor, referral)
    locked = _move(_locked(referral, "start"), ReferralStatus.IN_PROGRESS)
    events.step(actor=actor, referral=locked, kind="started", via=via)
    return locked


@transaction.atomic
def referral_complete(
    *, actor: User, referral: Referral, outcome: str, via: str = "web"
) -> Referral:
    """Complete, saying what was done (for the sender; encrypted)."""
    _require_answerer(actor, referral)
    outcome = _check_text("outcome", outcome, MAX_TEXT, _lazy("Say what was done."))
    locked = _move(
        _locked(referral, "complete"),
        ReferralStatus.COMPLETED,
        completed_at=timezone.now(),
        outcome=outcome,
    )
    events.step(actor=actor, referral=locked, kind="completed", via=via)
    notify_users(actor, locked, sender_of(locked), "referral_completed")
    return locked


@transaction.atomic
def referral_withdraw(
    *, actor: User, referral: Referral, reason: str = "", via: str = "web"
) -> Referral:
    """The sender withdraws it (while it is not completed, declined or withdrawn). The
    reason, if any, is kept as an update the receivers can read."""
    if not selectors.can_act_as_sender(actor, referral):
        raise NotAllowed("referral.create")
    reason = _check_text("reason", reason, MAX_TEXT, None)
    locked = _locked(referral, "withdraw")
    was_sent = locked.status != ReferralStatus.AWAITING_APPROVAL
    locked = _move(locked, ReferralStatus.WITHDRAWN)
    if reason:
        ReferralUpdate.objects.create(referral=locked, author=actor, text=reason)
    events.step(actor=actor, referral=locked, kind="withdrawn", via=via)
    if was_sent:
        notify_users(actor, locked, receivers_of(locked), "referral_withdrawn")
    return locked


@transaction.atomic
def referral_add_update(
    *, actor: User, referral: Referral, text: str, via: str = "web"
) -> ReferralUpdate:
    """A progress note by the sender or a receiver; the other side is told."""
    receiver = selectors.is_receiver(actor, referral)
    if not receiver and not selectors.is_sender(actor, referral):
        raise NotAllowed("referral.view")
    text = _check_text("text", text, MAX_TEXT, _lazy("Write the update first."))
    referral = _locked(referral, "update")
    update = ReferralUpdate.objects.create(referral=referral, author=actor, text=text)
    events.step(actor=actor, referral=referral, kind="update", via=via)
    others = sender_of(referral) if receiver else receivers_of(referral)
    if referral.status != ReferralStatus.AWAITING_APPROVAL:
        notify_users(actor, referral, others, "referral_update")
    return update
