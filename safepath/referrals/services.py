"""Creating a referral (`referral_create`, atomic, taking `actor=`) and the consent gate
that guards it. The steps after it (approve, accept, decline, start, complete,
withdraw, updates) are in `transition_services`, the overdue run in
`overdue_services`, and who hears of each step in `referral_notifications`.

The consent gate (`referral_create`): a referral that shares an identity field needs
the person's valid consent to referral, general or for the recipient organisation, or
a legal ground (child protection, imminent danger) that a supervisor other than the
author approves before it is sent. Without either, `ReferralRefused`: nothing is
written but the audit event of the refusal.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import Organisation, User
from safepath.cases.models import Case
from safepath.core.exceptions import NotAllowed
from safepath.directory.i18n import text_in
from safepath.directory.models import Service, ServiceStatus
from safepath.insights.rollups.signals import rollups_changed
from safepath.people.models import AgeBand, Person
from safepath.people.selectors import can_see_identity, valid_consent
from safepath.referrals import events, sharing
from safepath.referrals.models import LegalGround, Referral, ReferralStatus, SentVia
from safepath.referrals.referral_notifications import (
    LANGUAGE_CODES,
    approvers_of,
    notify_users,
    receivers_of,
)
from safepath.screening.models import Screening

MAX_PURPOSE: Final = 2000
ADULT_BANDS: Final = (AgeBand.A18_59, AgeBand.A60)
CONSENT_REQUIRED: Final = "consent_required"


@dataclass(frozen=True, slots=True)
class ReferralError:
    field: str
    detail: str


class ReferralInvalid(ValueError):
    """The input does not make a valid referral or step; every problem is named and
    nothing is written."""

    def __init__(self, errors: Sequence[ReferralError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.detail}" for e in errors))
        self.errors = list(errors)


class ReferralRefused(Exception):
    """The consent gate refused the referral: `reason` is a code (`consent_required`),
    `message` says why in the actor's language. Nothing was written but the audit event
    of the refusal (`audited` says whether it is written yet: see `audit_refusal`)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.audited = False
        self.person_id = ""


def response_hours(*, urgent: bool) -> int:
    if urgent:
        return settings.SAFEPATH_REFERRAL_URGENT_HOURS
    return settings.SAFEPATH_REFERRAL_RESPONSE_HOURS


# --- sending ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Recipient:
    organisation: Organisation | None
    external: str


def _recipient(
    *,
    service: Service | None,
    to_organisation: Organisation | None,
    external_recipient: str,
    errors: list[ReferralError],
) -> _Recipient:
    """Who receives it: the service's provider when it is in safepath, else the
    organisation chosen, else the recipient outside safepath (a service whose provider
    is not in safepath is such a recipient, named after the provider)."""
    external = external_recipient.strip()
    if len(external) > 200:
        errors.append(
            ReferralError("external_recipient", _("At most %(count)d characters.") % {"count": 200})
        )
    if service is None and to_organisation is None and not external:
        errors.append(
            ReferralError(
                "recipient",
                _("Choose a service, an organisation or a recipient outside safepath."),
            )
        )
        return _Recipient(None, "")
    if external and (service is not None or to_organisation is not None):
        errors.append(
            ReferralError(
                "external_recipient",
                _(
                    "Choose either a service or organisation in safepath, or a recipient "
                    "outside it, not both."
                ),
            )
        )
        return _Recipient(None, "")
    if to_organisation is not None and not to_organisation.is_active:
        errors.append(ReferralError("organisation", _("This organisation is not active.")))
    if service is None:
        return _Recipient(to_organisation, external)
    if service.status != ServiceStatus.ACTIVE:
        errors.append(ReferralError("service", _("This service is not active.")))
    provider = service.organization.organisation
    if provider is not None and not provider.is_active:
        provider = None
    if provider is not None and to_organisation is not None and provider != to_organisation:
        errors.append(
            ReferralError("organisation", _("This service is provided by another organisation."))
        )
    if provider is not None:
        return _Recipient(provider, "")
    if to_organisation is not None:
        return _Recipient(to_organisation, "")
    name = text_in(service.organization.name, "pl") or text_in(service.name, "pl")
    return _Recipient(None, name[:200])


def _check_sources(
    actor: User,
    person: Person,
    case: Case | None,
    screening: Screening | None,
    errors: list[ReferralError],
) -> None:
    if case is not None:
        if case.person_id != person.pk:
            errors.append(ReferralError("case", _("This case is not the person's.")))
        elif not policies.in_scope(actor, "case.view", case, owner_field="owner"):
            errors.append(ReferralError("case", _("No case you can reach has this id.")))
        elif case.anonymised_at is not None:
            errors.append(ReferralError("case", _("This case was anonymised.")))
    if screening is not None:
        if screening.person_id != person.pk:
            errors.append(ReferralError("screening", _("This screening is not the person's.")))
        elif not policies.in_scope(actor, "screening.view", screening):
            errors.append(ReferralError("screening", _("No screening you can reach has this id.")))


def _check_share(
    actor: User,
    person: Person,
    sources: sharing.Sources,
    share: Iterable[str],
    errors: list[ReferralError],
) -> list[str]:
    names = list(share)
    if unknown := sharing.unknown_fields(names):
        errors.append(
            ReferralError(
                "share", _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}
            )
        )
    elif missing := sharing.unavailable_fields(names, sources):
        errors.append(
            ReferralError(
                "share",
                _("Nothing to share for: %(fields)s (no case or screening given).")
                % {"fields": ", ".join(missing)},
            )
        )
    elif sharing.needs_consent(names) and not can_see_identity(actor, person):
        errors.append(
            ReferralError("share", _("You cannot share identity you may not see yourself."))
        )
    return sharing.ordered(names)


def _check_legal_ground(
    legal_ground: str, person: Person, case: Case | None, errors: list[ReferralError]
) -> None:
    if legal_ground not in LegalGround.values:
        errors.append(ReferralError("legal_ground", _("Choose a value from the list.")))
    elif legal_ground == LegalGround.CHILD_PROTECTION:
        child = (
            person.age_band not in ADULT_BANDS
            or bool(person.child_status)
            or (case is not None and case.is_child)
        )
        if not child:
            errors.append(
                ReferralError(
                    "legal_ground",
                    _("Child protection is a legal ground only for a child."),
                )
            )


def referral_create(
    *,
    actor: User,
    person: Person,
    case: Case | None = None,
    screening: Screening | None = None,
    service: Service | None = None,
    to_organisation: Organisation | None = None,
    external_recipient: str = "",
    recipient_language: str = "",
    purpose: str,
    urgent: bool,
    share: list[str],
    legal_ground: str = "",
    sent_via: str = SentVia.SAFEPATH,
    via: str = "web",
) -> Referral:
    """Refer `person` (from a case or a screening of theirs) to a service, an
    organisation in safepath or a recipient outside it, sharing exactly `share` (the
    code always). Bad input: `ReferralInvalid`. Identity without consent or a legal
    ground: `ReferralRefused`, and only the refusal is audited."""
    try:
        return _create(
            actor=actor,
            person=person,
            case=case,
            screening=screening,
            service=service,
            to_organisation=to_organisation,
            external_recipient=external_recipient,
            recipient_language=recipient_language,
            purpose=purpose,
            urgent=urgent,
            share=share,
            legal_ground=legal_ground,
            sent_via=sent_via,
            via=via,
        )
    except ReferralRefused as exc:
        exc.person_id = str(person.public_id)
        audit_refusal(actor=actor, exc=exc, via=via)
        raise


def _outside_transactions() -> bool:
    """Whether no transaction of the caller is open (a test's own does not count), so
    that a write now stays even when the caller's work is rolled back."""
    try:
        with transaction.atomic(durable=True):
            return True
    except RuntimeError:
        return False


def audit_refusal(*, actor: User, exc: ReferralRefused, via: str) -> None:
    """Audit a refusal once, outside any transaction that will be rolled back.

    `referral_create` calls it. Called inside the caller's own transaction (the API's,
    which also rolls back the reads it audited), it writes nothing yet: the caller
    calls it again once that transaction is gone."""
    if exc.audited or not _outside_transactions():
        return
    events.referral_refused(actor=actor, person_id=exc.person_id, reason=exc.reason, via=via)
    exc.audited = True


@transaction.atomic
def _create(
    *,
    actor: User,
    person: Person,
    case: Case | None,
    screening: Screening | None,
    service: Service | None,
    to_organisation: Organisation | None,
    external_recipient: str,
    recipient_language: str,
    purpose: str,
    urgent: bool,
    share: list[str],
    legal_ground: str,
    sent_via: str,
    via: str,
) -> Referral:
    if actor.organisation_id is None or not policies.can(actor, "referral.create"):
        raise NotAllowed("referral.create")
    if not policies.in_scope(actor, "person.view", person):
        raise ReferralInvalid([ReferralError("person", _("No person you can reach has this id."))])
    errors: list[ReferralError] = []
    _check_sources(actor, person, case, screening, errors)
    sources = sharing.Sources(person, case, screening)
    recipient = _recipient(
        service=service,
        to_organisation=to_organisation,
        external_recipient=external_recipient,
        errors=errors,
    )
    purpose = purpose.strip()
    if not purpose:
        errors.append(ReferralError("purpose", _("Say why you refer the person.")))
    elif len(purpose) > MAX_PURPOSE:
        errors.append(
            ReferralError("purpose", _("At most %(count)d characters.") % {"count": MAX_PURPOSE})
        )
    names = _check_share(actor, person, sources, share, errors)
    _check_legal_ground(legal_ground, person, case, errors)
    if recipient_language not in ("", *LANGUAGE_CODES):
        errors.append(ReferralError("recipient_language", _("Choose a value from the list.")))
    in_safepath = recipient.organisation is not None
    if sent_via not in SentVia.values:
        errors.append(ReferralError("sent_via", _("Choose a value from the list.")))
    elif in_safepath and sent_via != SentVia.SAFEPATH:
        errors.append(
            ReferralError("sent_via", _("A referral to an organisation in safepath goes in it."))
        )
    elif recipient.external and sent_via == SentVia.SAFEPATH:
        errors.append(
            ReferralError(
                "sent_via",
                _("This recipient is not in safepath: say how the referral is sent."),
            )
        )
    if errors:
        raise ReferralInvalid(errors)

    consent = None
    ground = ""
    if sharing.needs_consent(names):
        organisation_id = recipient.organisation.pk if recipient.organisation else None
        consent = valid_consent(person, purpose="referral", organisation_id=organisation_id)
        if consent is None:
            if not legal_ground:
                raise ReferralRefused(
                    CONSENT_REQUIRED,
                    _(
                        "The person has not consented to being referred to this recipient, "
                        "and no legal ground is given: identity cannot be shared. Share no "
                        "identity, record their consent, or give a legal ground."
                    ),
                )
            ground = legal_ground
    status = ReferralStatus.AWAITING_APPROVAL if ground else ReferralStatus.SENT
    rollups_changed()
    now = timezone.now()
    referral = Referral.objects.create(
        organisation_id=actor.organisation_id,
        team_id=actor.team_id,
        created_by=actor,
        person=person,
        case=case,
        screening=screening,
        service=service,
        to_organisation=recipient.organisation,
        external_recipient=recipient.external,
        recipient_language=recipient_language,
        purpose=purpose,
        urgent=urgent,
        respond_by=now + datetime.timedelta(hours=response_hours(urgent=urgent)),
        status=status,
        shared_fields=names,
        shared=sharing.encode(sharing.snapshot(sources, names)),
        consent=consent,
        legal_ground=ground,
        sent_via=sent_via,
    )
    if status == ReferralStatus.SENT:
        events.step(
            actor=actor, referral=referral, kind="sent", via=via, audit_detail={"fields": names}
        )
        notify_users(actor, referral, receivers_of(referral), "referral_received")
    else:
        events.step(
            actor=actor,
            referral=referral,
            kind="awaiting_approval",
            via=via,
            audit_detail={"fields": names, "reason": ground},
        )
        notify_users(actor, referral, approvers_of(referral), "referral_to_approve")
    return referral
