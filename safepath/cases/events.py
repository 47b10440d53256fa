"""Audit events and timeline lines about cases. Neither holds identity or free text:
field names, codes and ids only."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from safepath.audit.events import record

if TYPE_CHECKING:
    from safepath.accounts.models import User
    from safepath.cases.models import Case


def _timeline(case: "Case", actor: "User", kind: str, **detail: Any) -> None:
    from safepath.cases.models import CaseEvent

    CaseEvent.objects.create(case=case, actor=actor, kind=kind, detail=detail)


def case_opened(*, actor: "User", case: "Case", via: str) -> None:
    _timeline(
        case, actor, "opened", screening=str(case.screening.public_id) if case.screening else ""
    )
    record(
        actor=actor,
        action="case.opened",
        object_type="case",
        object_id=str(case.public_id),
        detail={"via": via},
    )


def case_changed(*, actor: "User", case: "Case", fields: Iterable[str], via: str) -> None:
    names = sorted(fields)
    _timeline(case, actor, "changed", fields=names)
    record(
        actor=actor,
        action="case.changed",
        object_type="case",
        object_id=str(case.public_id),
        detail={"fields": names, "via": via},
    )


def case_status_changed(*, actor: "User", case: "Case", before: str, via: str) -> None:
    _timeline(case, actor, "status", before=before, after=case.status)
    record(
        actor=actor,
        action="case.status_changed",
        object_type="case",
        object_id=str(case.public_id),
        detail={"via": via, "target": case.status},
    )


def case_assigned(*, actor: "User", case: "Case", via: str) -> None:
    _timeline(case, actor, "assigned", owner=case.owner.get_username())
    record(
        actor=actor,
        action="case.assigned",
        object_type="case",
        object_id=str(case.public_id),
        detail={"via": via, "target": case.owner.get_username()},
    )


def case_note_added(*, actor: "User", case: "Case", via: str) -> None:
    _timeline(case, actor, "note")
    record(
        actor=actor,
        action="case.note_added",
        object_type="case",
        object_id=str(case.public_id),
        detail={"via": via},
    )


def case_viewed(*, actor: "User", case: "Case", purpose: str, via: str) -> None:
    record(
        actor=actor,
        action="case.viewed",
        object_type="case",
        object_id=str(case.public_id),
        purpose=purpose,
        detail={"via": via},
    )


def cases_listed(*, actor: "User", count: int, via: str, filters: list[str]) -> None:
    record(
        actor=actor,
        action="case.listed",
        object_type="case",
        detail={"count": count, "via": via, "filters": filters},
    )
