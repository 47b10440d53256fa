"""Referrals API: `/api/v1/referrals`. Same selectors and services as the web pages:
one rule, two doors.

A referral refused at the consent gate answers 403 problem+json with the reason code
(`reason`) and writes nothing but the audit event of the refusal: the reads the request
made (the person, the case) are rolled back with it. The receiver reads a referral
without the person, the case or the screening: only the fields that were shared.
"""

import json
import uuid
from collections.abc import Callable
from typing import Annotated

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.params import functions as param_functions
from pydantic import Field

from safepath.accounts import policies
from safepath.accounts.models import Organisation, User
from safepath.api.idempotency import run_idempotent
from safepath.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from safepath.api.problems import PROBLEM_CONTENT_TYPE, invalid_fields
from safepath.api.schemas import Problem
from safepath.cases.selectors import access_case
from safepath.core.exceptions import NotAllowed
from safepath.directory.models import Service
from safepath.people.selectors import access_person
from safepath.referrals import events, selectors, services, transition_services
from safepath.referrals.models import Referral, ReferralStatus, SentVia
from safepath.referrals.schemas import (
    OutcomeIn,
    ReasonIn,
    RecipientOut,
    ReferralCreated,
    ReferralIn,
    ReferralOut,
    ReferralPage,
    SharedFieldOut,
    UpdateIn,
    UpdateOut,
)
from safepath.screening.schemas import PersonRef
from safepath.screening.selectors import access_screening

router = Router(tags=["referrals"])


class RefusedProblem(Problem):
    """A referral refused at the consent gate; `reason` is the code of why."""

    reason: str


ERRORS = {401: Problem, 404: Problem, 422: Problem}
IdempotencyKeyHeader = Annotated[
    str | None, param_functions.Header(alias="Idempotency-Key", max_length=200)
]


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def referral_out(referral: Referral, actor: User, *, with_updates: bool = False) -> ReferralOut:
    sender = selectors.is_sender(actor, referral)
    updates = None
    if with_updates:
        updates = [
            UpdateOut(
                id=str(update.public_id),
                author=update.author.get_username(),
                text=update.text,
                created_at=update.created_at,
            )
            for update in selectors.updates_of(referral)
        ]
    return ReferralOut(
        id=str(referral.public_id),
        status=referral.status,
        urgent=referral.urgent,
        respond_by=referral.respond_by,
        overdue=referral.status == ReferralStatus.SENT and referral.respond_by < timezone.now(),
        purpose=referral.purpose,
        from_organisation=referral.organisation.code,
        recipient=RecipientOut(
            service=str(referral.service.public_id) if referral.service else None,
            organisation=referral.to_organisation.code if referral.to_organisation else None,
            external=referral.external_recipient or None,
            sent_via=referral.sent_via,
            language=referral.recipient_language,
        ),
        legal_ground=referral.legal_ground,
        legal_ground_approved=referral.legal_ground_approved_by_id is not None,
        shared=[
            SharedFieldOut(name=f.name, label=f.label, value=f.value, hidden=f.hidden)
            for f in selectors.shared_view(referral, actor=actor)
        ],
        decline_reason=referral.decline_reason,
        outcome=referral.outcome,
        updates=updates,
        # The receiver never gets the person, the case or the screening.
        person=PersonRef(id=str(referral.person.public_id), code=referral.person.code)
        if sender
        else None,
        case=str(referral.case.public_id) if sender and referral.case else None,
        screening=str(referral.screening.public_id) if sender and referral.screening else None,
        created_at=referral.created_at,
        status_changed_at=referral.status_changed_at,
        answered_at=referral.answered_at,
        completed_at=referral.completed_at,
        version=referral.version,
    )


def _invalid(exc: services.ReferralInvalid) -> HttpResponse:
    return invalid_fields(exc.errors)


def _refused(exc: services.ReferralRefused) -> HttpResponse:
    """403 problem+json, with the refusal's code in the extension member `reason`."""
    body = {
        "type": "about:blank",
        "title": _("Referral refused"),
        "status": 403,
        "detail": exc.message,
        "reason": exc.reason,
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=403, content_type=PROBLEM_CONTENT_TYPE
    )


def _bad(field: str, detail: str) -> services.ReferralInvalid:
    return services.ReferralInvalid([services.ReferralError(field, detail)])


@router.post(
    "/referrals",
    response={201: ReferralCreated, 400: Problem, 403: RefusedProblem, 409: Problem, **ERRORS},
    summary="Refer a person",
    description="To a directory service (`service`: its HSDS id), an organisation in "
    "safepath (`organisation`: its code) or a recipient outside safepath "
    "(`external_recipient`, with `sent_via`). `share` names the fields sent (the code "
    "always). Identity fields need the person's valid consent to referral, or a "
    "`legal_ground` (`child_protection`, `imminent_danger`): then the referral waits for "
    "another supervisor's approval. Without either, 403 with `reason` "
    "`consent_required`, and nothing is saved. Send an `Idempotency-Key` header to make "
    "retries safe. The answer holds the ids and the names of the fields shared, never "
    "their values: `GET /referrals/{id}` reads them.",
)
def create_referral(
    request: HttpRequest, payload: ReferralIn, idempotency_key: IdempotencyKeyHeader = None
) -> HttpResponse:
    actor = _actor(request)
    if not policies.can(actor, "referral.create"):
        raise Http404

    def create() -> tuple[int, ReferralCreated]:
        # One transaction: a refused referral leaves no trace but the refusal's audit
        # event, not even the reads of the person and the case.
        with transaction.atomic():
            person = access_person(
                actor=actor, person_id=payload.person, purpose="referral", via="api"
            )
            case = screening = None
            if payload.case is not None:
                case = access_case(actor=actor, case_id=payload.case, purpose="referral", via="api")
            if payload.screening is not None:
                screening = access_screening(
                    actor=actor, screening_id=payload.screening, purpose="referral", via="api"
                )
            service = organisation = None
            if payload.service is not None:
                service = (
                    Service.objects.select_related("organization__organisation")
                    .filter(public_id=payload.service)
                    .first()
                )
                if service is None:
                    raise _bad("service", _("No service in the directory has this id."))
            if payload.organisation:
                organisation = Organisation.objects.filter(code=payload.organisation).first()
                if organisation is None:
                    raise _bad("organisation", _("No organisation has this code."))
            try:
                referral = services.referral_create(
                    actor=actor,
                    person=person,
                    case=case,
                    screening=screening,
                    service=service,
                    to_organisation=organisation,
                    external_recipient=payload.external_recipient or "",
                    recipient_language=payload.recipient_language,
                    purpose=payload.purpose,
                    urgent=payload.urgent,
                    share=payload.share,
                    legal_ground=payload.legal_ground,
                    sent_via=payload.sent_via or SentVia.SAFEPATH,
                    via="api",
                )
            except NotAllowed as exc:
                raise Http404 from exc
            return 201, ReferralCreated(
                id=str(referral.public_id),
                status=referral.status,
                urgent=referral.urgent,
                respond_by=referral.respond_by,
                person=PersonRef(id=str(person.public_id), code=person.code),
                shared_fields=list(referral.shared_fields),
            )

    try:
        return run_idempotent(request, actor=actor, key=idempotency_key, create=create)
    except services.ReferralInvalid as exc:
        return _invalid(exc)
    except services.ReferralRefused as exc:
        # Now that the request's transaction is rolled back, the refusal is audited.
        services.audit_refusal(actor=actor, exc=exc, via="api")
        return _refused(exc)


class ListParams(Schema):
    cursor: str | None = Field(None, max_length=64)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    status: ReferralStatus | None = None
    direction: str | None = Field(
        None, pattern="^(sent|received)$", description="`sent` or `received`; both if empty."
    )


@router.get(
    "/referrals",
    response={200: ReferralPage, 400: Problem, **ERRORS},
    summary="Referrals you sent or received",
)
def list_referrals(request: HttpRequest, params: Query[ListParams]) -> ReferralPage:
    actor = _actor(request)
    if params.direction == "sent":
        rows_query = selectors.sent_referrals(actor)
    elif params.direction == "received":
        rows_query = selectors.received_referrals(actor)
    else:
        rows_query = selectors.visible_referrals(actor)
    if params.status is not None:
        rows_query = rows_query.filter(status=params.status)
    rows, next_cursor = paginate(rows_query, cursor=params.cursor, limit=params.limit)
    items = [referral_out(referral, actor) for referral in rows]
    filters = [
        name for name in ("cursor", "status", "direction") if getattr(params, name) is not None
    ]
    events.referrals_listed(actor=actor, count=len(items), via="api", filters=filters)
    return ReferralPage(items=items, next_cursor=next_cursor)


@router.get(
    "/referrals/{referral_id}", response={200: ReferralOut, **ERRORS}, summary="One referral"
)
def get_referral(request: HttpRequest, referral_id: uuid.UUID) -> ReferralOut:
    actor = _actor(request)
    referral = selectors.access_referral(
        actor=actor, referral_id=referral_id, purpose="api", via="api"
    )
    return referral_out(referral, actor, with_updates=True)


def _act(
    request: HttpRequest,
    referral_id: uuid.UUID,
    allowed: Callable[[User, Referral], bool],
    action: Callable[[User, Referral], Referral | object],
) -> HttpResponse | ReferralOut:
    """Reach the referral, check the actor may take this step (else 404), take it."""
    actor = _actor(request)
    try:
        with transaction.atomic():
            referral = selectors.access_referral(
                actor=actor, referral_id=referral_id, purpose="act", via="api"
            )
            if not allowed(actor, referral):
                raise Http404
            action(actor, referral)
    except NotAllowed as exc:
        raise Http404 from exc
    except services.ReferralInvalid as exc:
        return _invalid(exc)
    fresh = selectors.visible_referrals(actor).get(pk=referral.pk)
    return referral_out(fresh, actor, with_updates=True)


STEP = {200: ReferralOut, **ERRORS}


@router.post("/referrals/{referral_id}/approve", response=STEP, summary="Approve a legal ground")
def approve_referral(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse | ReferralOut:
    return _act(
        request,
        referral_id,
        lambda actor, r: policies.in_scope(actor, "referral.approve_legal_ground", r),
        lambda actor, r: transition_services.referral_approve(actor=actor, referral=r, via="api"),
    )


@router.post("/referrals/{referral_id}/accept", response=STEP, summary="Accept a referral")
def accept_referral(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse | ReferralOut:
    return _act(
        request,
        referral_id,
        selectors.records_answers,
        lambda actor, r: transition_services.referral_accept(actor=actor, referral=r, via="api"),
    )


@router.post("/referrals/{referral_id}/decline", response=STEP, summary="Decline a referral")
def decline_referral(
    request: HttpRequest, referral_id: uuid.UUID, payload: ReasonIn
) -> HttpResponse | ReferralOut:
    return _act(
        request,
        referral_id,
        selectors.records_answers,
        lambda actor, r: transition_services.referral_decline(
            actor=actor, referral=r, reason=payload.reason, via="api"
        ),
    )


@router.post("/referrals/{referral_id}/start", response=STEP, summary="Start the service")
def start_referral(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse | ReferralOut:
    return _act(
        request,
        referral_id,
        selectors.records_answers,
        lambda actor, r: transition_services.referral_start(actor=actor, referral=r, via="api"),
    )


@router.post("/referrals/{referral_id}/complete", response=STEP, summary="Complete a referral")
def complete_referral(
    request: HttpRequest, referral_id: uuid.UUID, payload: OutcomeIn
) -> HttpResponse | ReferralOut:
    return _act(
        request,
        referral_id,
        selectors.records_answers,
        lambda actor, r: transition_services.referral_complete(
            actor=actor, referral=r, outcome=payload.outcome, via="api"
        ),
    )


@router.post("/referrals/{referral_id}/withdraw", response=STEP, summary="Withdraw a referral")
def withdraw_referral(
    request: HttpRequest, referral_id: uuid.UUID, payload: ReasonIn
) -> HttpResponse | ReferralOut:
    return _act(
        request,
        referral_id,
        selectors.can_act_as_sender,
        lambda actor, r: transition_services.referral_withdraw(
            actor=actor, referral=r, reason=payload.reason, via="api"
        ),
    )


@router.post("/referrals/{referral_id}/updates", response=STEP, summary="Add a progress update")
def add_referral_update(
    request: HttpRequest, referral_id: uuid.UUID, payload: UpdateIn
) -> HttpResponse | ReferralOut:
    return _act(
        request,
        referral_id,
        lambda actor, r: selectors.is_sender(actor, r) or selectors.is_receiver(actor, r),
        lambda actor, r: transition_services.referral_add_update(
            actor=actor, referral=r, text=payload.text, via="api"
        ),
    )
