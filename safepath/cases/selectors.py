"""Every read of cases goes through here; `access_case` is the one door."""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases import events
from safepath.cases.models import Case, CaseApproval, CaseEvent, CaseNote, CaseTask, PlanItem
from safepath.cases.vocabularies import CLOSED_STATUSES
from safepath.people.selectors import IDENTITY_FIELDS

OWNER = {"owner_field": "owner"}
# A list shows person codes, never names: loading the encrypted identity columns would
# decrypt seven values per row for nothing (and keep them in memory).
LISTED_WITHOUT = tuple(f"person__{name}" for name in IDENTITY_FIELDS)


def visible_cases(actor: User) -> QuerySet[Case]:
    return policies.scoped(actor, "case.view", Case.objects.all(), **OWNER).select_related(
        "person", "owner", "organisation", "team", "screening"
    )


def listed_cases(actor: User) -> QuerySet[Case]:
    """`visible_cases` for a list: the same rows, without the encrypted identity
    columns (a row that reads one anyway loads it on demand)."""
    return visible_cases(actor).defer(*LISTED_WITHOUT)


def access_case(*, actor: User, case_id: uuid.UUID | str, purpose: str, via: str) -> Case:
    """The case, if `actor` may see it; otherwise 404, as if it did not exist. Each
    read is audited."""
    try:
        key = uuid.UUID(str(case_id))
    except ValueError as exc:
        raise Http404 from exc
    case = visible_cases(actor).filter(public_id=key).first()
    if case is None:
        raise Http404
    events.case_viewed(actor=actor, case=case, purpose=purpose, via=via)
    return case


def can_change(actor: User, case: Case) -> bool:
    """In reach, and not anonymised (an anonymised case takes no more changes)."""
    return case.anonymised_at is None and policies.in_scope(
        actor, "case.change", case, owner_field="owner"
    )


def can_assign(actor: User, case: Case) -> bool:
    return policies.in_scope(actor, "case.assign", case, owner_field="owner")


def timeline_of(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor")


def notes_of(case: Case) -> QuerySet[CaseNote]:
    return case.notes.select_related("author")


def assignable_caseworkers(actor: User, case: Case) -> QuerySet[User]:
    """Who the case may be given to: active caseworkers and supervisors of the case's
    organisation."""
    return User.objects.filter(
        organisation_id=case.organisation_id,
        is_active=True,
        role__in=("caseworker", "supervisor"),
    ).order_by("username")


def approvals_of(case: Case) -> QuerySet[CaseApproval]:
    return case.approvals.select_related("requested_by", "decided_by")


def plan_of(case: Case) -> QuerySet[PlanItem]:
    return case.plan_items.all()


def tasks_of(case: Case) -> QuerySet[CaseTask]:
    return case.tasks.select_related("assignee")


def can_approve(actor: User, case: Case) -> bool:
    return policies.in_scope(actor, "case.approve", case, owner_field="owner")


def access_approval(*, actor: User, case: Case, approval_id: uuid.UUID | str) -> CaseApproval:
    """An approval request of a case the actor has already reached; else 404."""
    approval = case.approvals.filter(public_id=_uuid(approval_id)).first()
    if approval is None:
        raise Http404
    return approval


def access_plan_item(*, case: Case, item_id: uuid.UUID | str) -> PlanItem:
    item = case.plan_items.filter(public_id=_uuid(item_id)).first()
    if item is None:
        raise Http404
    return item


def access_task(*, case: Case, task_id: uuid.UUID | str) -> CaseTask:
    task = case.tasks.filter(public_id=_uuid(task_id)).first()
    if task is None:
        raise Http404
    return task


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def my_tasks(actor: User) -> QuerySet[CaseTask]:
    """Open tasks assigned to the actor on cases they still reach, soonest first."""
    reachable = visible_cases(actor).values("pk")
    return (
        CaseTask.objects.filter(assignee=actor, done_at__isnull=True, case__in=reachable)
        .select_related("case", "case__person")
        .defer(*(f"case__{name}" for name in LISTED_WITHOUT), "case__safety_concerns")
        .order_by("due_on", "id")
    )


def approvals_to_decide(actor: User) -> QuerySet[CaseApproval]:
    """Pending requests the actor may decide: in their reach, not their own."""
    if not policies.can(actor, "case.approve"):
        return CaseApproval.objects.none()
    reachable = policies.scoped(actor, "case.approve", Case.objects.all(), **OWNER).values("pk")
    return (
        CaseApproval.objects.filter(status="pending", case__in=reachable)
        .exclude(requested_by=actor)
        .select_related("case", "case__person", "requested_by")
        .defer(*(f"case__{name}" for name in LISTED_WITHOUT), "case__safety_concerns")
        .order_by("created_at")
    )


def my_open_cases(actor: User) -> QuerySet[Case]:
    return listed_cases(actor).filter(owner=actor).exclude(status__in=CLOSED_STATUSES)
