"""Every read of referrals goes through here; `access_referral` is the one door.

Two kinds of people see a referral: its senders (`referral.view`, scoped like cases by
the referral's organisation, team and author) and its receivers (`referral.receive`:
the partner focal points of the organisation it was sent to, once it has been sent).
Receivers read what was shared through `shared_view`, from the snapshot taken when it
was sent, and never the person.
"""

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.people.selectors import IDENTITY_FIELDS, can_see_identity
from safepath.referrals import events, sharing
from safepath.referrals.models import Referral, ReferralEvent, ReferralStatus, ReferralUpdate

RECEIVED: dict[str, str] = {"organisation_field": "to_organisation"}


def _sent_filter(actor: User) -> Q | None:
    return policies.scope_filter(actor, "referral.view")


def _received_filter(actor: User) -> Q | None:
    condition = policies.scope_filter(actor, "referral.receive", **RECEIVED)
    if condition is None:
        return None
    # A referral waiting for a supervisor's approval has not been sent yet.
    return (
        condition & Q(to_organisation__isnull=False) & ~Q(status=ReferralStatus.AWAITING_APPROVAL)
    )


def visible_referrals(actor: User) -> QuerySet[Referral]:
    """The referrals sent within the actor's reach, and those received by their
    organisation."""
    conditions = [c for c in (_sent_filter(actor), _received_filter(actor)) if c is not None]
    if not conditions:
        return Referral.objects.none()
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    return (
        Referral.objects.filter(condition)
        .select_related("organisation", "to_organisation", "service", "person", "case", "screening")
        .defer(*(f"person__{name}" for name in IDENTITY_FIELDS))
    )


def sent_referrals(actor: User) -> QuerySet[Referral]:
    """Only those the actor reaches as a sender."""
    condition = _sent_filter(actor)
    if condition is None:
        return Referral.objects.none()
    return visible_referrals(actor).filter(condition)


def received_referrals(actor: User) -> QuerySet[Referral]:
    """Only those received by the actor's organisation."""
    condition = _received_filter(actor)
    if condition is None:
        return Referral.objects.none()
    return visible_referrals(actor).filter(condition)


def access_referral(
    *, actor: User, referral_id: uuid.UUID | str, purpose: str, via: str
) -> Referral:
    """The referral, if `actor` sent it (within reach) or received it; otherwise 404,
    as if it did not exist. Each read is audited."""
    try:
        key = uuid.UUID(str(referral_id))
    except ValueError as exc:
        raise Http404 from exc
    referral = visible_referrals(actor).filter(public_id=key).first()
    if referral is None:
        raise Http404
    events.referral_viewed(actor=actor, referral=referral, purpose=purpose, via=via)
    return referral


def is_sender(actor: User, referral: Referral) -> bool:
    """Within the actor's `referral.view` reach (its organisation, team or author)."""
    return policies.in_scope(actor, "referral.view", referral)


def can_act_as_sender(actor: User, referral: Referral) -> bool:
    """May withdraw it, approve nothing: `referral.create` over the referral."""
    return policies.in_scope(actor, "referral.create", referral)


def is_receiver(actor: User, referral: Referral) -> bool:
    """A user of the recipient organisation with `referral.receive`, once it is sent."""
    return (
        referral.to_organisation_id is not None
        and referral.status != ReferralStatus.AWAITING_APPROVAL
        and policies.can(actor, "referral.receive")
        and referral.to_organisation_id == actor.organisation_id
    )


def records_answers(actor: User, referral: Referral) -> bool:
    """Who records the recipient's answers: its receivers in safepath; for a recipient
    outside safepath, the sender, who hears back by phone or e-mail."""
    if referral.to_organisation_id is None:
        return can_act_as_sender(actor, referral)
    return is_receiver(actor, referral)


def can_approve(actor: User, referral: Referral) -> bool:
    """A supervisor in reach who is not the referral's author, while it waits."""
    return (
        referral.status == ReferralStatus.AWAITING_APPROVAL
        and referral.created_by_id != actor.pk
        and policies.in_scope(actor, "referral.approve_legal_ground", referral)
    )


def shared_view(referral: Referral, *, actor: User | None = None) -> list[sharing.SharedField]:
    """What was shared, read from the snapshot, in the active language. A sender who
    may not see the person's identity sees identity fields by name only."""
    show_identity = True
    if actor is not None and not is_receiver(actor, referral):
        show_identity = can_see_identity(actor, referral.person)
    return sharing.render(sharing.decode(referral.shared), show_identity=show_identity)


def events_of(referral: Referral) -> QuerySet[ReferralEvent]:
    return referral.events.select_related("actor")


def updates_of(referral: Referral) -> QuerySet[ReferralUpdate]:
    return referral.updates.select_related("author")


def awaiting_my_approval(actor: User) -> QuerySet[Referral]:
    """Referrals on a legal ground the actor may approve (not their own)."""
    if not policies.can(actor, "referral.approve_legal_ground"):
        return Referral.objects.none()
    return (
        policies.scoped(actor, "referral.approve_legal_ground", visible_referrals(actor))
        .filter(status=ReferralStatus.AWAITING_APPROVAL)
        .exclude(created_by=actor)
    )
