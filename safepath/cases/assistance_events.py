"""Audit events (and case timeline lines) about assistance, stock and shelters.

Like `cases.events`, they hold codes, counts and ids only: the item kind goes in
`target`, a quantity or a number of rows in `count`. Never a name, a person's
identity or free text.
"""

from typing import TYPE_CHECKING

from safepath.audit.events import record

if TYPE_CHECKING:
    from safepath.accounts.models import User
    from safepath.cases.models import (
        Assistance,
        Case,
        Shelter,
        ShelterStay,
        StockMovement,
        Warehouse,
    )


def assistance_recorded(*, actor: "User", assistance: "Assistance", via: str) -> None:
    if assistance.case is not None:
        from safepath.cases.models import CaseEvent

        CaseEvent.objects.create(
            case=assistance.case,
            actor=actor,
            kind="assistance",
            detail={"kind": assistance.kind, "quantity": assistance.quantity},
        )
    record(
        actor=actor,
        action="assistance.recorded",
        object_type="assistance",
        object_id=str(assistance.public_id),
        detail={"via": via, "target": assistance.kind, "count": assistance.quantity},
    )


def assistance_listed(*, actor: "User", case: "Case", count: int, via: str) -> None:
    record(
        actor=actor,
        action="assistance.listed",
        object_type="case",
        object_id=str(case.public_id),
        detail={"via": via, "count": count},
    )


def warehouse_created(*, actor: "User", warehouse: "Warehouse", via: str) -> None:
    record(
        actor=actor,
        action="stock.warehouse_created",
        object_type="warehouse",
        object_id=str(warehouse.public_id),
        detail={"via": via},
    )


def stock_moved(*, actor: "User", movement: "StockMovement", via: str) -> None:
    """A receipt, an issue or one half of a transfer, on its warehouse."""
    record(
        actor=actor,
        action=f"stock.{movement.movement}",
        object_type="warehouse",
        object_id=str(movement.warehouse.public_id),
        detail={"via": via, "target": movement.kind, "count": movement.quantity},
    )


def stock_threshold_set(*, actor: "User", warehouse: "Warehouse", kind: str, via: str) -> None:
    record(
        actor=actor,
        action="stock.threshold_set",
        object_type="warehouse",
        object_id=str(warehouse.public_id),
        detail={"via": via, "target": kind},
    )


def shelter_created(*, actor: "User", shelter: "Shelter", via: str) -> None:
    record(
        actor=actor,
        action="shelter.created",
        object_type="shelter",
        object_id=str(shelter.public_id),
        detail={"via": via},
    )


def shelter_viewed(*, actor: "User", shelter: "Shelter", count: int, via: str) -> None:
    """The shelter page lists its residents' codes: a read of people, audited."""
    record(
        actor=actor,
        action="shelter.viewed",
        object_type="shelter",
        object_id=str(shelter.public_id),
        detail={"via": via, "count": count},
    )


def shelter_admitted(*, actor: "User", stay: "ShelterStay", via: str) -> None:
    record(
        actor=actor,
        action="shelter.admitted",
        object_type="shelter_stay",
        object_id=str(stay.public_id),
        detail={"via": via},
    )


def shelter_departed(*, actor: "User", stay: "ShelterStay", via: str) -> None:
    record(
        actor=actor,
        action="shelter.departed",
        object_type="shelter_stay",
        object_id=str(stay.public_id),
        detail={"via": via},
    )
