"""Transfers of a case between organisations.

A caseworker or supervisor of the case proposes the transfer to another organisation,
with the person's consent to be referred there (`ConsentPurpose.REFERRAL`, general or
for that organisation) and a reason. Until a supervisor of the receiving organisation
accepts, nothing moves and the receiver sees only what it needs to decide (code, age
band, sex, trafficking status, reason). On acceptance the case, and the person's record
with it, move to the receiving organisation; the sender no longer reaches them (its
screenings of the person stay its own). Declining leaves everything as it was.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import Organisation, User
from safepath.audit.events import record
from safepath.cases.events import _timeline
from safepath.cases.export_services import withdraw_exports_of
from safepath.cases.models import Case, CaseTransfer, TransferStatus
from safepath.cases.services import MAX_TEXT, OWNER, CaseError, CaseInvalid
from safepath.cases.vocabularies import CLOSED_STATUSES
from safepath.core.exceptions import NotAllowed
from safepath.insights.rollups.signals import rollups_changed
from safepath.people.models import ConsentPurpose
from safepath.people.selectors import valid_consent


def _audit(actor: User, transfer: CaseTransfer, action: str) -> None:
    record(
        actor=actor,
        action=f"case.transfer_{action}",
        object_type="case",
        object_id=str(transfer.case.public_id),
        detail={"target": transfer.to_organisation.code},
    )


@transaction.atomic
def transfer_request(
    *, actor: User, case: Case, to_organisation: Organisation, reason: str
) -> CaseTransfer:
    if not policies.in_scope(actor, "case.change", case, **OWNER):
        raise NotAllowed("case.change")
    errors = []
    if to_organisation.pk == case.organisation_id or not to_organisation.is_active:
        errors.append(CaseError("to_organisation", _("Choose another, active organisation.")))
    if case.status in CLOSED_STATUSES:
        errors.append(CaseError("status", _("A closed case cannot be transferred.")))
    consent = valid_consent(
        case.person, purpose=ConsentPurpose.REFERRAL, organisation_id=to_organisation.pk
    )
    if consent is None:
        errors.append(
            CaseError(
                "consent",
                _(
                    "A transfer needs the person's consent to be referred to that "
                    "organisation. Record it on the person's page first."
                ),
            )
        )
    text = reason.strip()
    if not text:
        errors.append(CaseError("reason", _("Say why the case is transferred.")))
    if len(text) > MAX_TEXT:
        errors.append(CaseError("reason", _("At most %(count)d characters.") % {"count": MAX_TEXT}))
    if errors or consent is None:
        raise CaseInvalid(errors)
    try:
        with transaction.atomic():
            transfer = CaseTransfer.objects.create(
                case=case,
                from_organisation_id=case.organisation_id,
                to_organisation=to_organisation,
                consent=consent,
                requested_by=actor,
                reason=text,
            )
    except IntegrityError as exc:
        raise CaseInvalid(
            [CaseError("to_organisation", _("A transfer of this case is already waiting."))]
        ) from exc
    _timeline(case, actor, "transfer_requested", to=to_organisation.code)
    _audit(actor, transfer, "requested")
    return transfer


def may_decide(actor: User, transfer: CaseTransfer) -> bool:
    """A supervisor of the receiving organisation (the case is not in their reach yet)."""
    return (
        policies.can(actor, "case.assign")
        and actor.organisation_id == transfer.to_organisation_id
        and transfer.status == TransferStatus.PENDING
    )


@transaction.atomic
def transfer_decide(
    *, actor: User, transfer: CaseTransfer, accept: bool, comment: str = ""
) -> CaseTransfer:
    locked = CaseTransfer.objects.select_for_update().select_related("case").get(pk=transfer.pk)
    if not may_decide(actor, locked):
        raise NotAllowed("case.assign")
    text = comment.strip()
    if not accept and not text:
        raise CaseInvalid([CaseError("comment", _("Say why the transfer is declined."))])
    if len(text) > MAX_TEXT:
        raise CaseInvalid(
            [CaseError("comment", _("At most %(count)d characters.") % {"count": MAX_TEXT})]
        )
    locked.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_comment = text
    locked.save()
    case = Case.objects.select_for_update().select_related("person").get(pk=locked.case_id)
    if accept:
        # The sending organisation's files with identity may hold this person: they go
        # now, since the person is no longer theirs (and may be erased by the receiver).
        withdraw_exports_of(
            organisation_id=case.organisation_id,
            case_id=case.pk,
            via="transfer",
            reason="transferred",
        )
        person = case.person
        person.organisation_id = locked.to_organisation_id
        person.team_id = actor.team_id
        person.save(update_fields=["organisation", "team", "updated_at"])
        case.organisation_id = locked.to_organisation_id
        case.team_id = actor.team_id
        case.owner = actor
        case.version = case.version + 1
        case.save(update_fields=["organisation", "team", "owner", "version", "updated_at"])
        rollups_changed()
    _timeline(case, actor, "transfer_decided", status=locked.status)
    _audit(actor, locked, locked.status)
    return locked


def incoming_transfers(actor: User) -> "list[CaseTransfer]":
    if not policies.can(actor, "case.assign") or actor.organisation_id is None:
        return []
    return list(
        CaseTransfer.objects.filter(
            to_organisation_id=actor.organisation_id, status=TransferStatus.PENDING
        ).select_related("case", "case__person", "from_organisation")
    )
