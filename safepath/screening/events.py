"""Audit events about screenings. Never the indicators, factors, needs or identity."""

from typing import TYPE_CHECKING

from safepath.audit.events import record

if TYPE_CHECKING:
    from safepath.accounts.models import User
    from safepath.screening.models import Screening


def screening_created(*, actor: "User", screening: "Screening", via: str) -> None:
    record(
        actor=actor,
        action="screening.created",
        object_type="screening",
        object_id=str(screening.public_id),
        detail={"via": via},
    )


def screening_viewed(*, actor: "User", screening: "Screening", purpose: str, via: str) -> None:
    record(
        actor=actor,
        action="screening.viewed",
        object_type="screening",
        object_id=str(screening.public_id),
        purpose=purpose,
        detail={"via": via},
    )


def screenings_listed(*, actor: "User", count: int, via: str, filters: list[str]) -> None:
    record(
        actor=actor,
        action="screening.listed",
        object_type="screening",
        detail={"count": count, "via": via, "filters": filters},
    )
