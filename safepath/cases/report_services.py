"""Every write to reports to law enforcement: one atomic function per action.

Each takes `actor=`, checks the capability in the reach of the report's case, checks
the report's state (a transition from the wrong state is refused and named), writes a
line on the case's timeline and an audit event. A refused action writes nothing.

draft --submit--> awaiting approval --approve--> approved --send--> sent
  ^                      |                                            |
  +-------reject---------+                              acknowledge --+--> acknowledged
                                                                              |
                                                       record the outcome ---+--> concluded
"""

import datetime
from typing import Final

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases import report_events as events
from safepath.cases import report_selectors
from safepath.cases.models import Case, LawEnforcementReport, ReportPerpetrator, ReportPlace
from safepath.cases.models.reports import (
    LOCKED_STATUSES,
    ReportOutcome,
    ReportStatus,
    SendingChannel,
)
from safepath.cases.report_content import (
    MAX_FACTS,
    MAX_PLACE,
    MAX_ROWS,
    MAX_TEXT,
    Clean,
    PerpetratorIn,
    PlaceIn,
    ReportContent,
    ReportError,
    ReportInvalid,
    check_content,
    too_long,
)
from safepath.cases.report_pdf import render as render_pdf
from safepath.cases.services import is_anonymised
from safepath.core.exceptions import ConflictError, NotAllowed

__all__ = [
    "MAX_FACTS",
    "MAX_PLACE",
    "MAX_ROWS",
    "MAX_TEXT",
    "PDF_LANGUAGES",
    "PerpetratorIn",
    "PlaceIn",
    "ReauthenticationRequired",
    "ReportContent",
    "ReportError",
    "ReportInvalid",
    "report_acknowledge",
    "report_approve",
    "report_create",
    "report_generate_pdf",
    "report_record_outcome",
    "report_reject",
    "report_send",
    "report_submit",
    "report_update",
]

MAX_UNIT: Final = 200
MAX_REFERENCE: Final = 64
PDF_LANGUAGES: Final = ("pl", "en")
BY_OWNER: Final = {"owner_field": "owner"}


class ReauthenticationRequired(Exception):
    """The PDF needs a re-authentication made within the last five minutes."""


def _require_prepare(actor: User, case: Case) -> None:
    if not policies.in_scope(actor, "report.prepare", case, **BY_OWNER):
        raise NotAllowed("report.prepare")
    _refuse_if_anonymised(case)


def _refuse_if_anonymised(case: Case, *, lock: bool = True) -> None:
    """A statistical record now: no more text on it. Writes to the content lock the case
    row first (as the retention run does), so none slips in while it is anonymised; the
    decisions, which lock the report first, read it without a lock instead, so that the
    two orders of locking never meet."""
    anonymised = is_anonymised(case) if lock else case.anonymised_at is not None
    if anonymised:
        raise ReportInvalid(
            [ReportError("case", _("This case was anonymised: it can no longer be changed."))]
        )


def _write_rows(report: LawEnforcementReport, clean: Clean) -> None:
    report.places.all().delete()
    report.perpetrators.all().delete()
    ReportPlace.objects.bulk_create(
        ReportPlace(
            report=report,
            position=position,
            place=row.place,
            country=row.country,
            voivodeship=row.voivodeship,
            date=row.date,
            what_happened=row.what_happened,
        )
        for position, row in enumerate(clean.places)
    )
    ReportPerpetrator.objects.bulk_create(
        ReportPerpetrator(
            report=report, position=position, role=row.role, description=row.description
        )
        for position, row in enumerate(clean.perpetrators)
    )


def _set_ground(report: LawEnforcementReport, clean: Clean, actor: User) -> None:
    changed = (report.legal_ground, report.legal_ground_reason) != (
        clean.legal_ground,
        clean.legal_ground_reason,
    )
    report.legal_ground = clean.legal_ground
    report.legal_ground_reason = clean.legal_ground_reason
    if not clean.legal_ground:
        report.legal_ground_recorded_by = None
        report.legal_ground_recorded_at = None
    elif changed:
        report.legal_ground_recorded_by = actor
        report.legal_ground_recorded_at = timezone.now()


@transaction.atomic
def report_create(
    *, actor: User, case: Case, content: ReportContent, via: str = "web"
) -> LawEnforcementReport:
    """A new draft report on the case."""
    _require_prepare(actor, case)
    clean = check_content(case, content)
    if clean.errors:
        raise ReportInvalid(clean.errors)
    report = LawEnforcementReport(
        case=case, created_by=actor, facts=clean.facts, indicators=clean.indicators
    )
    _set_ground(report, clean, actor)
    report.save()
    _write_rows(report, clean)
    events.report_created(actor=actor, report=report, via=via)
    return report


def _rows(report: LawEnforcementReport) -> tuple[list[PlaceIn], list[PerpetratorIn]]:
    places = [
        PlaceIn(p.place, p.country, p.voivodeship, p.date, p.what_happened)
        for p in report.places.all()
    ]
    perpetrators = [PerpetratorIn(p.role, p.description) for p in report.perpetrators.all()]
    return places, perpetrators


def _lock(report: LawEnforcementReport) -> LawEnforcementReport:
    return (
        LawEnforcementReport.objects.select_for_update(of=("self",))
        .select_related("case", "case__person")
        .get(pk=report.pk)
    )


def _wrong_state(report: LawEnforcementReport, message: str) -> ReportInvalid:
    return ReportInvalid([ReportError("status", message % {"state": report.get_status_display()})])


@transaction.atomic
def report_update(
    *,
    actor: User,
    report: LawEnforcementReport,
    content: ReportContent,
    expected_version: int,
    via: str = "web",
) -> LawEnforcementReport:
    """Replace a draft's content, if it is still at `expected_version`; otherwise
    `ConflictError` and nothing is written."""
    _require_prepare(actor, report.case)
    locked = _lock(report)
    if locked.version != expected_version:
        raise ConflictError(current_version=locked.version)
    if locked.status != ReportStatus.DRAFT:
        raise _wrong_state(locked, _("Only a draft can be changed; this report is now: %(state)s."))
    clean = check_content(locked.case, content)
    if clean.errors:
        raise ReportInvalid(clean.errors)
    places, perpetrators = _rows(locked)
    changed = [
        name
        for name, before, after in (
            ("facts", locked.facts, clean.facts),
            ("indicators", list(locked.indicators), clean.indicators),
            ("legal_ground", locked.legal_ground, clean.legal_ground),
            ("legal_ground_reason", locked.legal_ground_reason, clean.legal_ground_reason),
            ("places", places, clean.places),
            ("perpetrators", perpetrators, clean.perpetrators),
        )
        if before != after
    ]
    if not changed:
        return locked
    locked.facts = clean.facts
    locked.indicators = clean.indicators
    _set_ground(locked, clean, actor)
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    if "places" in changed or "perpetrators" in changed:
        _write_rows(locked, clean)
    events.report_changed(actor=actor, report=locked, fields=changed, via=via)
    return locked


def _move(
    actor: User,
    locked: LawEnforcementReport,
    *,
    status: str,
    action: str,
    via: str,
    update: dict[str, object],
) -> LawEnforcementReport:
    before = locked.status
    for name, value in update.items():
        setattr(locked, name, value)
    locked.status = status
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    events.report_status_changed(actor=actor, report=locked, action=action, before=before, via=via)
    return locked


@transaction.atomic
def report_submit(
    *, actor: User, report: LawEnforcementReport, via: str = "web"
) -> LawEnforcementReport:
    """Ask a supervisor to approve the draft."""
    _require_prepare(actor, report.case)
    locked = _lock(report)
    if locked.status != ReportStatus.DRAFT:
        raise _wrong_state(
            locked, _("Only a draft can be sent for approval; this report is now: %(state)s.")
        )
    if not locked.facts:
        raise ReportInvalid(
            [ReportError("facts", _("Write the facts before asking for approval."))]
        )
    return _move(
        actor,
        locked,
        status=ReportStatus.AWAITING_APPROVAL,
        action="submitted",
        via=via,
        update={"submitted_by": actor, "submitted_at": timezone.now()},
    )


def _require_decider(actor: User, locked: LawEnforcementReport, verb: str) -> None:
    if not policies.in_scope(actor, "report.approve", locked.case, **BY_OWNER):
        raise NotAllowed("report.approve")
    _refuse_if_anonymised(locked.case, lock=False)
    if locked.status != ReportStatus.AWAITING_APPROVAL:
        raise _wrong_state(
            locked,
            _("Only a report awaiting approval can be approved; this report is now: %(state)s.")
            if verb == "approve"
            else _(
                "Only a report awaiting approval can be rejected; this report is now: %(state)s."
            ),
        )
    if actor.pk in (locked.created_by_id, locked.submitted_by_id):
        raise ReportInvalid(
            [
                ReportError(
                    "approver",
                    _("You wrote or submitted this report: another supervisor decides on it."),
                )
            ]
        )


@transaction.atomic
def report_approve(
    *, actor: User, report: LawEnforcementReport, via: str = "web"
) -> LawEnforcementReport:
    """A supervisor approves the report; from now on its content does not change."""
    locked = _lock(report)
    _require_decider(actor, locked, "approve")
    now = timezone.now()
    return _move(
        actor,
        locked,
        status=ReportStatus.APPROVED,
        action="approved",
        via=via,
        update={"reviewed_by": actor, "reviewed_at": now, "approved_at": now},
    )


@transaction.atomic
def report_reject(
    *, actor: User, report: LawEnforcementReport, comment: str, via: str = "web"
) -> LawEnforcementReport:
    """A supervisor sends the report back to draft, saying why."""
    locked = _lock(report)
    _require_decider(actor, locked, "reject")
    comment = comment.strip()
    if not comment:
        raise ReportInvalid([ReportError("comment", _("Say what needs to change."))])
    if len(comment) > MAX_TEXT:
        raise ReportInvalid([too_long("comment", MAX_TEXT)])
    return _move(
        actor,
        locked,
        status=ReportStatus.DRAFT,
        action="rejected",
        via=via,
        update={
            "reviewed_by": actor,
            "reviewed_at": timezone.now(),
            "review_comment": comment,
            "submitted_by": None,
            "submitted_at": None,
        },
    )


def _date_errors(
    name: str, value: datetime.date | None, not_before: datetime.date | None
) -> list[ReportError]:
    if value is None:
        return [ReportError(name, _("Enter a valid date."))]
    if value > timezone.localdate():
        return [ReportError(name, _("The date cannot be in the future."))]
    if not_before is not None and value < not_before:
        return [
            ReportError(
                name,
                _("The date cannot be before %(date)s.") % {"date": not_before.isoformat()},
            )
        ]
    return []


@transaction.atomic
def report_send(
    *,
    actor: User,
    report: LawEnforcementReport,
    unit: str,
    channel: str,
    sent_on: datetime.date | None,
    via: str = "web",
) -> LawEnforcementReport:
    """Record that the approved report went to a law-enforcement unit."""
    _require_prepare(actor, report.case)
    locked = _lock(report)
    if locked.status != ReportStatus.APPROVED:
        raise _wrong_state(
            locked, _("Only an approved report can be sent; this report is now: %(state)s.")
        )
    unit = unit.strip()
    errors = []
    if not unit:
        errors.append(ReportError("unit", _("Name the unit the report went to.")))
    elif len(unit) > MAX_UNIT:
        errors.append(too_long("unit", MAX_UNIT))
    if channel not in SendingChannel.values:
        errors.append(ReportError("channel", _("Choose a value from the list.")))
    approved_on = timezone.localdate(locked.approved_at) if locked.approved_at else None
    errors += _date_errors("sent_on", sent_on, approved_on)
    if errors:
        raise ReportInvalid(errors)
    return _move(
        actor,
        locked,
        status=ReportStatus.SENT,
        action="sent",
        via=via,
        update={
            "sent_to_unit": unit,
            "sent_channel": channel,
            "sent_on": sent_on,
            "sent_by": actor,
        },
    )


@transaction.atomic
def report_acknowledge(
    *,
    actor: User,
    report: LawEnforcementReport,
    acknowledged_on: datetime.date | None,
    reference: str = "",
    via: str = "web",
) -> LawEnforcementReport:
    """Record that the unit acknowledged the report (and its reference, if any)."""
    _require_prepare(actor, report.case)
    locked = _lock(report)
    if locked.status != ReportStatus.SENT:
        raise _wrong_state(
            locked,
            _("Only a sent report can be acknowledged; this report is now: %(state)s."),
        )
    reference = reference.strip()
    errors = _date_errors("acknowledged_on", acknowledged_on, locked.sent_on)
    if len(reference) > MAX_REFERENCE:
        errors.append(too_long("reference", MAX_REFERENCE))
    if errors:
        raise ReportInvalid(errors)
    return _move(
        actor,
        locked,
        status=ReportStatus.ACKNOWLEDGED,
        action="acknowledged",
        via=via,
        update={"acknowledged_on": acknowledged_on, "police_reference": reference},
    )


@transaction.atomic
def report_record_outcome(
    *,
    actor: User,
    report: LawEnforcementReport,
    outcome: str,
    outcome_on: datetime.date | None,
    via: str = "web",
) -> LawEnforcementReport:
    """Record what law enforcement did with the report."""
    _require_prepare(actor, report.case)
    locked = _lock(report)
    if locked.status != ReportStatus.ACKNOWLEDGED:
        raise _wrong_state(
            locked,
            _(
                "The outcome is recorded once the report is acknowledged; this report is now: "
                "%(state)s."
            ),
        )
    errors = []
    if outcome not in ReportOutcome.values:
        errors.append(ReportError("outcome", _("Choose a value from the list.")))
    errors += _date_errors("outcome_on", outcome_on, locked.acknowledged_on)
    if errors:
        raise ReportInvalid(errors)
    return _move(
        actor,
        locked,
        status=ReportStatus.CONCLUDED,
        action="outcome",
        via=via,
        update={"outcome": outcome, "outcome_on": outcome_on},
    )


@transaction.atomic
def report_generate_pdf(
    *,
    actor: User,
    report: LawEnforcementReport,
    language: str,
    recently_authenticated: bool,
    via: str = "web",
) -> bytes:
    """The report as a PDF in `language` (`pl` or `en`), once approved. The person's
    identity is in it only on a recorded legal ground or a valid consent to sharing
    with law enforcement; otherwise it is redacted. Needs a re-authentication made in
    the last five minutes (`recently_authenticated`, decided by the caller from the
    session). Audited, with the language and the basis for identity."""
    if not policies.in_scope(actor, "report.view", report.case, **BY_OWNER):
        raise NotAllowed("report.view")
    if not recently_authenticated:
        raise ReauthenticationRequired
    if language not in PDF_LANGUAGES:
        raise ReportInvalid([ReportError("language", _("Choose Polish or English."))])
    if report.status not in LOCKED_STATUSES:
        raise _wrong_state(
            report, _("The PDF is made once the report is approved; this report is now: %(state)s.")
        )
    basis = report_selectors.identity_basis(report)
    show_identity = basis.shares_identity and policies.in_scope(
        actor, "person.view_identity", report.case.person
    )
    pdf = render_pdf(
        report, language=language, basis=basis, show_identity=show_identity, actor=actor
    )
    events.report_pdf_generated(
        actor=actor,
        report=report,
        language=language,
        basis=basis.code if show_identity else "redacted",
        via=via,
    )
    return pdf
