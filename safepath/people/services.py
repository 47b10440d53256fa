"""Every write to people and consents: one atomic function per action."""

import datetime
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import Organisation, Team, User
from safepath.core.exceptions import ConflictError, NotAllowed
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
) -> Consent:
    """Record a consent decision. A withdrawal is recorded the same way, with given=False."""
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
    )
    events.consent_recorded(actor=actor, consent=consent)
    return consent
