"""People API. Same selectors and services as the web pages: one rule, two doors."""

import uuid
from typing import Annotated

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.params import functions as param_functions
from pydantic import Field

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.api.idempotency import run_idempotent
from safepath.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from safepath.api.schemas import Problem
from safepath.people import events, selectors, services
from safepath.people.models import Person
from safepath.people.schemas import PersonCreated, PersonIdentity, PersonIn, PersonOut, PersonPage

router = Router(tags=["people"])
IdempotencyKeyHeader = Annotated[
    str | None, param_functions.Header(alias="Idempotency-Key", max_length=200)
]
ERRORS = {401: Problem, 404: Problem, 422: Problem}


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def person_out(person: Person, *, show_identity: bool) -> PersonOut:
    identity = None
    if show_identity:
        identity = PersonIdentity(
            given_name=person.given_name,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            phone=person.phone,
            document_number=person.document_number,
            address=person.address,
            notes=person.notes,
        )
    return PersonOut(
        id=str(person.public_id),
        code=person.code,
        sex=person.sex,
        age_band=person.age_band,
        nationality=person.nationality,
        languages=list(person.languages or []),
        voivodeship=person.voivodeship,
        arrival_date=person.arrival_date,
        protection_status=person.protection_status,
        child_status=person.child_status,
        disability=person.has_disability,
        organisation=person.organisation.code,
        team=person.team.name if person.team else None,
        version=person.version,
        created_at=person.created_at,
        identity=identity,
    )


@router.post(
    "/people",
    response={201: PersonCreated, 400: Problem, 409: Problem, **ERRORS},
    summary="Register a person",
    description="Send an `Idempotency-Key` header to make retries safe: the same key and "
    "body return the first answer instead of registering the person twice.",
)
def create_person(
    request: HttpRequest,
    payload: PersonIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    actor = _actor(request)
    if not policies.can(actor, "person.create"):
        raise Http404

    def create() -> tuple[int, PersonCreated]:
        person = services.person_create(actor=actor, data=payload.model_dump(), via="api")
        return 201, PersonCreated(id=str(person.public_id), code=person.code)

    return run_idempotent(request, actor=actor, key=idempotency_key, create=create)


class ListParams(Schema):
    cursor: str | None = Field(None, max_length=64)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get("/people", response={200: PersonPage, **ERRORS}, summary="People you may see")
def list_people(request: HttpRequest, params: Query[ListParams]) -> PersonPage:
    actor = _actor(request)
    people = selectors.visible_people(actor).select_related("organisation", "team")
    rows, next_cursor = paginate(people, cursor=params.cursor, limit=params.limit)
    identity_ok = policies.can(actor, "person.view_identity")
    items = [
        person_out(p, show_identity=identity_ok and selectors.can_see_identity(actor, p))
        for p in rows
    ]
    events.people_listed(
        actor=actor, count=len(items), via="api", filters=["cursor"] if params.cursor else []
    )
    return PersonPage(items=items, next_cursor=next_cursor)


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS}, summary="One person")
def get_person(request: HttpRequest, person_id: uuid.UUID) -> PersonOut:
    actor = _actor(request)
    person = selectors.access_person(actor=actor, person_id=person_id, purpose="api", via="api")
    return person_out(person, show_identity=selectors.can_see_identity(actor, person))
