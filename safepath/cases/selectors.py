"""Every read of cases goes through here; `access_case` is the one door."""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases import events
from safepath.cases.models import Case, CaseEvent, CaseNote

OWNER = {"owner_field": "owner"}


def visible_cases(actor: User) -> QuerySet[Case]:
    return policies.scoped(actor, "case.view", Case.objects.all(), **OWNER).select_related(
        "person", "owner", "organisation", "team", "screening"
    )


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
    return policies.in_scope(actor, "case.change", case, owner_field="owner")


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
