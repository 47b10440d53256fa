"""Audit events and timeline lines of retention and erasure. They name the fields that
were emptied and how many values went, never a value; the reason is a code."""

from collections import Counter
from typing import TYPE_CHECKING

from safepath.audit.events import record
from safepath.cases.events import _timeline

if TYPE_CHECKING:
    from safepath.accounts.models import User
    from safepath.cases.models import Case, ErasureRequest
    from safepath.people.models import Person

SYSTEM = "system:retention"  # the actor of the scheduled run


def _removed(reason: str, via: str, removed: Counter[str]) -> dict[str, object]:
    return {
        "reason": reason,
        "via": via,
        "fields": sorted(removed),
        "count": removed.total(),
    }


def case_anonymised(
    *, actor: "User | None", case: "Case", reason: str, via: str, removed: Counter[str]
) -> None:
    record(
        actor=actor,
        username=SYSTEM,
        action="case.anonymised",
        object_type="case",
        object_id=str(case.public_id),
        detail=_removed(reason, via, removed),
    )


def person_anonymised(
    *, actor: "User | None", person: "Person", reason: str, via: str, removed: Counter[str]
) -> None:
    record(
        actor=actor,
        username=SYSTEM,
        action="person.anonymised",
        object_type="person",
        object_id=str(person.public_id),
        detail=_removed(reason, via, removed),
    )


def erasure_requested(*, actor: "User", request: "ErasureRequest", via: str) -> None:
    _timeline(request.case, actor, "erasure_requested")
    record(
        actor=actor,
        action="case.erasure_requested",
        object_type="case",
        object_id=str(request.case.public_id),
        detail={"reason": request.reason, "via": via},
    )


def erasure_decided(*, actor: "User", request: "ErasureRequest", via: str) -> None:
    """`case.erasure_rejected`, or `case.erasure_executed` with the count removed."""
    _timeline(request.case, actor, "erasure_decided", status=request.status)
    detail: dict[str, object] = {"reason": request.reason, "via": via}
    if request.status == "executed":
        detail["count"] = request.removed_total
    record(
        actor=actor,
        action=f"case.erasure_{request.status}",
        object_type="case",
        object_id=str(request.case.public_id),
        detail=detail,
    )
