"""Audit events of exports: who asked for which export, downloaded it, and when its file
was purged. Kinds, counts and the names of identity fields only, never a value."""

from typing import TYPE_CHECKING, Final

from safepath.audit.events import record

if TYPE_CHECKING:
    from safepath.accounts.models import User
    from safepath.cases.models import CaseExport

SYSTEM: Final = "system:exports"  # the actor of the purge


def _fields(export: "CaseExport") -> list[str]:
    from safepath.cases.caseload_export import IDENTITY_FIELDS

    return list(IDENTITY_FIELDS) if export.identity else []


def export_requested(*, actor: "User", export: "CaseExport", via: str) -> None:
    record(
        actor=actor,
        action="case.export_requested",
        object_type="case_export",
        object_id=str(export.public_id),
        purpose="export",
        detail={
            "via": via,
            "target": export.kind,
            "fields": _fields(export),
            "filters": ["status"] if export.status_filter else [],
            "language": export.language,
        },
    )


def exported(*, actor: "User", export: "CaseExport") -> None:
    """The worker wrote the file: how many cases it holds."""
    record(
        actor=actor,
        action="case.exported",
        object_type="case_export",
        object_id=str(export.public_id),
        purpose="export",
        detail={
            "via": "task",
            "target": export.kind,
            "count": export.total,
            "fields": _fields(export),
        },
    )


def export_downloaded(*, actor: "User", export: "CaseExport", via: str) -> None:
    record(
        actor=actor,
        action="case.export_downloaded",
        object_type="case_export",
        object_id=str(export.public_id),
        purpose="export",
        detail={"via": via, "target": export.kind, "fields": _fields(export)},
    )


def export_purged(*, export: "CaseExport", via: str, reason: str = "expired") -> None:
    record(
        actor=None,
        username=SYSTEM,
        action="case.export_purged",
        object_type="case_export",
        object_id=str(export.public_id),
        detail={"via": via, "target": export.kind, "reason": reason},
    )
