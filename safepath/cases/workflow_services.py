"""Writes for the work on a case: approvals, the case plan, tasks and follow-ups."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases import workflow_events as events
from safepath.cases.models import (
    ApprovalKind,
    ApprovalStatus,
    Case,
    CaseApproval,
    CaseTask,
    PlanItem,
    TaskKind,
)
from safepath.cases.services import MAX_TEXT, OWNER, CaseError, CaseInvalid, refuse_if_anonymised
from safepath.core.exceptions import NotAllowed

MAX_SHORT = 200


def _require_change(actor: User, case: Case) -> None:
    if not policies.in_scope(actor, "case.change", case, **OWNER):
        raise NotAllowed("case.change")
    refuse_if_anonymised(case)


def _text(field: str, value: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    text = value.strip()
    if required and not text:
        raise CaseInvalid([CaseError(field, _("This field is required."))])
    if len(text) > limit:
        raise CaseInvalid([CaseError(field, _("At most %(count)d characters.") % {"count": limit})])
    return text


@transaction.atomic
def approval_request(*, actor: User, case: Case, kind: str, comment: str = "") -> CaseApproval:
    _require_change(actor, case)
    if kind not in ApprovalKind.values:
        raise CaseInvalid([CaseError("kind", _("Choose what is to be approved."))])
    text = _text("comment", comment, required=False)
    try:
        with transaction.atomic():
            approval = CaseApproval.objects.create(
                case=case, kind=kind, requested_by=actor, request_comment=text
            )
    except IntegrityError as exc:  # the partial unique index: one pending request per kind
        raise CaseInvalid(
            [CaseError("kind", _("A request of this kind is already waiting for a decision."))]
        ) from exc
    events.approval_requested(actor=actor, approval=approval)
    return approval


def decision_problems(
    *, actor: User, pending: bool, requested_by_id: int, approve: bool, comment: str
) -> tuple[list[CaseError], str]:
    """The rules every supervisor's decision on a request follows (approvals, erasure):
    still pending, not the decider's own request, a reason for a rejection, a bounded
    comment. Answers the problems and the cleaned comment."""
    errors = []
    if not pending:
        errors.append(CaseError("status", _("This request has already been decided.")))
    if requested_by_id == actor.pk:
        errors.append(
            CaseError(
                "decided_by", _("You cannot decide on your own request: ask another supervisor.")
            )
        )
    text = comment.strip()
    if not approve and not text:
        errors.append(CaseError("comment", _("Say why the request is rejected.")))
    if len(text) > MAX_TEXT:
        errors.append(
            CaseError("comment", _("At most %(count)d characters.") % {"count": MAX_TEXT})
        )
    return errors, text


@transaction.atomic
def approval_decide(
    *, actor: User, approval: CaseApproval, approve: bool, comment: str = ""
) -> CaseApproval:
    """A supervisor's decision. Nobody approves or rejects their own request, and a
    rejection says why."""
    case = approval.case
    if not policies.in_scope(actor, "case.approve", case, **OWNER):
        raise NotAllowed("case.approve")
    refuse_if_anonymised(case)
    locked = CaseApproval.objects.select_for_update().get(pk=approval.pk)
    errors, text = decision_problems(
        actor=actor,
        pending=locked.status == ApprovalStatus.PENDING,
        requested_by_id=locked.requested_by_id,
        approve=approve,
        comment=comment,
    )
    if errors:
        raise CaseInvalid(errors)
    locked.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_comment = text
    locked.save()
    events.approval_decided(actor=actor, approval=locked)
    return locked


@transaction.atomic
def plan_item_add(
    *,
    actor: User,
    case: Case,
    goal: str,
    action: str = "",
    responsible: str = "",
    due_on: datetime.date | None = None,
) -> PlanItem:
    _require_change(actor, case)
    item = PlanItem.objects.create(
        case=case,
        goal=_text("goal", goal, required=True),
        action=_text("action", action, required=False),
        responsible=_text("responsible", responsible, required=False, limit=MAX_SHORT),
        due_on=due_on,
        created_by=actor,
    )
    events.plan_changed(actor=actor, case=case)
    return item


@transaction.atomic
def plan_item_done(*, actor: User, item: PlanItem) -> PlanItem:
    _require_change(actor, item.case)
    if item.done_at is None:
        item.done_at = timezone.now()
        item.save(update_fields=["done_at", "updated_at"])
        events.plan_changed(actor=actor, case=item.case)
    return item


@transaction.atomic
def task_add(
    *,
    actor: User,
    case: Case,
    kind: str,
    title: str,
    due_on: datetime.date,
    assignee: User,
) -> CaseTask:
    _require_change(actor, case)
    errors = []
    if kind not in TaskKind.values:
        errors.append(CaseError("kind", _("Choose a task or a follow-up.")))
    if (
        assignee.organisation_id != case.organisation_id
        or not assignee.is_active
        or assignee.role not in ("caseworker", "supervisor")
    ):
        errors.append(
            CaseError(
                "assignee", _("Choose an active caseworker or supervisor of the organisation.")
            )
        )
    if errors:
        raise CaseInvalid(errors)
    task = CaseTask.objects.create(
        case=case,
        kind=kind,
        title=_text("title", title, required=True, limit=MAX_SHORT),
        due_on=due_on,
        assignee=assignee,
        created_by=actor,
    )
    events.task_added(actor=actor, task=task)
    return task


@transaction.atomic
def task_done(*, actor: User, task: CaseTask) -> CaseTask:
    if task.assignee_id != actor.pk:
        _require_change(actor, task.case)
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at", "updated_at"])
        events.task_done(actor=actor, task=task)
    return task
