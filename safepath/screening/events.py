"""Audit events about screenings. Never the indicators, factors, needs or identity."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from safepath.audit.events import record, record_many

if TYPE_CHECKING:
    from safepath.accounts.models import User
    from safepath.screening.models import ImportJob, Screening


def screening_created(*, actor: "User", screening: "Screening", via: str) -> None:
    record(
        actor=actor,
        action="screening.created",
        object_type="screening",
        object_id=str(screening.public_id),
        detail={"via": via},
    )


def screenings_created(*, actor: "User", screenings: Sequence["Screening"], via: str) -> int:
    """`screening.created` for each of many screenings (a bulk import), as
    `screening_created` writes it for one."""
    return record_many(
        actor=actor,
        action="screening.created",
        object_type="screening",
        object_ids=[str(screening.public_id) for screening in screenings],
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


def import_uploaded(*, actor: "User", job: "ImportJob") -> None:
    record(
        actor=actor,
        action="screening_import.uploaded",
        object_type="screening_import",
        object_id=str(job.public_id),
        detail={"via": "web"},
    )


def import_confirmed(*, actor: "User", job: "ImportJob") -> None:
    record(
        actor=actor,
        action="screening_import.confirmed",
        object_type="screening_import",
        object_id=str(job.public_id),
        detail={"count": job.rows},
    )


def import_finished(*, actor: "User", job: "ImportJob") -> None:
    record(
        actor=actor,
        action="screening_import.finished",
        object_type="screening_import",
        object_id=str(job.public_id),
        detail={"count": job.created_count},
    )
