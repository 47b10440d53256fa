"""Cases API. Same selectors and services as the web pages: one rule, two doors."""

import uuid

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from safepath.api.problems import invalid_fields, problem
from safepath.api.schemas import Problem
from safepath.cases import events, selectors, services
from safepath.cases.models import Case
from safepath.cases.schemas import CaseIn, CaseOut, CasePage, CasePatch
from safepath.core.exceptions import ConflictError, NotAllowed
from safepath.people.selectors import access_person
from safepath.screening.schemas import PersonRef
from safepath.screening.selectors import access_screening

router = Router(tags=["cases"])
ERRORS = {401: Problem, 404: Problem, 422: Problem}


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def case_out(case: Case, actor: User) -> CaseOut:
    show_identity = policies.in_scope(actor, "person.view_identity", case.person)
    return CaseOut(
        id=str(case.public_id),
        person=PersonRef(id=str(case.person.public_id), code=case.person.code),
        screening=str(case.screening.public_id) if case.screening else None,
        organisation=case.organisation.code,
        team=case.team.name if case.team else None,
        owner=case.owner.get_username(),
        status=case.status,
        trafficking_status=case.trafficking_status,
        trafficking_status_decided_by=case.trafficking_status_decided_by,
        trafficking_status_date=case.trafficking_status_date,
        exploitation_types=list(case.exploitation_types),
        forced_labour_industries=list(case.forced_labour_industries),
        means_of_control=list(case.means_of_control),
        recruitment_methods=list(case.recruitment_methods),
        relationship_to_trafficker=case.relationship_to_trafficker,
        risk_level=case.risk_level,
        is_child=case.is_child,
        guardian_status=case.guardian_status,
        guardian_court=case.guardian_court,
        guardian_appointed_on=case.guardian_appointed_on,
        support_plan_type=case.support_plan_type,
        safety_concerns=case.safety_concerns if show_identity else None,
        version=case.version,
        created_at=case.created_at,
        updated_at=case.updated_at,
        closed_at=case.closed_at,
    )


def _invalid(exc: services.CaseInvalid) -> HttpResponse:
    return invalid_fields(exc.errors)


@router.post(
    "/cases",
    response={201: CaseOut, 400: Problem, **ERRORS},
    summary="Open a case",
    description="From a screening of a person (`screening`), or for a person (`person`). "
    "The person must have consented to the processing of their data and have no open "
    "case in your organisation.",
)
def create_case(request: HttpRequest, payload: CaseIn) -> HttpResponse | Status[CaseOut]:
    actor = _actor(request)
    if not policies.can(actor, "case.create"):
        raise Http404
    try:
        with transaction.atomic():
            screening = person = None
            if payload.screening is not None:
                screening = access_screening(
                    actor=actor, screening_id=payload.screening, purpose="case", via="api"
                )
            elif payload.person is not None:
                person = access_person(
                    actor=actor, person_id=payload.person, purpose="case", via="api"
                )
            case = services.case_open(actor=actor, person=person, screening=screening, via="api")
    except NotAllowed as exc:
        raise Http404 from exc
    except services.CaseInvalid as exc:
        return _invalid(exc)
    return Status(201, case_out(case, actor))


class ListParams(Schema):
    cursor: str | None = Field(None, max_length=64)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="Cases you may see")
def list_cases(request: HttpRequest, params: Query[ListParams]) -> CasePage:
    actor = _actor(request)
    rows, next_cursor = paginate(
        selectors.listed_cases(actor), cursor=params.cursor, limit=params.limit
    )
    items = [case_out(case, actor) for case in rows]
    events.cases_listed(
        actor=actor, count=len(items), via="api", filters=["cursor"] if params.cursor else []
    )
    return CasePage(items=items, next_cursor=next_cursor)


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS}, summary="One case")
def get_case(request: HttpRequest, case_id: uuid.UUID) -> CaseOut:
    actor = _actor(request)
    case = selectors.access_case(actor=actor, case_id=case_id, purpose="api", via="api")
    return case_out(case, actor)


@router.patch(
    "/cases/{case_id}",
    response={200: CaseOut, 409: Problem, **ERRORS},
    summary="Change a case",
    description="Send the `version` you read and only the fields to change. If the case "
    "changed since, the answer is 409 with the current version, and nothing is saved.",
)
def patch_case(
    request: HttpRequest, case_id: uuid.UUID, payload: CasePatch
) -> HttpResponse | CaseOut:
    actor = _actor(request)
    if not policies.can(actor, "case.change"):
        raise Http404
    case = selectors.access_case(actor=actor, case_id=case_id, purpose="edit", via="api")
    if not selectors.can_change(actor, case):
        raise Http404
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    if "safety_concerns" in data and not policies.in_scope(
        actor, "person.view_identity", case.person
    ):
        raise Http404
    try:
        case = services.case_update(
            actor=actor, case=case, data=data, expected_version=version, via="api"
        )
    except ConflictError as exc:
        return problem(
            status=409,
            title=_("Conflict"),
            detail=_(
                "The case was changed by someone else since you read it (version %(version)d"
                " now). Read it again and reapply your change. Nothing was saved."
            )
            % {"version": exc.current_version},
        )
    except services.CaseInvalid as exc:
        return _invalid(exc)
    return case_out(case, actor)
