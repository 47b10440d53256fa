"""Every write to cases: one atomic function per action, each taking `actor=`."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases import events, workflow_events
from safepath.cases.models import Case, CaseApproval, CaseNote, CaseTask, TaskKind
from safepath.cases.vocabularies import (
    CLOSED_STATUSES,
    CaseStatus,
    DecidingOrganisation,
    ExploitationType,
    ForcedLabourIndustry,
    GuardianStatus,
    MeansOfControl,
    RecruitmentMethod,
    RelationshipToTrafficker,
    RiskLevel,
    SupportPlanType,
    TraffickingStatus,
)
from safepath.core.exceptions import ConflictError, NotAllowed
from safepath.insights.rollups.signals import rollups_changed
from safepath.people.models import AgeBand, Person
from safepath.screening.models import Screening
from safepath.screening.services import valid_data_processing_consent

OWNER: Final = {"owner_field": "owner"}
CHOICES: Final[dict[str, Any]] = {
    "status": CaseStatus,
    "trafficking_status": TraffickingStatus,
    "trafficking_status_decided_by": DecidingOrganisation,
    "relationship_to_trafficker": RelationshipToTrafficker,
    "risk_level": RiskLevel,
    "guardian_status": GuardianStatus,
    "support_plan_type": SupportPlanType,
}
LISTS: Final[dict[str, Any]] = {
    "exploitation_types": ExploitationType,
    "forced_labour_industries": ForcedLabourIndustry,
    "means_of_control": MeansOfControl,
    "recruitment_methods": RecruitmentMethod,
}
EDITABLE: Final = (
    *CHOICES,
    *LISTS,
    "trafficking_status_date",
    "safety_concerns",
    "is_child",
    "guardian_court",
    "guardian_appointed_on",
)
NOTIFICATION_DAYS: Final = 1  # "without delay": due the next day
CHILD_BANDS: Final = (AgeBand.A0_4, AgeBand.A5_11, AgeBand.A12_17)
MAX_TEXT: Final = 5000


@dataclass(frozen=True, slots=True)
class CaseError:
    field: str
    detail: str


class CaseInvalid(ValueError):
    """The input does not make a valid case or change; every problem is named and
    nothing is written."""

    def __init__(self, errors: Sequence[CaseError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.detail}" for e in errors))
        self.errors = list(errors)


@transaction.atomic
def case_open(
    *,
    actor: User,
    person: Person | None = None,
    screening: Screening | None = None,
    via: str = "web",
) -> Case:
    """Open a case for a person, or from a screening of a person (the case carries the
    screening, and trafficking indicated starts it as a possible victim). The person
    must have consented to the processing of their data, and must not already have an
    open case in the organisation."""
    if actor.organisation_id is None:
        raise NotAllowed("case.create")
    policies.require(actor, "case.create")
    if screening is not None:
        if screening.person is None:
            raise CaseInvalid(
                [
                    CaseError(
                        "screening",
                        _(
                            "This screening is anonymous: register the person, screen them "
                            "with their consent, then open the case."
                        ),
                    )
                ]
            )
        person = screening.person
    if person is None:
        raise CaseInvalid([CaseError("person", _("A case needs a person or a screening."))])
    if not policies.in_scope(actor, "person.view", person):
        raise NotAllowed("person.view")
    errors = []
    if valid_data_processing_consent(person, actor=actor) is None:
        errors.append(
            CaseError(
                "consent",
                _(
                    "A case needs the person's consent to the processing of their data. "
                    "Record it first."
                ),
            )
        )
    existing = (
        Case.objects.filter(person=person, organisation_id=actor.organisation_id)
        .exclude(status__in=CLOSED_STATUSES)
        .first()
    )
    if existing is not None:
        errors.append(CaseError("person", _("This person already has an open case.")))
    if errors:
        raise CaseInvalid(errors)
    indicated = screening is not None and bool(screening.result.get("trafficking_indicated"))
    child = (
        person.age_band in CHILD_BANDS
        or bool(person.child_status)
        or (screening is not None and screening.population == "child")
    )
    case = Case.objects.create(
        person=person,
        screening=screening,
        organisation_id=actor.organisation_id,
        team_id=actor.team_id,
        created_by=actor,
        owner=actor,
        trafficking_status=TraffickingStatus.POSSIBLE if indicated else "",
        is_child=child,
    )
    events.case_opened(actor=actor, case=case, via=via)
    rollups_changed()
    if child:
        _required_notifications(
            actor, case, unaccompanied=bool(person.child_status), indicated=indicated
        )
    return case


def _required_notifications(
    actor: User, case: Case, *, unaccompanied: bool, indicated: bool
) -> None:
    """The notifications the law requires for a child, as tracked tasks: the family court
    for an unaccompanied or separated child (a guardian must be appointed), the police
    when trafficking is indicated."""
    due = timezone.localdate() + datetime.timedelta(days=NOTIFICATION_DAYS)
    kinds = []
    if unaccompanied:
        kinds.append(
            (TaskKind.NOTIFY_FAMILY_COURT, _("Notify the family court: a guardian is needed"))
        )
    if indicated:
        kinds.append(
            (
                TaskKind.NOTIFY_POLICE,
                _("Notify the police: a child may be a victim of trafficking"),
            )
        )
    for kind, title in kinds:
        task = CaseTask.objects.create(
            case=case,
            kind=kind,
            title=title,
            due_on=due,
            assignee=actor,
            created_by=actor,
            required=True,
        )
        workflow_events.task_added(actor=actor, task=task)


def _clean(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[CaseError]]:
    values: dict[str, Any] = {}
    errors: list[CaseError] = []
    for name, value in data.items():
        if name not in EDITABLE:
            errors.append(CaseError(name, _("This field cannot be changed here.")))
        elif name in CHOICES:
            value = value or ""
            if value and value not in CHOICES[name].values:
                errors.append(CaseError(name, _("Choose a value from the list.")))
            values[name] = value
        elif name in LISTS:
            codes = list(value or [])
            if bad := sorted({c for c in codes if c not in LISTS[name].values}):
                errors.append(
                    CaseError(name, _("Unknown values: %(codes)s.") % {"codes": ", ".join(bad)})
                )
            wanted = set(codes)
            values[name] = [code for code in LISTS[name].values if code in wanted]
        elif name == "trafficking_status_date":
            if value is not None and not isinstance(value, datetime.date):
                errors.append(CaseError(name, _("Enter a valid date.")))
            elif value is not None and value > timezone.localdate():
                errors.append(CaseError(name, _("The date cannot be in the future.")))
            values[name] = value
        elif name == "is_child":
            values[name] = bool(value)
        elif name == "guardian_court":
            text = str(value or "").strip()
            if len(text) > 200:
                errors.append(CaseError(name, _("At most %(count)d characters.") % {"count": 200}))
            values[name] = text
        elif name == "guardian_appointed_on":
            if value is not None and not isinstance(value, datetime.date):
                errors.append(CaseError(name, _("Enter a valid date.")))
            elif value is not None and value > timezone.localdate():
                errors.append(CaseError(name, _("The date cannot be in the future.")))
            values[name] = value
        elif name == "safety_concerns":
            text = str(value or "").strip()
            if len(text) > MAX_TEXT:
                errors.append(
                    CaseError(name, _("At most %(count)d characters.") % {"count": MAX_TEXT})
                )
            values[name] = text
    return values, errors


def is_anonymised(case: Case) -> bool:
    """Whether the case was anonymised (retention or erasure), read with the case row
    locked, so that a write checking it cannot slip in while the case is anonymised."""
    stamp = (
        Case.objects.select_for_update()
        .filter(pk=case.pk)
        .values_list("anonymised_at", flat=True)
        .first()
    )
    return stamp is not None


def refuse_if_anonymised(case: Case) -> None:
    """An anonymised case is a statistical record: text written to it later would
    outlive the retention period, so it takes no more changes."""
    if is_anonymised(case):
        raise CaseInvalid(
            [CaseError("case", _("This case was anonymised: it can no longer be changed."))]
        )


def _unused_closure_approval(case: Case) -> CaseApproval | None:
    """The approved closure request not used by an earlier closing: a reopened case
    needs a new approval to close again."""
    return (
        CaseApproval.objects.select_for_update()
        .filter(case=case, kind="closure", status="approved", used_at__isnull=True)
        .order_by("decided_at")
        .first()
    )


def _decision_errors(case: Case) -> list[CaseError]:
    """An identification (victim or not) is a decision by an authorised body: say who
    decided it and when."""
    if case.trafficking_status in (TraffickingStatus.ACTUAL, TraffickingStatus.NOT_A_VICTIM):
        errors = []
        if not case.trafficking_status_decided_by:
            errors.append(
                CaseError(
                    "trafficking_status_decided_by",
                    _("Say which type of organisation made this decision."),
                )
            )
        if case.trafficking_status_date is None:
            errors.append(
                CaseError("trafficking_status_date", _("Say when the decision was made."))
            )
        return errors
    return []


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    data: Mapping[str, Any],
    expected_version: int,
    via: str = "web",
) -> Case:
    """Change the given fields, if the case is still at `expected_version`; otherwise
    `ConflictError` and nothing is written."""
    if not policies.in_scope(actor, "case.change", case, **OWNER):
        raise NotAllowed("case.change")
    refuse_if_anonymised(case)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.version != expected_version:
        raise ConflictError(current_version=locked.version)
    values, errors = _clean(data)
    before_status = locked.status
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, values[name])
    errors += _decision_errors(locked)
    closure = None
    closing = (
        "status" in changed
        and locked.status in CLOSED_STATUSES
        and before_status not in CLOSED_STATUSES
    )
    if closing and locked.tasks.filter(required=True, done_at__isnull=True).exists():
        errors.append(
            CaseError(
                "status",
                _("A required notification is still open: do it and mark it done first."),
            )
        )
    if closing:
        closure = _unused_closure_approval(locked)
        if closure is None:
            errors.append(
                CaseError(
                    "status",
                    _("Closing a case needs a supervisor's approval: request the closure first."),
                )
            )
    if errors:
        raise CaseInvalid(errors)
    if not changed:
        return locked
    if closure is not None:
        closure.used_at = timezone.now()
        closure.save(update_fields=["used_at", "updated_at"])
    if "status" in changed:
        locked.closed_at = timezone.now() if locked.status in CLOSED_STATUSES else None
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    rollups_changed()
    if "status" in changed:
        events.case_status_changed(actor=actor, case=locked, before=before_status, via=via)
    if other := [name for name in changed if name != "status"]:
        events.case_changed(actor=actor, case=locked, fields=other, via=via)
    return locked


@transaction.atomic
def case_assign(*, actor: User, case: Case, owner: User, via: str = "web") -> Case:
    """Give the case to a caseworker or supervisor of its organisation; the case
    follows them to their team."""
    if not policies.in_scope(actor, "case.assign", case, **OWNER):
        raise NotAllowed("case.assign")
    if (
        owner.organisation_id != case.organisation_id
        or not owner.is_active
        or owner.role not in ("caseworker", "supervisor")
    ):
        raise CaseInvalid(
            [
                CaseError(
                    "owner", _("Choose an active caseworker or supervisor of the organisation.")
                )
            ]
        )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.owner_id == owner.pk:
        return locked
    locked.owner = owner
    locked.team_id = owner.team_id
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    events.case_assigned(actor=actor, case=locked, via=via)
    return locked


@transaction.atomic
def case_add_note(*, actor: User, case: Case, text: str, via: str = "web") -> CaseNote:
    if not policies.in_scope(actor, "case.change", case, **OWNER):
        raise NotAllowed("case.change")
    refuse_if_anonymised(case)
    text = text.strip()
    if not text:
        raise CaseInvalid([CaseError("text", _("Write the note first."))])
    if len(text) > MAX_TEXT:
        raise CaseInvalid(
            [CaseError("text", _("At most %(count)d characters.") % {"count": MAX_TEXT})]
        )
    note = CaseNote.objects.create(case=case, author=actor, text=text)
    events.case_note_added(actor=actor, case=case, via=via)
    return note
