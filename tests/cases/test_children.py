"""Children's safeguards: a child's case is marked as such, the notifications the law
requires are tracked tasks, the case cannot close while one is open, the guardian is
recorded, and best-interests assessment and determination are approvals."""

import datetime

import pytest
from django.utils import timezone

from safepath.cases.models import Case, CaseTask
from safepath.cases.services import CaseInvalid, case_open, case_update
from safepath.cases.workflow_services import approval_decide, approval_request, task_done
from safepath.people import services as people_services
from safepath.people.models import Person
from safepath.screening.services import ConsentGiven, Location, screening_create
from tests.cases.conftest import approve_closure
from tests.conftest import Cast


@pytest.fixture
def child_case(cast: Cast) -> Case:
    child = people_services.person_create(
        actor=cast.caseworker_a,
        data={
            "given_name": "Dmytro",
            "sex": "male",
            "age_band": "12-17",
            "child_status": "unaccompanied",
        },
    )
    screening = screening_create(
        actor=cast.caseworker_a,
        person=child,
        catalogue="CL",
        indicators=["CL-EX-01", "CL-EX-02"],
        act=True,
        factors=["child", "unaccompanied_child"],
        needs=["child_protection"],
        consent=ConsentGiven("guardian", datetime.date(2026, 11, 30)),
        location=Location(site_type="border_crossing", voivodeship="18"),
    )
    assert screening.result["trafficking_indicated"] is True
    return case_open(actor=cast.caseworker_a, screening=screening)


def test_a_childs_case_tracks_the_required_notifications(cast: Cast, child_case: Case) -> None:
    assert child_case.is_child
    tasks = {task.kind: task for task in CaseTask.objects.filter(case=child_case)}
    assert set(tasks) == {"notify_family_court", "notify_police"}
    for task in tasks.values():
        assert task.required
        assert task.assignee == cast.caseworker_a
        assert task.due_on == timezone.localdate() + datetime.timedelta(days=1)


def test_a_childs_case_cannot_close_while_a_notification_is_open(
    cast: Cast, child_case: Case
) -> None:
    approve_closure(cast, child_case)
    with pytest.raises(CaseInvalid) as raised:
        case_update(
            actor=cast.caseworker_a, case=child_case, data={"status": "Closed"}, expected_version=1
        )
    assert "notification" in raised.value.errors[0].detail
    for task in CaseTask.objects.filter(case=child_case):
        task_done(actor=cast.caseworker_a, task=task)
    case = case_update(
        actor=cast.caseworker_a, case=child_case, data={"status": "Closed"}, expected_version=1
    )
    assert case.status == "Closed"


def test_guardian_and_leaving_care_plan_are_recorded_and_checked(
    cast: Cast, child_case: Case
) -> None:
    case = case_update(
        actor=cast.caseworker_a,
        case=child_case,
        data={
            "guardian_status": "appointed",
            "guardian_court": "Sąd Rejonowy w Przemyślu, III Wydział Rodzinny",
            "guardian_appointed_on": datetime.date(2026, 11, 28),
            "support_plan_type": "LeavingCare",
        },
        expected_version=1,
    )
    assert (case.guardian_status, case.support_plan_type) == ("appointed", "LeavingCare")
    with pytest.raises(CaseInvalid) as raised:
        case_update(
            actor=cast.caseworker_a,
            case=case,
            data={"guardian_status": "maybe", "guardian_appointed_on": datetime.date(2099, 1, 1)},
            expected_version=2,
        )
    assert {e.field for e in raised.value.errors} == {"guardian_status", "guardian_appointed_on"}


def test_best_interests_assessment_and_determination_are_approvals(
    cast: Cast, child_case: Case
) -> None:
    for kind in ("best_interests_assessment", "best_interests_determination"):
        request = approval_request(actor=cast.caseworker_a, case=child_case, kind=kind)
        decided = approval_decide(actor=cast.supervisor_a, approval=request, approve=True)
        assert decided.status == "approved"


def test_an_adults_case_has_no_required_notifications(
    cast: Cast, case_a: Case, person_a: Person
) -> None:
    assert not case_a.is_child
    assert not CaseTask.objects.filter(case=case_a).exists()
