"""Writes to the case's history: historic trafficking events and perpetrators.

Each function needs the case's `case.change` scope (else `NotAllowed`), refuses an
anonymised case (its free text is gone for good), checks every value at once
(`CaseInvalid` names each bad field, and nothing is written), and writes a timeline line
and an audit event with codes and ids only.
"""

import datetime
from typing import Any, Final

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases import history_events as events
from safepath.cases.models import Case
from safepath.cases.models.history import CasePerpetrator, TraffickingEvent, TraffickingEventKind
from safepath.cases.models.reports import PerpetratorRole
from safepath.cases.services import MAX_TEXT, OWNER, CaseError, CaseInvalid, refuse_if_anonymised
from safepath.core.exceptions import NotAllowed
from safepath.core.geography import is_country_code
from safepath.people.models import Sex

MAX_SHORT: Final = 200  # a place, a name or alias


def _require_change(actor: User, case: Case) -> None:
    if not policies.in_scope(actor, "case.change", case, **OWNER):
        raise NotAllowed("case.change")
    refuse_if_anonymised(case)


def _choice(errors: list[CaseError], name: str, value: str, choices: Any) -> str:
    value = (value or "").strip()
    if value not in choices.values:
        errors.append(CaseError(name, _("Choose one of the listed values.")))
    return value


def _country(errors: list[CaseError], name: str, value: str) -> str:
    value = (value or "").strip().upper()
    if value and not is_country_code(value):
        errors.append(
            CaseError(name, _("Choose a country by its three-letter ISO code, for example UKR."))
        )
    return value


def _text(errors: list[CaseError], name: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors.append(CaseError(name, _("At most %(count)d characters.") % {"count": limit}))
    return value


@transaction.atomic
def trafficking_event_add(
    *,
    actor: User,
    case: Case,
    kind: str,
    country: str = "",
    place: str = "",
    date: datetime.date | None = None,
    description: str = "",
    via: str = "web",
) -> TraffickingEvent:
    """Record one historic trafficking event (recruitment, transit or exploitation)."""
    _require_change(actor, case)
    errors: list[CaseError] = []
    kind = _choice(errors, "kind", kind, TraffickingEventKind)
    country = _country(errors, "country", country)
    place = _text(errors, "place", place, MAX_SHORT)
    description = _text(errors, "description", description, MAX_TEXT)
    if date is not None and date > timezone.localdate():
        errors.append(CaseError("date", _("This date cannot be in the future.")))
    if errors:
        raise CaseInvalid(errors)
    event = TraffickingEvent.objects.create(
        case=case,
        kind=kind,
        country=country,
        place=place,
        date=date,
        description=description,
        recorded_by=actor,
    )
    events.trafficking_event_added(actor=actor, event=event, via=via)
    return event


@transaction.atomic
def trafficking_event_remove(*, actor: User, event: TraffickingEvent, via: str = "web") -> None:
    """Remove an event recorded by mistake (the timeline keeps that it was there)."""
    _require_change(actor, event.case)
    events.trafficking_event_removed(actor=actor, event=event, via=via)
    event.delete()


@transaction.atomic
def perpetrator_add(
    *,
    actor: User,
    case: Case,
    role: str,
    sex: str = Sex.UNKNOWN,
    nationality: str = "",
    name: str = "",
    description: str = "",
    via: str = "web",
) -> CasePerpetrator:
    """Record a perpetrator: their role (HTCDS `per_RoleInProcess`), sex, nationality,
    and what identifies them (encrypted)."""
    _require_change(actor, case)
    errors: list[CaseError] = []
    role = _choice(errors, "role", role, PerpetratorRole)
    sex = _choice(errors, "sex", sex or Sex.UNKNOWN, Sex)
    nationality = _country(errors, "nationality", nationality)
    name = _text(errors, "name", name, MAX_SHORT)
    description = _text(errors, "description", description, MAX_TEXT)
    if errors:
        raise CaseInvalid(errors)
    perpetrator = CasePerpetrator.objects.create(
        case=case,
        role=role,
        sex=sex,
        nationality=nationality,
        name=name,
        description=description,
        recorded_by=actor,
    )
    events.perpetrator_added(actor=actor, perpetrator=perpetrator, via=via)
    return perpetrator


@transaction.atomic
def perpetrator_remove(*, actor: User, perpetrator: CasePerpetrator, via: str = "web") -> None:
    """Remove a perpetrator recorded by mistake (the timeline keeps that it was there)."""
    _require_change(actor, perpetrator.case)
    events.perpetrator_removed(actor=actor, perpetrator=perpetrator, via=via)
    perpetrator.delete()
