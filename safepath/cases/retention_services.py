"""Retention and erasure: anonymising cases and the people they are about.

**Anonymising a case** empties everything typed about the person (the case's safety
concerns and family court, the plan's goals, actions and who, task titles, approval
comments, the law-enforcement reports' facts, places and what happened there,
perpetrator descriptions, the legal ground's reason, the police's reference and the
review comment, erasure requests' text) and deletes the case's notes and attachments
(their sealed files too, once the transaction commits). It keeps what
statistics need and what identifies nobody: status and dates, the HTCDS codes
(trafficking status, types of exploitation, industries, means of control, recruitment,
relationship to the trafficker), risk level, the child flag and guardian status, the
organisation, team and caseworker, the screening and its assessment, assistance, the
reports' codes and dates, and the timeline (which holds codes, never text).

**Anonymising a person** empties their identity (names, date of birth, phone, document
number, address, notes) and its blind indexes, and the text of their erasure requests.
The pseudonymous code and the statistical profile (sex, age band, nationality,
languages, voivodeship, disability answers, arrival, protection and child status) stay.

**Retention** (`run_retention`, run by `safepath cases retention` and the
`anonymise_expired_cases` task): every case closed more than
`SAFEPATH_CASE_RETENTION_DAYS` ago and not yet anonymised is anonymised, each in its own
transaction with the case row locked, so a failure leaves that case untouched and a
second run finds nothing to do. Then each person whose cases are all anonymised loses
their identity (again one transaction each), unless they are still needed: a case of
theirs is open or closed within the period, they were screened within the period, or
they are staying in a shelter. A person kept for one of those reasons is looked at
again by every later run.

**Erasure** (`erasure_request`, `erasure_decide`): a caseworker asks, a supervisor who
did not ask approves, and the approval anonymises the person and every case of theirs
at once, whatever their closing date. It waits until none of the person's cases is open.

What was removed is counted per field (`"person.given_name": 1`, `"notes": 3`), never
read back: the counts come from the database, the values are not decrypted.
"""

import dataclasses
import datetime
import logging
from collections import Counter
from typing import Any, Final

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases import retention_events as events
from safepath.cases.attachment_services import delete_case_attachments
from safepath.cases.export_services import withdraw_exports_of
from safepath.cases.models import (
    Case,
    CaseApproval,
    CaseNote,
    CaseTask,
    LawEnforcementReport,
    PlanItem,
    ReportPerpetrator,
    ReportPlace,
    ShelterStay,
)
from safepath.cases.models.history import CasePerpetrator, TraffickingEvent
from safepath.cases.models.retention import ErasureReason, ErasureRequest, ErasureStatus
from safepath.cases.retention_selectors import (
    PERSON_IDENTITY,
    identified_people,
    nothing_left_to_erase,
)
from safepath.cases.services import MAX_TEXT, OWNER, CaseError, CaseInvalid
from safepath.cases.vocabularies import CLOSED_STATUSES
from safepath.cases.workflow_services import decision_problems
from safepath.core.exceptions import NotAllowed
from safepath.people.models import Person
from safepath.referrals.anonymise import anonymise_case_referrals, anonymise_person_referrals
from safepath.screening.models import Screening

logger = logging.getLogger(__name__)

# What anonymising empties, per model, under the prefix its counts are reported with.
CASE_TEXT: Final = ("safety_concerns", "guardian_court")
PLAN_TEXT: Final = ("goal", "action", "responsible")
TASK_TEXT: Final = ("title",)
APPROVAL_TEXT: Final = ("request_comment", "decision_comment")
REPORT_TEXT: Final = ("facts", "legal_ground_reason", "review_comment", "police_reference")
PLACE_TEXT: Final = ("place", "what_happened")
PERPETRATOR_TEXT: Final = ("description",)
ERASURE_TEXT: Final = ("reason_detail", "decision_comment")
HISTORY_EVENT_TEXT: Final = ("place", "description")
CASE_PERPETRATOR_TEXT: Final = ("name", "description")


# --- emptying fields and counting what was there ----------------------------------------


def _filled(model: type[models.Model], name: str) -> Q:
    """Rows where the field holds something (a nullable field: not NULL; text: not '')."""
    if model._meta.get_field(name).null:
        return Q(**{f"{name}__isnull": False})
    return ~Q(**{name: ""})


def _clear(
    queryset: QuerySet[Any],
    fields: tuple[str, ...],
    prefix: str,
    removed: Counter[str],
    **also: Any,
) -> int:
    """Empty `fields` on every row of `queryset`; add to `removed` how many values were
    there (`prefix.field`); return that number. `also` is written with it (a version
    bump), and only when something was removed, so that a second run changes nothing."""
    model = queryset.model
    counts = queryset.aggregate(
        **{name: Count("pk", filter=_filled(model, name)) for name in fields}
    )
    found = 0
    for name in fields:
        if counts[name]:
            removed[f"{prefix}.{name}"] += counts[name]
            found += counts[name]
    if found:
        empty = {name: None if model._meta.get_field(name).null else "" for name in fields}
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            also = {"updated_at": timezone.now(), **also}
        queryset.update(**empty, **also)
    return found


def _anonymise_case(case_id: int, *, now: datetime.datetime) -> Counter[str]:
    """Remove the free text of one case (locked by the caller) and mark it anonymised."""
    removed: Counter[str] = Counter()
    _clear(Case.objects.filter(pk=case_id), CASE_TEXT, "case", removed)
    notes = CaseNote.objects.filter(case_id=case_id)
    if count := notes.count():
        notes.delete()
        removed["notes"] += count
    if count := delete_case_attachments(case_id):  # their files go once this commits
        removed["attachments"] += count
    _clear(PlanItem.objects.filter(case_id=case_id), PLAN_TEXT, "plan", removed)
    _clear(CaseTask.objects.filter(case_id=case_id), TASK_TEXT, "task", removed)
    _clear(CaseApproval.objects.filter(case_id=case_id), APPROVAL_TEXT, "approval", removed)
    reports = LawEnforcementReport.objects.filter(case_id=case_id)
    _clear(reports, REPORT_TEXT, "report", removed, version=F("version") + 1)
    _clear(ReportPlace.objects.filter(report__case_id=case_id), PLACE_TEXT, "place", removed)
    _clear(
        ReportPerpetrator.objects.filter(report__case_id=case_id),
        PERPETRATOR_TEXT,
        "perpetrator",
        removed,
    )
    _clear(ErasureRequest.objects.filter(case_id=case_id), ERASURE_TEXT, "erasure", removed)
    history = TraffickingEvent.objects.filter(case_id=case_id)
    _clear(history, HISTORY_EVENT_TEXT, "trafficking_event", removed)
    named = CasePerpetrator.objects.filter(case_id=case_id)
    _clear(named, CASE_PERPETRATOR_TEXT, "case_perpetrator", removed)
    removed.update(anonymise_case_referrals(case_id))
    organisation_id = Case.objects.values_list("organisation_id", flat=True).get(pk=case_id)
    if count := withdraw_exports_of(
        organisation_id=organisation_id, case_id=case_id, via="retention"
    ):
        removed["exports"] += count
    # A stale edit form must not write the text back: the version moves on.
    Case.objects.filter(pk=case_id, anonymised_at__isnull=True).update(
        anonymised_at=now, version=F("version") + 1, updated_at=now
    )
    return removed


def _anonymise_person(person_id: int) -> Counter[str]:
    """Remove a person's identity, its blind indexes and the text of their erasure
    requests. The version moves on, so a person form opened before cannot restore it."""
    removed: Counter[str] = Counter()
    list(Person.objects.select_for_update().filter(pk=person_id).values_list("pk"))  # lock
    people = Person.objects.filter(pk=person_id)
    removed.update(anonymise_person_referrals(person_id))
    organisation_id = people.values_list("organisation_id", flat=True).get()
    if count := withdraw_exports_of(organisation_id=organisation_id, case_id=None, via="retention"):
        removed["exports"] += count
    _clear(people, PERSON_IDENTITY, "person", removed, version=F("version") + 1)
    _clear(ErasureRequest.objects.filter(person_id=person_id), ERASURE_TEXT, "erasure", removed)
    return removed


# --- retention ---------------------------------------------------------------------------


def retention_cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=settings.SAFEPATH_CASE_RETENTION_DAYS)


def _expired(cutoff: datetime.datetime) -> Q:
    return Q(status__in=CLOSED_STATUSES, closed_at__lt=cutoff)


def expired_cases(cutoff: datetime.datetime) -> QuerySet[Case]:
    """Closed before the cutoff and not anonymised yet."""
    return Case.objects.filter(_expired(cutoff), anonymised_at__isnull=True)


def people_due(cutoff: datetime.datetime) -> QuerySet[Person]:
    """People whose identity retention may remove: identified, with cases, every one of
    them closed before the cutoff, not screened since, not staying in a shelter."""
    return (
        identified_people()
        .filter(pk__in=Case.objects.filter(_expired(cutoff)).values("person_id"))
        .exclude(pk__in=Case.objects.exclude(_expired(cutoff)).values("person_id"))
        .exclude(
            pk__in=Screening.objects.filter(created_at__gte=cutoff, person__isnull=False).values(
                "person_id"
            )
        )
        .exclude(pk__in=ShelterStay.objects.filter(departed_on__isnull=True).values("person_id"))
    )


@dataclasses.dataclass
class RetentionResult:
    """What a retention run did (or, in a dry run, would do)."""

    cases: int = 0  # cases anonymised
    people: int = 0  # people whose identity was removed
    failed: int = 0  # cases or people left untouched by an error (logged by id)
    values: int = 0  # values and rows removed
    dry_run: bool = False

    def as_dict(self) -> dict[str, int | bool]:
        return dataclasses.asdict(self)


def run_retention(
    *, now: datetime.datetime | None = None, dry_run: bool = False, via: str = "task"
) -> RetentionResult:
    """Anonymise every expired case, then the identity of every person whose cases are
    all anonymised and who is no longer needed; each case and each person in a
    transaction of its own. A dry run counts the cases and people it would anonymise
    and writes nothing."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    result = RetentionResult(dry_run=dry_run)
    cases = list(expired_cases(cutoff).order_by("closed_at", "pk").values_list("pk", flat=True))
    if dry_run:
        result.cases = len(cases)
        result.people = people_due(cutoff).count()
        return result
    for case_id in cases:
        removed = _guarded(result, "case", case_id, _retain_case, cutoff=cutoff, now=now, via=via)
        if removed is not None:
            result.cases += 1
            result.values += removed.total()
    # A person is done once every case of theirs is (a failed case keeps them for later).
    people = people_due(cutoff).exclude(
        pk__in=Case.objects.filter(anonymised_at__isnull=True).values("person_id")
    )
    for person_id in list(people.order_by("pk").values_list("pk", flat=True)):
        removed = _guarded(
            result, "person", person_id, _retain_person, cutoff=cutoff, now=now, via=via
        )
        if removed:
            result.people += 1
            result.values += removed.total()
    return result


def _guarded(
    result: RetentionResult, kind: str, pk: int, work: Any, **kwargs: Any
) -> Counter[str] | None:
    """Run one case's or person's transaction; on an error, count it, log the record's
    public id and the error's type (never its message: it may quote a value), go on."""
    try:
        removed: Counter[str] | None = work(pk, **kwargs)
    except Exception as exc:  # the transaction rolled back: the record is as it was
        result.failed += 1
        model = Case if kind == "case" else Person
        public_id = model.objects.filter(pk=pk).values_list("public_id", flat=True).first()
        logger.error(
            "retention: %s %s was not anonymised (%s)", kind, public_id, type(exc).__name__
        )
        return None
    return removed


@transaction.atomic
def _retain_case(
    case_id: int, *, cutoff: datetime.datetime, now: datetime.datetime, via: str
) -> Counter[str] | None:
    """Anonymise one expired case. None when it is no longer a candidate (reopened, or
    done by a concurrent run)."""
    case = (
        Case.objects.select_for_update()
        .filter(_expired(cutoff), pk=case_id, anonymised_at__isnull=True)
        .first()
    )
    if case is None:
        return None
    removed = _anonymise_case(case.pk, now=now)
    events.case_anonymised(actor=None, case=case, reason="retention", via=via, removed=removed)
    return removed


@transaction.atomic
def _retain_person(
    person_id: int, *, cutoff: datetime.datetime, now: datetime.datetime, via: str
) -> Counter[str] | None:
    """Remove one person's identity, if they are still due once locked."""
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None or not people_due(cutoff).filter(pk=person_id).exists():
        return None
    removed = _anonymise_person(person.pk)
    if removed:
        events.person_anonymised(
            actor=None, person=person, reason="retention", via=via, removed=removed
        )
    return removed


# --- erasure requests --------------------------------------------------------------------


@transaction.atomic
def erasure_request(
    *, actor: User, case: Case, reason: str, detail: str = "", via: str = "web"
) -> ErasureRequest:
    """Ask a supervisor to erase the data of the case's person now. One request per
    person waits at a time; "other" needs the reason written out."""
    if not policies.in_scope(actor, "case.change", case, **OWNER):
        raise NotAllowed("case.change")
    if nothing_left_to_erase(case):
        raise CaseInvalid(
            [CaseError("case", _("This person's data has already been erased: nothing is left."))]
        )
    errors = []
    if reason not in ErasureReason.values:
        errors.append(CaseError("reason", _("Choose why the data is to be erased.")))
    text = detail.strip()
    if reason == ErasureReason.OTHER and not text:
        errors.append(CaseError("detail", _("Say why the data is to be erased.")))
    if len(text) > MAX_TEXT:
        errors.append(CaseError("detail", _("At most %(count)d characters.") % {"count": MAX_TEXT}))
    if errors:
        raise CaseInvalid(errors)
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(
                person_id=case.person_id,
                case=case,
                reason=reason,
                reason_detail=text,
                requested_by=actor,
            )
    except IntegrityError as exc:  # the partial unique index: one pending request per person
        raise CaseInvalid(
            [
                CaseError(
                    "reason",
                    _("An erasure of this person's data is already waiting for a decision."),
                )
            ]
        ) from exc
    events.erasure_requested(actor=actor, request=request, via=via)
    return request


@transaction.atomic
def erasure_decide(
    *, actor: User, request: ErasureRequest, approve: bool, comment: str = "", via: str = "web"
) -> ErasureRequest:
    """A supervisor's decision. Nobody decides on their own request; a rejection says
    why; an approval executes the erasure at once, once none of the person's cases is
    open. The request keeps the proof: who asked, who approved, when it was executed,
    and what it removed (counts, never values)."""
    if not policies.in_scope(actor, "case.approve", request.case, **OWNER):
        raise NotAllowed("case.approve")
    locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    errors, text = decision_problems(
        actor=actor,
        pending=locked.status == ErasureStatus.PENDING,
        requested_by_id=locked.requested_by_id,
        approve=approve,
        comment=comment,
    )
    case_ids = list(
        Case.objects.select_for_update()
        .filter(person_id=locked.person_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    cases = Case.objects.filter(pk__in=case_ids).order_by("pk")
    if approve and cases.exclude(status__in=CLOSED_STATUSES).exists():
        errors.append(
            CaseError(
                "person",
                _(
                    "The person still has an open case: close it first (a closure needs "
                    "a supervisor's approval), then approve the erasure."
                ),
            )
        )
    if errors:
        raise CaseInvalid(errors)
    now = timezone.now()
    locked.decided_by = actor
    locked.decided_at = now
    locked.decision_comment = text
    if not approve:
        locked.status = ErasureStatus.REJECTED
        locked.save()
        events.erasure_decided(actor=actor, request=locked, via=via)
        return locked
    locked.save()
    removed: Counter[str] = Counter()
    anonymised = 0
    for case in cases:
        case_removed = _anonymise_case(case.pk, now=now)
        events.case_anonymised(
            actor=actor, case=case, reason="erasure", via=via, removed=case_removed
        )
        removed += case_removed
        anonymised += 1
    person_removed = _anonymise_person(locked.person_id)
    events.person_anonymised(
        actor=actor, person=locked.person, reason="erasure", via=via, removed=person_removed
    )
    removed += person_removed
    locked.refresh_from_db()
    locked.status = ErasureStatus.EXECUTED
    locked.executed_at = now
    locked.cases_anonymised = anonymised
    locked.removed = dict(sorted(removed.items()))
    locked.save()
    events.erasure_decided(actor=actor, request=locked, via=via)
    return locked
