"""Set-up shared by the retention and erasure tests: a person with every identity field
filled with unique values, and a case of theirs holding every kind of free text, all
made through the services; then the case closed and its closing moved into the past."""

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from safepath.accounts.models import User
from safepath.cases.assistance_services import assistance_record
from safepath.cases.models import Case, LawEnforcementReport
from safepath.cases.report_services import PerpetratorIn, PlaceIn, ReportContent, report_create
from safepath.cases.services import case_add_note, case_open, case_update
from safepath.cases.workflow_services import (
    approval_decide,
    approval_request,
    plan_item_add,
    task_add,
)
from safepath.people.models import Person
from safepath.people.services import consent_record, person_create
from safepath.screening.models import Screening
from safepath.screening.services import ConsentGiven, Location, screening_create
from tests.conftest import Cast

INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]

# The fields retention keeps, and those it empties (`exactly`: the tests compare these
# lists with what the models hold).
CASE_KEPT = (
    "status",
    "closed_at",
    "created_at",
    "trafficking_status",
    "trafficking_status_decided_by",
    "trafficking_status_date",
    "exploitation_types",
    "forced_labour_industries",
    "means_of_control",
    "recruitment_methods",
    "relationship_to_trafficker",
    "is_child",
    "guardian_status",
    "guardian_appointed_on",
    "support_plan_type",
    "risk_level",
    "organisation_id",
    "team_id",
    "owner_id",
    "created_by_id",
    "screening_id",
    "person_id",
)
CASE_EMPTIED = ("safety_concerns", "guardian_court")
PERSON_KEPT = (
    "code",
    "sex",
    "age_band",
    "nationality",
    "languages",
    "voivodeship",
    "arrival_date",
    "protection_status",
    "child_status",
    "wg_seeing",
    "organisation_id",
    "team_id",
)
PERSON_EMPTIED = (
    "given_name",
    "family_name",
    "date_of_birth",
    "phone",
    "document_number",
    "address",
    "notes",
    "name_index",
    "phone_index",
)
SCREENING_KEPT = (
    "catalogue",
    "catalogue_version",
    "rule_version",
    "indicators",
    "act",
    "population",
    "result",
    "factors",
    "needs",
    "priority",
    "priority_reasons",
    "flags",
    "voivodeship",
    "site_type",
    "consent_id",
)


@dataclass
class Canaries:
    """Unique values typed into the person and the case: none may survive."""

    given_name: str
    family_name: str
    phone: str
    document_number: str
    address: str
    person_notes: str
    safety: str
    court: str
    note: str
    goal: str
    action: str
    responsible: str
    task: str
    request_comment: str
    decision_comment: str
    facts: str
    place: str
    what_happened: str
    perpetrator: str
    ground_reason: str
    police_reference: str

    @classmethod
    def new(cls) -> "Canaries":
        tag = secrets.token_hex(4)
        digits = "".join(secrets.choice("0123456789") for _ in range(6))
        return cls(
            given_name=f"Halynaret{tag}",
            family_name=f"Kowalretx{tag}",
            phone=f"+48 601 {digits[:3]} {digits[3:]}",
            document_number=f"RETDOC{tag.upper()}",
            address=f"Retentionstreet {tag}, Przemyśl",
            person_notes=f"person-note-{tag}",
            safety=f"safety-{tag}",
            court=f"Sad Rejonowy retention-{tag}",
            note=f"case-note-{tag}",
            goal=f"goal-{tag}",
            action=f"action-{tag}",
            responsible=f"responsible-{tag}",
            task=f"task-{tag}",
            request_comment=f"request-comment-{tag}",
            decision_comment=f"decision-comment-{tag}",
            facts=f"facts-{tag}",
            place=f"farm-{tag}",
            what_happened=f"passport-taken-{tag}",
            perpetrator=f"perpetrator-{tag}",
            ground_reason=f"danger-{tag}",
            police_reference=f"RSD-{tag}",
        )

    def values(self) -> list[str]:
        return [str(value) for value in vars(self).values()]


def identified_person(cast: Cast, c: Canaries, *, actor: User | None = None) -> Person:
    """A person with every identity field filled, and their consent to data processing."""
    actor = actor or cast.caseworker_a
    person = person_create(
        actor=actor,
        data={
            "given_name": c.given_name,
            "family_name": c.family_name,
            "date_of_birth": datetime.date(1990, 3, 14),
            "phone": c.phone,
            "document_number": c.document_number,
            "address": c.address,
            "notes": c.person_notes,
            "sex": "female",
            "age_band": "18-59",
            "nationality": "UKR",
            "languages": ["uk", "ru"],
            "voivodeship": "18",
            "arrival_date": datetime.date(2022, 3, 1),
            "protection_status": "temporary_protection",
            "wg_seeing": "some",
        },
    )
    consent_record(
        actor=actor,
        person=person,
        purpose="data_processing",
        given=True,
        method="written",
        date=timezone.localdate(),
    )
    return person


def screened(cast: Cast, person: Person) -> Screening:
    return screening_create(
        actor=cast.caseworker_a,
        person=person,
        catalogue="AL",
        indicators=INDICATED,
        act=False,
        factors=[],
        needs=[],
        consent=ConsentGiven("oral_witnessed", timezone.localdate()),
        location=Location(site_type="border_crossing", voivodeship="18"),
    )


def full_case(cast: Cast, c: Canaries, person: Person | None = None) -> Case:
    """An open case of the person (registered and screened if not given) with every
    kind of free text and every statistic filled."""
    if person is None:
        person = identified_person(cast, c)
    case = case_open(actor=cast.caseworker_a, screening=screened(cast, person))
    worker, supervisor = cast.caseworker_a, cast.supervisor_a
    case = case_update(
        actor=worker,
        case=case,
        expected_version=case.version,
        data={
            "trafficking_status": "ActualVictimOfTrafficking",
            "trafficking_status_decided_by": "Police",
            "trafficking_status_date": datetime.date(2026, 6, 1),
            "exploitation_types": ["ForcedLabour"],
            "forced_labour_industries": ["A_AgricultureForestryAndFishing"],
            "means_of_control": ["DebtBondage"],
            "recruitment_methods": ["ThroughAnOnlineAdvertisement"],
            "relationship_to_trafficker": "Acquainted",
            "risk_level": "high",
            "guardian_status": "not_appointed",
            "guardian_court": c.court,
            "support_plan_type": "Legal",
            "safety_concerns": c.safety,
        },
    )
    case_add_note(actor=worker, case=case, text=c.note)
    case_add_note(actor=supervisor, case=case, text=f"{c.note} again")
    plan_item_add(actor=worker, case=case, goal=c.goal, action=c.action, responsible=c.responsible)
    task_add(
        actor=worker,
        case=case,
        kind="follow_up",
        title=c.task,
        due_on=timezone.localdate(),
        assignee=worker,
    )
    approval = approval_request(
        actor=worker, case=case, kind="assessment", comment=c.request_comment
    )
    approval_decide(actor=supervisor, approval=approval, approve=True, comment=c.decision_comment)
    report_create(
        actor=worker,
        case=case,
        content=ReportContent(
            facts=c.facts,
            indicators=["AL-DR-01"],
            places=[
                PlaceIn(
                    place=c.place,
                    voivodeship="14",
                    date=datetime.date(2026, 5, 1),
                    what_happened=c.what_happened,
                )
            ],
            perpetrators=[PerpetratorIn(role="RecruiterOrIntermediary", description=c.perpetrator)],
            legal_ground="imminent_danger",
            legal_ground_reason=c.ground_reason,
        ),
    )
    LawEnforcementReport.objects.filter(case=case).update(police_reference=c.police_reference)
    assistance_record(
        actor=worker, case=case, kind="hygiene_kit", quantity=2, given_on=timezone.localdate()
    )
    return Case.objects.get(pk=case.pk)


def close(cast: Cast, case: Case, *, days_ago: int = 0) -> Case:
    """Close the case with an approved closure; then move its closing (and the
    person's screenings, which came before it) `days_ago` into the past."""
    approval = approval_request(actor=cast.caseworker_a, case=case, kind="closure")
    approval_decide(actor=cast.supervisor_a, approval=approval, approve=True)
    case = Case.objects.get(pk=case.pk)
    case = case_update(
        actor=cast.caseworker_a,
        case=case,
        data={"status": "Closed"},
        expected_version=case.version,
    )
    if days_ago:
        past(case, days_ago=days_ago)
    return Case.objects.get(pk=case.pk)


def past(case: Case, *, days_ago: int) -> None:
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(closed_at=when)
    Screening.objects.filter(person_id=case.person_id, created_at__gt=when).update(
        created_at=when - datetime.timedelta(days=30)
    )


def values_of(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}
