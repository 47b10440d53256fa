"""Every read of people goes through here; `access_person` is the one door."""

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.core.crypto import blind_index
from safepath.people import events
from safepath.people.models import Consent, Person
from safepath.people.validators import normalise_phone

IDENTITY_FIELDS: tuple[str, ...] = (
    "given_name",
    "family_name",
    "date_of_birth",
    "phone",
    "document_number",
    "address",
    "notes",
)


def visible_people(actor: User) -> QuerySet[Person]:
    return policies.scoped(actor, "person.view", Person.objects.all())


def can_see_identity(actor: User, person: Person) -> bool:
    return policies.in_scope(actor, "person.view_identity", person)


def can_change(actor: User, person: Person) -> bool:
    return policies.in_scope(actor, "person.change", person)


def access_person(*, actor: User, person_id: uuid.UUID | str, purpose: str, via: str) -> Person:
    """The person, if `actor` may see them; otherwise 404, as if they did not exist."""
    try:
        key = uuid.UUID(str(person_id))
    except ValueError as exc:
        raise Http404 from exc
    person = (
        visible_people(actor).select_related("organisation", "team").filter(public_id=key).first()
    )
    if person is None:
        raise Http404
    events.person_viewed(actor=actor, person=person, purpose=purpose, via=via)
    return person


def name_index_for(given_name: str, family_name: str) -> str:
    full = f"{given_name} {family_name}".strip()
    return blind_index(full, kind="name") if full else ""


def phone_index_for(phone: str) -> str:
    return blind_index(phone, kind="phone") if phone else ""


def search_people(
    actor: User, *, code: str = "", full_name: str = "", phone: str = "", via: str
) -> QuerySet[Person]:
    """Exact-match search by code, by full name or by phone, within what the actor may see.

    Names and phones are matched through their blind index, so the table is
    never decrypted to search it. Only roles that may see identity can search
    by identity. The search words are not written anywhere.
    """
    people = visible_people(actor)
    method = "code"
    if code:
        people = people.filter(code=code.strip().upper())
    elif full_name or phone:
        people = policies.scoped(actor, "person.view_identity", people)
        if full_name:
            method = "name"
            given, _sep, family = full_name.strip().rpartition(" ")
            people = people.filter(name_index=name_index_for(given, family))
        else:
            method = "phone"
            try:
                normalised = normalise_phone(phone)
            except Exception:
                normalised = phone
            people = people.filter(phone_index=phone_index_for(normalised))
    else:
        return people.none()
    found = people.select_related("organisation", "team")
    events.people_searched(actor=actor, count=found.count(), via=via, method=method)
    return found


def consents_of(person: Person) -> QuerySet[Consent]:
    return person.consents.select_related("recipient", "recorded_by")


def current_consent(
    person: Person, *, purpose: str, recipient_id: int | None = None
) -> Consent | None:
    """The latest decision for a purpose (and recipient); None when never asked."""
    consents = person.consents.filter(purpose=purpose)
    if recipient_id is not None:
        consents = consents.filter(recipient_id=recipient_id)
    return consents.order_by("-recorded_at", "-id").first()


def valid_consent(person: Person, *, purpose: str, organisation_id: int | None) -> Consent | None:
    """The person's latest decision for `purpose` (general, or for that organisation),
    when it is a consent that has not expired; None otherwise. A withdrawal is a later
    decision, so it wins."""
    latest = (
        person.consents.filter(purpose=purpose)
        .filter(Q(recipient__isnull=True) | Q(recipient_id=organisation_id))
        .order_by("-recorded_at", "-id")
        .first()
    )
    if latest is None or not latest.given:
        return None
    if latest.expires_on is not None and latest.expires_on < timezone.localdate():
        return None
    return latest
