"""The case plan and approvals in the API."""

import datetime
import uuid

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from safepath.accounts import policies
from safepath.cases import selectors, workflow_services
from safepath.cases.api import ERRORS, _actor, _invalid
from safepath.cases.models import Case, CaseApproval, PlanItem
from safepath.cases.services import CaseInvalid
from safepath.core.exceptions import NotAllowed
from safepath.screening.schemas import Timestamp

router = Router(tags=["cases"])


class PlanItemIn(Schema):
    model_config = ConfigDict(extra="forbid")
    goal: str = Field(min_length=1, max_length=5000)
    action: str = Field("", max_length=5000)
    responsible: str = Field("", max_length=200)
    due_on: datetime.date | None = None


class PlanItemOut(Schema):
    id: str
    goal: str | None
    action: str | None
    responsible: str
    due_on: datetime.date | None
    done_at: Timestamp | None


class ApprovalIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(max_length=16)
    comment: str = Field("", max_length=5000)


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    comment: str = Field("", max_length=5000)


class ApprovalOut(Schema):
    id: str
    kind: str
    status: str
    requested_by: str
    requested_at: Timestamp
    decided_by: str | None
    decided_at: Timestamp | None
    # Free text: only for roles that may see identity.
    request_comment: str | None
    decision_comment: str | None


def _identity(request: HttpRequest, case: Case) -> bool:
    return policies.in_scope(_actor(request), "person.view_identity", case.person)


def _plan_out(item: PlanItem, identity: bool) -> PlanItemOut:
    return PlanItemOut(
        id=str(item.public_id),
        goal=item.goal if identity else None,
        action=item.action if identity else None,
        responsible=item.responsible,
        due_on=item.due_on,
        done_at=item.done_at,
    )


def _approval_out(approval: CaseApproval, identity: bool) -> ApprovalOut:
    return ApprovalOut(
        id=str(approval.public_id),
        kind=approval.kind,
        status=approval.status,
        requested_by=approval.requested_by.get_username(),
        requested_at=approval.created_at,
        decided_by=approval.decided_by.get_username() if approval.decided_by else None,
        decided_at=approval.decided_at,
        request_comment=approval.request_comment if identity else None,
        decision_comment=approval.decision_comment if identity else None,
    )


def _case(request: HttpRequest, case_id: uuid.UUID, purpose: str, *, change: bool) -> Case:
    actor = _actor(request)
    if change and not policies.can(actor, "case.change"):
        raise Http404
    case = selectors.access_case(actor=actor, case_id=case_id, purpose=purpose, via="api")
    if change and not selectors.can_change(actor, case):
        raise Http404
    return case


@router.get(
    "/cases/{case_id}/plan", response={200: list[PlanItemOut], **ERRORS}, summary="The case plan"
)
def list_plan(request: HttpRequest, case_id: uuid.UUID) -> list[PlanItemOut]:
    case = _case(request, case_id, "plan", change=False)
    identity = _identity(request, case)
    return [_plan_out(item, identity) for item in selectors.plan_of(case)]


@router.post(
    "/cases/{case_id}/plan", response={201: PlanItemOut, **ERRORS}, summary="Add to the case plan"
)
def add_plan_item(
    request: HttpRequest, case_id: uuid.UUID, payload: PlanItemIn
) -> HttpResponse | Status[PlanItemOut]:
    try:
        with transaction.atomic():
            case = _case(request, case_id, "plan", change=True)
            item = workflow_services.plan_item_add(
                actor=_actor(request), case=case, **payload.model_dump()
            )
    except CaseInvalid as exc:
        return _invalid(exc)
    return Status(201, _plan_out(item, _identity(request, case)))


@router.get(
    "/cases/{case_id}/approvals", response={200: list[ApprovalOut], **ERRORS}, summary="Approvals"
)
def list_approvals(request: HttpRequest, case_id: uuid.UUID) -> list[ApprovalOut]:
    case = _case(request, case_id, "approval", change=False)
    identity = _identity(request, case)
    return [_approval_out(a, identity) for a in selectors.approvals_of(case)]


@router.post(
    "/cases/{case_id}/approvals",
    response={201: ApprovalOut, **ERRORS},
    summary="Request an approval",
    description="`kind` is `assessment`, `case_plan` or `closure`. One request of a kind "
    "waits at a time. Closing a case needs an approved closure.",
)
def request_approval(
    request: HttpRequest, case_id: uuid.UUID, payload: ApprovalIn
) -> HttpResponse | Status[ApprovalOut]:
    try:
        with transaction.atomic():
            case = _case(request, case_id, "approval", change=True)
            approval = workflow_services.approval_request(
                actor=_actor(request), case=case, kind=payload.kind, comment=payload.comment
            )
    except CaseInvalid as exc:
        return _invalid(exc)
    return Status(201, _approval_out(approval, _identity(request, case)))


@router.post(
    "/cases/{case_id}/approvals/{approval_id}/decision",
    response={200: ApprovalOut, **ERRORS},
    summary="Approve or reject a request",
    description="Supervisors only; nobody decides on their own request, and a rejection "
    "needs a comment.",
)
def decide_approval(
    request: HttpRequest, case_id: uuid.UUID, approval_id: uuid.UUID, payload: DecisionIn
) -> HttpResponse | ApprovalOut:
    actor = _actor(request)
    if not policies.can(actor, "case.approve"):
        raise Http404
    try:
        with transaction.atomic():
            case = selectors.access_case(
                actor=actor, case_id=case_id, purpose="approval", via="api"
            )
            if not selectors.can_approve(actor, case):
                raise Http404
            approval = selectors.access_approval(actor=actor, case=case, approval_id=approval_id)
            approval = workflow_services.approval_decide(
                actor=actor, approval=approval, approve=payload.approve, comment=payload.comment
            )
    except NotAllowed as exc:
        raise Http404 from exc
    except CaseInvalid as exc:
        return _invalid(exc)
    return _approval_out(approval, _identity(request, case))
