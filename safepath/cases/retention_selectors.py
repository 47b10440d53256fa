"""Reads of erasure requests. They are reached through a case the actor already
reached (`access_case`): the requests shown on a case are those about its person."""

import uuid
from typing import Final

from django.db.models import Q, QuerySet
from django.http import Http404

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases.models import Case, ErasureRequest
from safepath.people.models import Person
from safepath.people.selectors import IDENTITY_FIELDS

OWNER = {"owner_field": "owner"}
# A person's identity as stored: the encrypted fields and their blind indexes.
PERSON_IDENTITY: Final = (*IDENTITY_FIELDS, "name_index", "phone_index")


def identified_people() -> QuerySet[Person]:
    """People of whom some identity (or a blind index of it) is still stored."""
    filled = Q()
    for name in PERSON_IDENTITY:
        if Person._meta.get_field(name).null:
            filled |= Q(**{f"{name}__isnull": False})
        else:
            filled |= ~Q(**{name: ""})
    return Person.objects.filter(filled)


def nothing_left_to_erase(case: Case) -> bool:
    """The case is anonymised and its person holds no identity any more."""
    return (
        Case.objects.filter(pk=case.pk, anonymised_at__isnull=False).exists()
        and not identified_people().filter(pk=case.person_id).exists()
    )


def erasure_requests_of(case: Case) -> QuerySet[ErasureRequest]:
    """Every erasure request about the case's person, newest first."""
    return ErasureRequest.objects.filter(person_id=case.person_id).select_related(
        "requested_by", "decided_by"
    )


def access_erasure_request(*, case: Case, request_id: uuid.UUID | str) -> ErasureRequest:
    """A request about the person of a case already reached; else 404."""
    try:
        key = uuid.UUID(str(request_id))
    except ValueError as exc:
        raise Http404 from exc
    found = erasure_requests_of(case).select_related("case").filter(public_id=key).first()
    if found is None:
        raise Http404
    return found


def can_request_erasure(actor: User, case: Case) -> bool:
    """Whoever may change the case, even once it is anonymised: the person's identity
    may still be held for another case."""
    return policies.in_scope(actor, "case.change", case, **OWNER)


def can_decide_erasure(actor: User, case: Case) -> bool:
    return policies.in_scope(actor, "case.approve", case, **OWNER)
