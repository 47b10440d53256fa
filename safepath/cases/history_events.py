"""Timeline lines and audit events of the case's history (trafficking events and
perpetrators): the kind or role code and the row's id, never the place, the name or a
description (they are free text)."""

from typing import TYPE_CHECKING

from safepath.audit.events import record
from safepath.cases.events import _timeline

if TYPE_CHECKING:
    from safepath.accounts.models import User
    from safepath.cases.models.history import CasePerpetrator, TraffickingEvent


def _audit(actor: "User", case_public_id: str, action: str, target: str, via: str) -> None:
    record(
        actor=actor,
        action=action,
        object_type="case",
        object_id=case_public_id,
        detail={"via": via, "target": target},
    )


def trafficking_event_added(*, actor: "User", event: "TraffickingEvent", via: str) -> None:
    _timeline(event.case, actor, "trafficking_event_added", event=event.kind)
    _audit(
        actor, str(event.case.public_id), "case.trafficking_event_added", str(event.public_id), via
    )


def trafficking_event_removed(*, actor: "User", event: "TraffickingEvent", via: str) -> None:
    _timeline(event.case, actor, "trafficking_event_removed", event=event.kind)
    _audit(
        actor,
        str(event.case.public_id),
        "case.trafficking_event_removed",
        str(event.public_id),
        via,
    )


def perpetrator_added(*, actor: "User", perpetrator: "CasePerpetrator", via: str) -> None:
    _timeline(perpetrator.case, actor, "perpetrator_added", role=perpetrator.role)
    _audit(
        actor,
        str(perpetrator.case.public_id),
        "case.perpetrator_added",
        str(perpetrator.public_id),
        via,
    )


def perpetrator_removed(*, actor: "User", perpetrator: "CasePerpetrator", via: str) -> None:
    _timeline(perpetrator.case, actor, "perpetrator_removed", role=perpetrator.role)
    _audit(
        actor,
        str(perpetrator.case.public_id),
        "case.perpetrator_removed",
        str(perpetrator.public_id),
        via,
    )
