"""Assistance API: `/api/v1/cases/{case_id}/assistance`. Same selectors and services as
the web pages: one rule, two doors."""

import uuid
from typing import Annotated

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.params import functions as param_functions
from pydantic import Field

from safepath.accounts import policies
from safepath.accounts.models import Organisation, User
from safepath.api.idempotency import run_idempotent
from safepath.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from safepath.api.problems import invalid_fields
from safepath.api.schemas import Problem
from safepath.cases import assistance_events as events
from safepath.cases import assistance_selectors as selectors
from safepath.cases import assistance_services as services
from safepath.cases.assistance_schemas import (
    AssistanceIn,
    AssistanceOut,
    AssistancePage,
    StockIssueOut,
)
from safepath.cases.models import Assistance
from safepath.cases.selectors import access_case
from safepath.core.exceptions import NotAllowed
from safepath.screening.schemas import PersonRef

router = Router(tags=["assistance"])
ERRORS = {401: Problem, 404: Problem, 422: Problem}
IdempotencyKeyHeader = Annotated[
    str | None, param_functions.Header(alias="Idempotency-Key", max_length=200)
]


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def assistance_out(assistance: Assistance) -> AssistanceOut:
    issue = getattr(assistance, "stock_issue", None)
    return AssistanceOut(
        id=str(assistance.public_id),
        case=str(assistance.case.public_id) if assistance.case else None,
        person=PersonRef(id=str(assistance.person.public_id), code=assistance.person.code),
        kind=assistance.kind,
        quantity=assistance.quantity,
        given_on=assistance.given_on,
        provider=assistance.provider.code,
        recorded_by=assistance.created_by.get_username(),
        recorded_at=assistance.created_at,
        stock_issue=StockIssueOut(
            warehouse=str(issue.warehouse.public_id), balance_after=issue.balance_after
        )
        if issue is not None
        else None,
    )


def _invalid(exc: services.Invalid) -> HttpResponse:
    return invalid_fields(exc.errors)


class ListParams(Schema):
    cursor: str | None = Field(None, max_length=64)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get(
    "/cases/{case_id}/assistance",
    response={200: AssistancePage, 400: Problem, **ERRORS},
    summary="Assistance given for a case",
    description="Newest recorded first, by cursor.",
)
def list_case_assistance(
    request: HttpRequest, case_id: uuid.UUID, params: Query[ListParams]
) -> AssistancePage:
    actor = _actor(request)
    if not policies.can(actor, "assistance.view"):
        raise Http404
    case = access_case(actor=actor, case_id=case_id, purpose="assistance", via="api")
    if not selectors.can_view_assistance(actor, case):
        raise Http404
    rows, next_cursor = paginate(
        selectors.assistance_of_case(actor, case).select_related("case", "person"),
        cursor=params.cursor,
        limit=params.limit,
    )
    events.assistance_listed(actor=actor, case=case, count=len(rows), via="api")
    return AssistancePage(items=[assistance_out(a) for a in rows], next_cursor=next_cursor)


@router.post(
    "/cases/{case_id}/assistance",
    response={201: AssistanceOut, 400: Problem, 409: Problem, **ERRORS},
    summary="Record assistance given for a case",
    description="With `stock_issue`, the items leave that warehouse's stock in the same "
    "transaction; not enough stock answers 422 naming the item, and nothing is saved. "
    "Send an `Idempotency-Key` header to make retries safe.",
)
def record_case_assistance(
    request: HttpRequest,
    case_id: uuid.UUID,
    payload: AssistanceIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    actor = _actor(request)
    if not policies.can(actor, "assistance.record"):
        raise Http404

    def create() -> tuple[int, AssistanceOut]:
        # One transaction: a refused record leaves no trace, not even the read of the case.
        with transaction.atomic():
            case = access_case(actor=actor, case_id=case_id, purpose="assistance", via="api")
            if not selectors.can_record_assistance(actor, case):
                raise Http404
            provider = None
            if payload.provider is not None:
                provider = Organisation.objects.filter(code=payload.provider).first()
                if provider is None:
                    raise services.Invalid(
                        [services.FieldError("provider", _("No organisation has this code."))]
                    )
            warehouse = None
            if payload.stock_issue is not None:
                warehouse = selectors.access_warehouse(
                    actor=actor, warehouse_id=payload.stock_issue.warehouse
                )
            try:
                assistance = services.assistance_record(
                    actor=actor,
                    case=case,
                    kind=payload.kind,
                    quantity=payload.quantity,
                    given_on=payload.given_on,
                    provider=provider,
                    warehouse=warehouse,
                    stock_field="stock_issue",
                    via="api",
                )
            except NotAllowed as exc:
                raise Http404 from exc
            return 201, assistance_out(assistance)

    try:
        return run_idempotent(request, actor=actor, key=idempotency_key, create=create)
    except services.Invalid as exc:
        return _invalid(exc)
