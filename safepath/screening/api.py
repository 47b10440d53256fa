"""Screenings API. Same selectors and services as the web pages: one rule, two doors."""

import uuid
from typing import Annotated

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.params import functions as param_functions
from pydantic import Field

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.api.idempotency import run_idempotent
from safepath.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from safepath.api.problems import problem
from safepath.api.schemas import Problem
from safepath.people.selectors import access_person
from safepath.screening import events, selectors, services
from safepath.screening.explanations import assessment_json
from safepath.screening.models import Screening
from safepath.screening.schemas import (
    AssessmentOut,
    ConsentOut,
    LocationOut,
    PersonRef,
    PriorityOut,
    ScreeningIn,
    ScreeningOut,
    ScreeningPage,
    VulnerabilityOut,
)

router = Router(tags=["screenings"])
IdempotencyKeyHeader = Annotated[
    str | None, param_functions.Header(alias="Idempotency-Key", max_length=200)
]
ERRORS = {401: Problem, 404: Problem, 422: Problem}


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def screening_out(screening: Screening) -> ScreeningOut:
    """The stored screening; the assessment explained in the active language.

    The person appears by id and pseudonymous code only, whoever asks.
    """
    person = screening.person
    consent = screening.consent
    return ScreeningOut(
        id=str(screening.public_id),
        person=PersonRef(id=str(person.public_id), code=person.code) if person else None,
        organisation=screening.organisation.code,
        team=screening.team.name if screening.team else None,
        created_at=screening.created_at,
        catalogue=screening.catalogue,
        catalogue_version=screening.catalogue_version,
        rule_version=screening.rule_version,
        indicators=list(screening.indicators),
        indicators_unknown=list(screening.indicators_unknown),
        act=screening.act,
        vulnerability=VulnerabilityOut(factors=list(screening.factors)),
        needs=list(screening.needs),
        priority=PriorityOut(
            level=screening.priority,
            reasons=list(screening.priority_reasons),
            rule_version=screening.priority_rule_version,
        ),
        flags=list(screening.flags),
        consent=ConsentOut(
            id=str(consent.public_id),
            method=consent.method,
            date=consent.date,
            expires_on=consent.expires_on,
        )
        if consent
        else None,
        location=LocationOut(voivodeship=screening.voivodeship, site_type=screening.site_type),
        interview_language=screening.interview_language,
        assessment=AssessmentOut.model_validate(
            assessment_json(screening.assessment(), language=get_language())
        ),
    )


@router.post(
    "/screenings",
    response={201: ScreeningOut, 400: Problem, 409: Problem, **ERRORS},
    summary="Record a screening",
    description="Assesses the trafficking indicators and the vulnerability, stores both "
    "and answers the stored screening with its assessment. A screening of a person needs "
    "their consent to data processing (in `consent`, or already on record); without it, "
    "screen anonymously (`person: null`). Unknown codes answer 422 naming each one, and "
    "nothing is saved. Send an `Idempotency-Key` header to make retries safe.",
)
def create_screening(
    request: HttpRequest,
    payload: ScreeningIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    actor = _actor(request)
    if not policies.can(actor, "screening.create"):
        raise Http404

    def create() -> tuple[int, ScreeningOut]:
        # One transaction: a refused screening leaves no trace, not even the read of
        # the person it was meant for.
        with transaction.atomic():
            person = None
            if payload.person is not None:
                person = access_person(
                    actor=actor, person_id=payload.person, purpose="screening", via="api"
                )
            consent = None
            if payload.consent is not None and payload.consent.given:
                assert payload.consent.method is not None
                assert payload.consent.date is not None
                consent = services.ConsentGiven(
                    method=payload.consent.method,
                    date=payload.consent.date,
                    expires_on=payload.consent.expires_on,
                )
            screening = services.screening_create(
                actor=actor,
                person=person,
                catalogue=payload.catalogue,
                indicators=payload.indicators,
                indicators_unknown=payload.indicators_unknown,
                act=payload.act,
                factors=payload.vulnerability.factors,
                needs=payload.needs,
                consent=consent,
                location=services.Location(
                    site_type=payload.location.site_type,
                    voivodeship=payload.location.voivodeship,
                ),
                interview_language=payload.interview_language,
                via="api",
            )
            return 201, screening_out(screening)

    try:
        return run_idempotent(request, actor=actor, key=idempotency_key, create=create)
    except services.ScreeningInvalid as exc:
        return problem(
            status=422,
            title=_("Invalid input"),
            detail=_("Some fields are not valid. Nothing was saved."),
            errors=[
                {"pointer": error.pointer, "field": error.field, "detail": error.detail}
                for error in exc.errors
            ],
        )


class ListParams(Schema):
    cursor: str | None = Field(None, max_length=64)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get(
    "/screenings", response={200: ScreeningPage, **ERRORS}, summary="Screenings you may see"
)
def list_screenings(request: HttpRequest, params: Query[ListParams]) -> ScreeningPage:
    actor = _actor(request)
    rows, next_cursor = paginate(
        selectors.visible_screenings(actor), cursor=params.cursor, limit=params.limit
    )
    items = [screening_out(screening) for screening in rows]
    events.screenings_listed(
        actor=actor, count=len(items), via="api", filters=["cursor"] if params.cursor else []
    )
    return ScreeningPage(items=items, next_cursor=next_cursor)


@router.get(
    "/screenings/{screening_id}", response={200: ScreeningOut, **ERRORS}, summary="One screening"
)
def get_screening(request: HttpRequest, screening_id: uuid.UUID) -> ScreeningOut:
    actor = _actor(request)
    screening = selectors.access_screening(
        actor=actor, screening_id=screening_id, purpose="api", via="api"
    )
    return screening_out(screening)
