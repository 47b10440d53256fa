"""Audit events and case timeline lines about reports to law enforcement.

Neither holds identity or free text: the report's id, its status and codes (channel,
outcome, language, the basis on which identity was or was not shared). The unit a
report was sent to, the facts, places and perpetrators stay in the report.
"""

from typing import TYPE_CHECKING, Any

from safepath.audit.events import record
from safepath.cases.events import _timeline

if TYPE_CHECKING:
    from safepath.accounts.models import User
    from safepath.cases.models import LawEnforcementReport

OBJECT_TYPE = "law_enforcement_report"


def _write(
    *,
    actor: "User",
    report: "LawEnforcementReport",
    action: str,
    via: str,
    timeline: dict[str, Any] | None = None,
    **detail: Any,
) -> None:
    _timeline(
        report.case,
        actor,
        f"report_{action}",
        report=str(report.public_id),
        **(timeline or {}),
    )
    record(
        actor=actor,
        action=f"report.{action}",
        object_type=OBJECT_TYPE,
        object_id=str(report.public_id),
        detail={"via": via, **detail},
    )


def report_created(*, actor: "User", report: "LawEnforcementReport", via: str) -> None:
    _write(actor=actor, report=report, action="created", via=via)


def report_changed(
    *, actor: "User", report: "LawEnforcementReport", fields: list[str], via: str
) -> None:
    names = sorted(fields)
    _write(
        actor=actor,
        report=report,
        action="changed",
        via=via,
        timeline={"fields": names},
        fields=names,
    )


def report_status_changed(
    *, actor: "User", report: "LawEnforcementReport", action: str, before: str, via: str
) -> None:
    """submitted, approved, rejected, sent, acknowledged, outcome: from → to."""
    _write(
        actor=actor,
        report=report,
        action=action,
        via=via,
        timeline={"before": before, "after": report.status},
        target=report.status,
    )


def report_pdf_generated(
    *, actor: "User", report: "LawEnforcementReport", language: str, basis: str, via: str
) -> None:
    """`basis`: why identity is in the PDF (`consent`, a legal ground) or `redacted`."""
    _write(
        actor=actor,
        report=report,
        action="pdf",
        via=via,
        timeline={"language": language, "identity": basis},
        language=language,
        reason=basis,
    )


def report_viewed(*, actor: "User", report: "LawEnforcementReport", purpose: str, via: str) -> None:
    record(
        actor=actor,
        action="report.viewed",
        object_type=OBJECT_TYPE,
        object_id=str(report.public_id),
        purpose=purpose,
        detail={"via": via},
    )


def reports_listed(*, actor: "User", count: int, via: str) -> None:
    record(
        actor=actor,
        action="report.listed",
        object_type=OBJECT_TYPE,
        detail={"count": count, "via": via},
    )
