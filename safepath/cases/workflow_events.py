"""Timeline lines and audit events of approvals, the plan and tasks: kinds and ids,
never the comments or titles (they are free text)."""

from typing import TYPE_CHECKING

from safepath.audit.events import record
from safepath.cases.events import _timeline

if TYPE_CHECKING:
    from safepath.accounts.models import User
    from safepath.cases.models import Case, CaseApproval, CaseTask


def _audit(actor: "User", case: "Case", action: str, target: str = "") -> None:
    detail = {"target": target} if target else {}
    record(
        actor=actor,
        action=action,
        object_type="case",
        object_id=str(case.public_id),
        detail=detail,
    )


def approval_requested(*, actor: "User", approval: "CaseApproval") -> None:
    _timeline(approval.case, actor, "approval_requested", approval=approval.kind)
    _audit(actor, approval.case, "case.approval_requested", approval.kind)


def approval_decided(*, actor: "User", approval: "CaseApproval") -> None:
    _timeline(
        approval.case, actor, "approval_decided", approval=approval.kind, status=approval.status
    )
    _audit(actor, approval.case, f"case.approval_{approval.status}", approval.kind)


def plan_changed(*, actor: "User", case: "Case") -> None:
    _timeline(case, actor, "plan")
    _audit(actor, case, "case.plan_changed")


def task_added(*, actor: "User", task: "CaseTask") -> None:
    _timeline(task.case, actor, "task_added", task=task.kind, assignee=task.assignee.get_username())
    _audit(actor, task.case, "case.task_added", task.kind)


def task_done(*, actor: "User", task: "CaseTask") -> None:
    _timeline(task.case, actor, "task_done", task=task.kind)
    _audit(actor, task.case, "case.task_done", task.kind)
