"""Every write to referrals: one atomic function per action, each taking `actor=`.

States (`ReferralStatus`) and who moves them:

    awaiting_approval --approve (a supervisor, not the author)--> sent
    sent --accept--> accepted --start--> in_progress --complete--> completed
    sent --decline (with a reason)--> declined
    accepted --complete--> completed (a one-off service needs no "start")
    awaiting_approval, sent, accepted, in_progress --withdraw (the sender)--> withdrawn

The recipient's answers (accept, decline, start, complete) are recorded by the partner
focal points of the recipient organisation; for a recipient outside safepath, by the
sender, who hears back by phone or e-mail. A move from the wrong state is refused with
`ReferralInvalid`, naming the state. Each step writes a `ReferralEvent`, an audit
event, a line on the case's timeline (when there is a case) and notifies the other side
(`safepath.referrals.notifications.notify`: a link, never personal data).

The consent gate (`referral_create`): a referral that shares an identity field needs
the person's valid consent to referral, general or for the recipient organisation, or
a legal ground (child protection, imminent danger) that a supervisor other than the
author approves before it is sent. Without either, `ReferralRefused`: nothing is
written but the audit event of the refusal.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts import policies
from safepath.accounts.models import Organisation, User
from safepath.cases.models import Case
from safepath.core.exceptions import NotAllowed
from safepath.directory.i18n import text_in
from safepath.directory.models import Service, ServiceStatus
from safepath.people.models import AgeBand, Person
from safepath.people.selectors import can_see_identity, valid_consent
from safepath.referrals import events, selectors, sharing
from safepath.referrals.models import (
    LegalGround,
    Referral,
    ReferralStatus,
    ReferralUpdate,
    SentVia,
)
from safepath.referrals.notifications import notify
from safepath.screening.models import Screening

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

MAX_PURPOSE: Final = 2000
MAX_TEXT: Final = 5000
ADULT_BANDS: Final = (AgeBand.A18_59, AgeBand.A60)
CONSENT_REQUIRED: Final = "consent_required"
LANGUAGE_CODES: Final = tuple(code for code, _name in settings.LANGUAGES)


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


def referral_url(referral: Referral, language: str | None = None) -> str:
    """The referral's page in the web app, in `language` (a path: no host, no personal
    data). Notifications use the reader's language, so the link opens in it."""
    language = language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            return reverse("referrals:detail", args=[referral.public_id])
        except NoReverseMatch:  # the pages are not mounted (yet): the same path by hand
            return f"/{language}/app/referrals/{referral.public_id}/"


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


def _check_text(field: str, text: str, limit: int, empty: "StrPromise | None") -> str:
    text = text.strip()
    if not text and empty is not None:
        raise ReferralInvalid([ReferralError(field, str(empty))])
    if len(text) > limit:
        raise ReferralInvalid(
            [ReferralError(field, _("At most %(count)d characters.") % {"count": limit})]
        )
    return text


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
        _notify(actor, referral, _receivers(referral), "referral_received")
    else:
        events.step(
            actor=actor,
            referral=referral,
            kind="awaiting_approval",
            via=via,
            audit_detail={"fields": names, "reason": ground},
        )
        _notify(actor, referral, _approvers(referral), "referral_to_approve")
    return referral


# --- notifications ---------------------------------------------------------------------


def _receiving_roles() -> list[str]:
    return [role for role, caps in policies.CAPABILITIES.items() if "referral.receive" in caps]


def _receivers(referral: Referral) -> list[User]:
    if referral.to_organisation_id is None:
        return []
    return list(
        User.objects.filter(
            organisation_id=referral.to_organisation_id,
            is_active=True,
            role__in=_receiving_roles(),
        ).order_by("pk")
    )


def _approvers(referral: Referral) -> list[User]:
    roles = [
        role
        for role, caps in policies.CAPABILITIES.items()
        if "referral.approve_legal_ground" in caps
    ]
    users = User.objects.filter(
        organisation_id=referral.organisation_id, is_active=True, role__in=roles
    ).exclude(pk=referral.created_by_id)
    return [user for user in users.order_by("pk") if selectors.can_approve(user, referral)]


def _sender(referral: Referral) -> list[User]:
    return [User.objects.get(pk=referral.created_by_id)]


def _notify(actor: User | None, referral: Referral, users: Iterable[User], kind: str) -> None:
    """Tell each user (not the actor) about `kind`, linking to the referral."""
    detail = {"referral": str(referral.public_id), "status": referral.status}
    for user in users:
        if actor is not None and user.pk == actor.pk:
            continue
        notify(user=user, kind=kind, url=referral_url(referral, user.language), detail=detail)


# --- the steps -------------------------------------------------------------------------

_NOT_NOW: Final[dict[str, "StrPromise"]] = {
    "approve": _lazy(
        "Only a referral waiting for approval can be approved; this one is %(status)s."
    ),
    "accept": _lazy("Only a sent referral can be accepted; this one is %(status)s."),
    "decline": _lazy("Only a sent referral can be declined; this one is %(status)s."),
    "start": _lazy("Only an accepted referral can be started; this one is %(status)s."),
    "complete": _lazy(
        "Only an accepted or started referral can be completed; this one is %(status)s."
    ),
    "withdraw": _lazy(
        "A referral that is completed, declined or withdrawn cannot be withdrawn; this one "
        "is %(status)s."
    ),
}
_FROM: Final[dict[str, tuple[str, ...]]] = {
    "approve": (ReferralStatus.AWAITING_APPROVAL,),
    "accept": (ReferralStatus.SENT,),
    "decline": (ReferralStatus.SENT,),
    "start": (ReferralStatus.ACCEPTED,),
    "complete": (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS),
    "withdraw": (
        ReferralStatus.AWAITING_APPROVAL,
        ReferralStatus.SENT,
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
    ),
}


def _locked(referral: Referral, action: str) -> Referral:
    """The referral's row, locked, if `action` may move it from its state."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status not in _FROM[action]:
        label = ReferralStatus(locked.status).label
        raise ReferralInvalid(
            [ReferralError("status", str(_NOT_NOW[action]) % {"status": str(label).lower()})]
        )
    return locked


def _move(locked: Referral, status: str, **values: object) -> Referral:
    now = timezone.now()
    locked.status = status
    locked.status_changed_at = now
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    return locked


def _require_answerer(actor: User, referral: Referral) -> None:
    if not selectors.records_answers(actor, referral):
        raise NotAllowed("referral.receive")


@transaction.atomic
def referral_approve(*, actor: User, referral: Referral, via: str = "web") -> Referral:
    """A supervisor (not the author) approves the legal ground: the referral is sent."""
    if not policies.in_scope(actor, "referral.approve_legal_ground", referral):
        raise NotAllowed("referral.approve_legal_ground")
    if referral.created_by_id == actor.pk:
        raise ReferralInvalid(
            [
                ReferralError(
                    "approver",
                    _("You cannot approve your own referral: another supervisor must."),
                )
            ]
        )
    locked = _locked(referral, "approve")
    hours = response_hours(urgent=locked.urgent)
    locked = _move(
        locked,
        ReferralStatus.SENT,
        legal_ground_approved_by=actor,
        respond_by=timezone.now() + datetime.timedelta(hours=hours),
    )
    events.step(
        actor=actor,
        referral=locked,
        kind="approved",
        via=via,
        audit_detail={"reason": locked.legal_ground},
    )
    _notify(actor, locked, _sender(locked), "referral_approved")
    _notify(actor, locked, _receivers(locked), "referral_received")
    return locked


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral, via: str = "web") -> Referral:
    _require_answerer(actor, referral)
    locked = _move(_locked(referral, "accept"), ReferralStatus.ACCEPTED, answered_at=timezone.now())
    events.step(actor=actor, referral=locked, kind="accepted", via=via)
    _notify(actor, locked, _sender(locked), "referral_accepted")
    return locked


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str, via: str = "web") -> Referral:
    """Decline, saying why (the reason is for the sender; it stays encrypted)."""
    _require_answerer(actor, referral)
    reason = _check_text("reason", reason, MAX_TEXT, _lazy("Say why you decline the referral."))
    locked = _move(
        _locked(referral, "decline"),
        ReferralStatus.DECLINED,
        answered_at=timezone.now(),
        decline_reason=reason,
    )
    events.step(actor=actor, referral=locked, kind="declined", via=via)
    _notify(actor, locked, _sender(locked), "referral_declined")
    return locked


@transaction.atomic
def referral_start(*, actor: User, referral: Referral, via: str = "web") -> Referral:
    _require_answerer(actor, referral)
    locked = _move(_locked(referral, "start"), ReferralStatus.IN_PROGRESS)
    events.step(actor=actor, referral=locked, kind="started", via=via)
    return locked


@transaction.atomic
def referral_complete(
    *, actor: User, referral: Referral, outcome: str, via: str = "web"
) -> Referral:
    """Complete, saying what was done (for the sender; encrypted)."""
    _require_answerer(actor, referral)
    outcome = _check_text("outcome", outcome, MAX_TEXT, _lazy("Say what was done."))
    locked = _move(
        _locked(referral, "complete"),
        ReferralStatus.COMPLETED,
        completed_at=timezone.now(),
        outcome=outcome,
    )
    events.step(actor=actor, referral=locked, kind="completed", via=via)
    _notify(actor, locked, _sender(locked), "referral_completed")
    return locked


@transaction.atomic
def referral_withdraw(
    *, actor: User, referral: Referral, reason: str = "", via: str = "web"
) -> Referral:
    """The sender withdraws it (while it is not completed, declined or withdrawn). The
    reason, if any, is kept as an update the receivers can read."""
    if not selectors.can_act_as_sender(actor, referral):
        raise NotAllowed("referral.create")
    reason = _check_text("reason", reason, MAX_TEXT, None)
    locked = _locked(referral, "withdraw")
    was_sent = locked.status != ReferralStatus.AWAITING_APPROVAL
    locked = _move(locked, ReferralStatus.WITHDRAWN)
    if reason:
        ReferralUpdate.objects.create(referral=locked, author=actor, text=reason)
    events.step(actor=actor, referral=locked, kind="withdrawn", via=via)
    if was_sent:
        _notify(actor, locked, _receivers(locked), "referral_withdrawn")
    return locked


@transaction.atomic
def referral_add_update(
    *, actor: User, referral: Referral, text: str, via: str = "web"
) -> ReferralUpdate:
    """A progress note by the sender or a receiver; the other side is told."""
    receiver = selectors.is_receiver(actor, referral)
    if not receiver and not selectors.is_sender(actor, referral):
        raise NotAllowed("referral.view")
    text = _check_text("text", text, MAX_TEXT, _lazy("Write the update first."))
    update = ReferralUpdate.objects.create(referral=referral, author=actor, text=text)
    events.step(actor=actor, referral=referral, kind="update", via=via)
    others = _sender(referral) if receiver else _receivers(referral)
    if referral.status != ReferralStatus.AWAITING_APPROVAL:
        _notify(actor, referral, others, "referral_update")
    return update


# --- overdue ---------------------------------------------------------------------------


def flag_overdue_referrals(now: datetime.datetime | None = None) -> int:
    """Flag every sent referral past its `respond_by` that nobody answered, once: its
    event `overdue`, an audit event, and a notification to the sender and receivers.
    Each referral is its own transaction, locked and checked again, so a run delivered
    twice, or two at once, flags nothing twice. Answers how many were flagged."""
    now = now or timezone.now()
    due = (
        Referral.objects.filter(status=ReferralStatus.SENT, respond_by__lt=now)
        .exclude(events__kind="overdue")
        .values_list("pk", flat=True)
    )
    flagged = 0
    for pk in list(due):
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=ReferralStatus.SENT)
                .first()
            )
            if referral is None or referral.events.filter(kind="overdue").exists():
                continue
            events.step(actor=None, referral=referral, kind="overdue", via="task", timeline=False)
            _notify(None, referral, [*_sender(referral), *_receivers(referral)], "referral_overdue")
            flagged += 1
    return flagged
