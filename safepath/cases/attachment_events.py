"""Audit events of attachments: who added or downloaded which one, never its name or
content."""

from typing import TYPE_CHECKING

from safepath.audit.events import record

if TYPE_CHECKING:
    from safepath.accounts.models import User
    from safepath.cases.models import CaseAttachment


def attachment_added(*, actor: "User", attachment: "CaseAttachment", via: str) -> None:
    record(
        actor=actor,
        action="case.attachment_added",
        object_type="case",
        object_id=str(attachment.case.public_id),
        detail={"via": via, "target": str(attachment.public_id), "count": attachment.size},
    )


def attachment_downloaded(*, actor: "User", attachment: "CaseAttachment", via: str) -> None:
    record(
        actor=actor,
        action="case.attachment_downloaded",
        object_type="case",
        object_id=str(attachment.case.public_id),
        purpose="attachment",
        detail={"via": via, "target": str(attachment.public_id)},
    )
