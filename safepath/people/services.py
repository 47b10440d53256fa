"""Every write to people and consents: one atomic function per action."""

import datetime
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import Organisation, Team, User
from safepath.core.bulk import insert_many
from safepath.core.exceptions import ConflictError, NotAllowed
from safepath.insights.rollups.signals import rollups_changed
from safepath.people import events
from safepath.people.models import Consent, Person, new_person_code
from safepath.people.selectors import IDENTITY_FIELDS, name_index_for, phone_index_for
from safepath.people.validators import age_band_for

EDITABLE_FIELDS: tuple[str, ...] = (
    *IDENTITY_FIELDS,
    "sex",
    "age_band",
    "nationality",
    "languages",
    "voivodeship",
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_remembering",
    "wg_selfcare",
    "wg_communicating",
    "arrival_date",
    "protection_status",
    "child_status",
)


def _apply(person: Person, data: Mapping[str, Any]) -> list[str]:
    changed: list[str] = []
    for field in EDITABLE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if value is None and field not in ("date_of_birth", "arrival_date"):
            value = [] if field == "languages" else ""
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed.append(field)
    if person.date_of_birth:
        band = age_band_for(person.date_of_birth, timezone.localdate())
        if person.age_band != band:
            person.age_band = band
            if "age_band" not in changed:
                changed.append("age_band")
    person.name_index = name_index_for(person.given_name, person.family_name)
    person.phone_index = phone_index_for(person.phone)
    return changed


@transaction.atomic
def person_create(
    *, actor: User, data: Mapping[str, Any], via: str = "web", team: Team | None = None
) -> Person:
    """Register a person in the actor's organisation and team (or another team of that
    organisation, for roles whose scope is the whole organisation)."""
    if actor.organisation_id is None:
        raise NotAllowed("person.create")
    scope = policies.require(actor, "person.create")
    if team is not None and (team.organisation_id != actor.organisation_id or scope < policies.ORG):
        raise NotAllowed("person.create")
    team_id = team.pk if team is not None else actor.team_id
    person = Person(organisation_id=actor.organisation_id, team_id=team_id, created_by=actor)
    _apply(person, data)
    _save_with_unique_code(person)
    events.person_created(actor=actor, person=person, via=via)
    return person


CODE_ATTEMPTS = 8


def _save_with_unique_code(person: Person) -> None:
    """Codes are random (30^6 of them), so at 50,000 people about one new code in
    15,000 is taken: draw again, inside a savepoint so the transaction survives."""
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                person.save(force_insert=True)
            return
        except IntegrityError:
            if not Person.objects.filter(code=person.code).exists():
                raise  # some other constraint: not ours to retry
            person.code = new_person_code()
    raise IntegrityError("could not draw a free person code")


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: Person,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    via: str = "web",
) -> Person:
    if not policies.in_scope(actor, "person.change", person):
        raise NotAllowed("person.change")
    touches_identity = any(field in data for field in IDENTITY_FIELDS)
    if touches_identity and not policies.in_scope(actor, "person.view_identity", person):
        raise NotAllowed("person.view_identity")
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(current_version=locked.version)
    changed = _apply(locked, data)
    if changed:
        locked.version = F("version") + 1
        locked.save()
        locked.refresh_from_db()
        events.person_changed(actor=actor, person=locked, fields=changed, via=via)
        rollups_changed()
    return locked


@transaction.atomic
def consent_record(
    *,
    actor: User,
    person: Person,
    purpose: str,
    given: bool,
    method: str,
    date: datetime.date,
    recipient: Organisation | None = None,
    expires_on: datetime.date | None = None,
    language: str = "",
    text_version: str = "",
) -> Consent:
    """Record a consent decision. A withdrawal is recorded the same way, with given=False.

    `language` and `text_version` name the consent text the person was given, when
    safepath showed one (the web screening does)."""
    if not policies.in_scope(actor, "consent.record", person):
        raise NotAllowed("consent.record")
    consent = Consent.objects.create(
        public_id=uuid.uuid4(),
        person=person,
        purpose=purpose,
        recipient=recipient,
        given=given,
        method=method,
        recorded_by=actor,
        date=date,
        expires_on=expires_on if given else None,
        language=language,
        text_version=text_version,
    )
    events.consent_recorded(actor=actor, consent=consent)
    return consent


@transaction.atomic
def person_create_many(*, actor: User, data: Sequence[Mapping[str, Any]], via: str) -> list[Person]:
    """`person_create` for many people at once, in the actor's organisation and team (a
    bulk import): the same policy, the same encryption and blind indexes (`_apply`), a
    free code for each, and a `person.created` event for each, in a few queries."""
    if actor.organisation_id is None:
        raise NotAllowed("person.create")
    policies.require(actor, "person.create")
    people: list[Person] = []
    for item in data:
        person = Person(
            organisation_id=actor.organisation_id, team_id=actor.team_id, created_by=actor
        )
        _apply(person, item)
        people.append(person)
    if not people:
        return people
    for attempt in range(CODE_ATTEMPTS):
        _draw_free_codes(people)
        try:
            with transaction.atomic():
                insert_many(Person, people)
            break
        except IntegrityError:
            # Another transaction took one of the codes since they were drawn.
            if attempt == CODE_ATTEMPTS - 1:
                raise
            for person in people:
                person.pk = None
    events.people_created(actor=actor, people=people, via=via)
    return people


def _draw_free_codes(people: Sequence[Person]) -> None:
    """Give each person a code no one else has: not in the database, not in the batch.
    Raises IntegrityError when codes keep colliding (as `_save_with_unique_code`)."""
    for _attempt in range(CODE_ATTEMPTS):
        codes = [person.code for person in people]
        taken = set(Person.objects.filter(code__in=codes).values_list("code", flat=True))
        seen: set[str] = set()
        redrawn = False
        for person in people:
            if person.code in taken or person.code in seen:
                person.code = new_person_code()
                redrawn = True
            seen.add(person.code)
        if not redrawn:
            return
    raise IntegrityError("could not draw free person codes")


@dataclass(frozen=True, slots=True)
class ConsentDecision:
    """One person's decision, for `consent_record_many`."""

    person: Person
    method: str
    date: datetime.date
    expires_on: datetime.date | None = None


@transaction.atomic
def consent_record_many(
    *,
    actor: User,
    purpose: str,
    given: bool,
    decisions: Sequence[ConsentDecision],
    recipient: Organisation | None = None,
) -> list[Consent]:
    """`consent_record` for many people at once (a bulk import): the same scope check
    for each person, and a `consent.given` (or `consent.withdrawn`) event for each."""
    for decision in decisions:
        if not policies.in_scope(actor, "consent.record", decision.person):
            raise NotAllowed("consent.record")
    consents = [
        Consent(
            public_id=uuid.uuid4(),
            person=decision.person,
            purpose=purpose,
            recipient=recipient,
            given=given,
            method=decision.method,
            recorded_by=actor,
            date=decision.date,
            expires_on=decision.expires_on if given else None,
        )
        for decision in decisions
    ]
    insert_many(Consent, consents)
    events.consents_recorded(
        actor=actor,
        people=[decision.person for decision in decisions],
        purpose=purpose,
        given=given,
        recipient=recipient,
    )
    return consents
