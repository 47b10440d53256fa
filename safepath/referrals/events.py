"""The three records of each step of a referral: a `ReferralEvent` (the referral's own
history), an audit event, and a line on the case's timeline when the referral has a
case. None holds a value typed about the person: codes, field names and ids only (the
reasons and outcomes people write stay encrypted on the referral)."""

from typing import TYPE_CHECKING, Any

from safepath.audit.events import record

if TYPE_CHECKING:
    from safepath.accounts.models import User
    from safepath.referrals.models import Referral

OBJECT_TYPE = "referral"


def _recipient_code(referral: "Referral") -> str:
    """The recipient as a code: its organisation's code, or "external"."""
    if referral.to_organisation_id is None:
        return "external"
    assert referral.to_organisation is not None
    return referral.to_organisation.code


def step(
    *,
    actor: "User | None",
    referral: "Referral",
    kind: str,
    via: str,
    audit_detail: dict[str, Any] | None = None,
    timeline: bool = True,
) -> None:
    """Record one step `kind` (sent, accepted, ...): the referral's event, the audit
    event `referral.<kind>` and, when the referral has a case and an actor, the line
    `referral_<kind>` on the case's timeline."""
    from safepath.cases.models import CaseEvent
    from safepath.referrals.models import ReferralEvent

    detail: dict[str, Any] = {"status": referral.status}
    ReferralEvent.objects.create(referral=referral, actor=actor, kind=kind, detail=detail)
    if timeline and referral.case_id is not None and actor is not None:
        CaseEvent.objects.create(
            case_id=referral.case_id,
            actor=actor,
            kind=f"referral_{kind}",
            detail={
                "referral": str(referral.public_id),
                "to": _recipient_code(referral),
                "status": referral.status,
                "urgent": referral.urgent,
            },
        )
    record(
        actor=actor,
        action=f"referral.{kind}",
        object_type=OBJECT_TYPE,
        object_id=str(referral.public_id),
        detail={"via": via, "target": _recipient_code(referral), **(audit_detail or {})},
    )


def referral_refused(*, actor: "User", person_id: str, reason: str, via: str) -> None:
    """A referral refused at the consent gate: nothing else is written."""
    record(
        actor=actor,
        action="referral.refused",
        object_type="person",
        object_id=person_id,
        outcome="failure",
        detail={"reason": reason, "via": via},
    )


def referral_viewed(*, actor: "User", referral: "Referral", purpose: str, via: str) -> None:
    record(
        actor=actor,
        action="referral.viewed",
        object_type=OBJECT_TYPE,
        object_id=str(referral.public_id),
        purpose=purpose,
        detail={"via": via},
    )


def referrals_listed(*, actor: "User", count: int, via: str, filters: list[str]) -> None:
    record(
        actor=actor,
        action="referral.listed",
        object_type=OBJECT_TYPE,
        detail={"count": count, "via": via, "filters": filters},
    )
