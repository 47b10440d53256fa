"""Opening, changing and assigning cases: the rules, and nothing half-written."""

import datetime

import pytest
from django.db import connection

from safepath.audit.models import AuditEvent
from safepath.cases.models import Case, CaseEvent, CaseNote
from safepath.cases.services import CaseInvalid, case_add_note, case_assign, case_open, case_update
from safepath.core.exceptions import ConflictError, NotAllowed
from safepath.people import services as people_services
from safepath.people.models import Person
from safepath.screening.models import Screening
from safepath.screening.services import Location, screening_create
from tests.cases.conftest import INDICATED, approve_closure
from tests.conftest import Cast


def test_a_case_opened_from_a_screening_carries_it(cast: Cast, screening_a: Screening) -> None:
    case = case_open(actor=cast.caseworker_a, screening=screening_a)
    assert case.person == screening_a.person
    assert case.screening == screening_a
    assert case.trafficking_status == "PossibleVictimOfTrafficking"
    assert (case.status, case.owner, case.team) == ("Active", cast.caseworker_a, cast.team_a)
    assert case.version == 1
    assert list(case.events.values_list("kind", flat=True)) == ["opened"]
    assert AuditEvent.objects.filter(action="case.opened", object_id=str(case.public_id)).exists()


def test_an_anonymous_screening_cannot_open_a_case(cast: Cast) -> None:
    anonymous = screening_create(
        actor=cast.caseworker_a,
        person=None,
        catalogue="AL",
        indicators=INDICATED,
        act=False,
        factors=[],
        needs=[],
        consent=None,
        location=Location(site_type="outreach"),
    )
    with pytest.raises(CaseInvalid) as raised:
        case_open(actor=cast.caseworker_a, screening=anonymous)
    assert raised.value.errors[0].field == "screening"
    assert not Case.objects.exists()


def test_a_case_needs_consent_and_only_one_open_case_per_person(
    cast: Cast, person_a: Person
) -> None:
    with pytest.raises(CaseInvalid) as raised:
        case_open(actor=cast.caseworker_a, person=person_a)
    assert [e.field for e in raised.value.errors] == ["consent"]
    people_services.consent_record(
        actor=cast.caseworker_a,
        person=person_a,
        purpose="data_processing",
        given=True,
        method="written",
        date=datetime.date(2026, 11, 30),
    )
    case = case_open(actor=cast.caseworker_a, person=person_a)
    with pytest.raises(CaseInvalid) as raised:
        case_open(actor=cast.caseworker_a, person=person_a)
    assert [e.field for e in raised.value.errors] == ["person"]
    # Once closed, a new case may be opened.
    approve_closure(cast, case)
    case_update(actor=cast.caseworker_a, case=case, data={"status": "Closed"}, expected_version=1)
    assert case_open(actor=cast.caseworker_a, person=person_a).pk != case.pk


def test_an_update_states_the_version_it_read(cast: Cast, case_a: Case) -> None:
    case = case_update(
        actor=cast.caseworker_a,
        case=case_a,
        data={"risk_level": "high", "means_of_control": ["WithholdsDocuments", "DebtBondage"]},
        expected_version=1,
    )
    assert case.version == 2
    assert case.means_of_control == ["DebtBondage", "WithholdsDocuments"]  # the standard's order
    # A colleague's save based on version 1 is refused and changes nothing.
    with pytest.raises(ConflictError) as raised:
        case_update(
            actor=cast.caseworker_a2, case=case_a, data={"risk_level": "low"}, expected_version=1
        )
    assert raised.value.current_version == 2
    case.refresh_from_db()
    assert (case.risk_level, case.version) == ("high", 2)
    assert CaseEvent.objects.filter(case=case, kind="changed").count() == 1


def test_an_identification_says_who_decided_it_and_when(cast: Cast, case_a: Case) -> None:
    with pytest.raises(CaseInvalid) as raised:
        case_update(
            actor=cast.caseworker_a,
            case=case_a,
            data={"trafficking_status": "ActualVictimOfTrafficking"},
            expected_version=1,
        )
    assert {e.field for e in raised.value.errors} == {
        "trafficking_status_decided_by",
        "trafficking_status_date",
    }
    case_a.refresh_from_db()
    assert (case_a.trafficking_status, case_a.version) == ("PossibleVictimOfTrafficking", 1)
    case = case_update(
        actor=cast.caseworker_a,
        case=case_a,
        data={
            "trafficking_status": "ActualVictimOfTrafficking",
            "trafficking_status_decided_by": "Police",
            "trafficking_status_date": datetime.date(2026, 11, 29),
        },
        expected_version=1,
    )
    assert case.trafficking_status == "ActualVictimOfTrafficking"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "Archived"}, "status"),
        ({"exploitation_types": ["ForcedLabour", "Smuggling"]}, "exploitation_types"),
        ({"trafficking_status_date": datetime.date(2099, 1, 1)}, "trafficking_status_date"),
        ({"owner": "someone"}, "owner"),
        ({"safety_concerns": "x" * 5001}, "safety_concerns"),
    ],
)
def test_bad_values_are_named_and_nothing_is_written(
    cast: Cast, case_a: Case, data: dict[str, object], field: str
) -> None:
    with pytest.raises(CaseInvalid) as raised:
        case_update(actor=cast.caseworker_a, case=case_a, data=data, expected_version=1)
    assert [e.field for e in raised.value.errors] == [field]
    case_a.refresh_from_db()
    assert case_a.version == 1
    assert not CaseEvent.objects.filter(case=case_a, kind="changed").exists()


def test_closing_needs_an_approved_closure_and_uses_it_up(cast: Cast, case_a: Case) -> None:
    with pytest.raises(CaseInvalid) as raised:
        case_update(
            actor=cast.caseworker_a, case=case_a, data={"status": "Closed"}, expected_version=1
        )
    assert [e.field for e in raised.value.errors] == ["status"]
    approve_closure(cast, case_a)
    case = case_update(
        actor=cast.caseworker_a, case=case_a, data={"status": "Closed"}, expected_version=1
    )
    case = case_update(
        actor=cast.caseworker_a, case=case, data={"status": "Active"}, expected_version=2
    )
    # Reopened: closing again needs a new approval.
    with pytest.raises(CaseInvalid):
        case_update(
            actor=cast.caseworker_a,
            case=case,
            data={"status": "ClosedReferred"},
            expected_version=3,
        )


def test_closing_records_when_and_the_timeline_says_so(cast: Cast, case_a: Case) -> None:
    approve_closure(cast, case_a)
    case = case_update(
        actor=cast.caseworker_a, case=case_a, data={"status": "Closed"}, expected_version=1
    )
    assert case.closed_at is not None
    assert case.events.filter(kind="status").get().detail == {"before": "Active", "after": "Closed"}
    case = case_update(
        actor=cast.caseworker_a, case=case, data={"status": "FollowUp"}, expected_version=2
    )
    assert case.closed_at is None


def test_supervisors_assign_within_the_organisation_and_the_case_follows_the_team(
    cast: Cast, case_a: Case
) -> None:
    with pytest.raises(NotAllowed):
        case_assign(actor=cast.caseworker_a, case=case_a, owner=cast.caseworker_a_other_team)
    with pytest.raises(CaseInvalid):
        case_assign(actor=cast.supervisor_a, case=case_a, owner=cast.caseworker_b)
    with pytest.raises(CaseInvalid):
        case_assign(actor=cast.supervisor_a, case=case_a, owner=cast.analyst)
    case = case_assign(actor=cast.supervisor_a, case=case_a, owner=cast.caseworker_a_other_team)
    assert (case.owner, case.team, case.version) == (cast.caseworker_a_other_team, cast.team_a2, 2)
    # The Warsaw caseworker who opened it no longer reaches it; the Lublin one does.
    with pytest.raises(NotAllowed):
        case_update(
            actor=cast.caseworker_a, case=case, data={"risk_level": "low"}, expected_version=2
        )
    case_update(
        actor=cast.caseworker_a_other_team,
        case=case,
        data={"risk_level": "low"},
        expected_version=2,
    )


def test_notes_are_encrypted_and_leave_no_text_in_the_trail(cast: Cast, case_a: Case) -> None:
    case_add_note(actor=cast.caseworker_a, case=case_a, text="Sister in Lviv, call on Tuesdays")
    note = CaseNote.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_casenote WHERE id = %s", [note.pk])
        stored = cursor.fetchone()[0]
    assert "Lviv" not in stored
    assert note.text == "Sister in Lviv, call on Tuesdays"
    assert not any("Lviv" in str(e.detail) for e in AuditEvent.objects.all())
    with pytest.raises(CaseInvalid):
        case_add_note(actor=cast.caseworker_a, case=case_a, text="   ")


def test_outsiders_and_roles_without_cases_may_do_nothing(cast: Cast, case_a: Case) -> None:
    for user in (cast.caseworker_b, cast.hotline, cast.analyst, cast.partner, cast.admin):
        with pytest.raises(NotAllowed):
            case_update(actor=user, case=case_a, data={"risk_level": "low"}, expected_version=1)
        with pytest.raises(NotAllowed):
            case_add_note(actor=user, case=case_a, text="x")
    case_a.refresh_from_db()
    assert (case_a.risk_level, case_a.version) == ("", 1)
    assert not CaseNote.objects.exists()
