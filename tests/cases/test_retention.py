"""Retention: a case closed longer ago than `SAFEPATH_CASE_RETENTION_DAYS` is anonymised
(its free text and, once no longer needed, the person's identity removed; its statistics
kept), recorded, and never twice; a recent or open case is never touched; a dry run
writes nothing; a failure leaves the case as it was."""

import datetime
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_django.fixtures import Settings

from safepath.audit.models import AuditEvent
from safepath.cases import retention_events
from safepath.cases.assistance_services import shelter_admit, shelter_create, shelter_depart
from safepath.cases.models import (
    Assistance,
    Case,
    CaseApproval,
    CaseEvent,
    CaseNote,
    CaseTask,
    LawEnforcementReport,
    PlanItem,
    ReportPerpetrator,
    ReportPlace,
)
from safepath.cases.report_services import ReportInvalid, report_create
from safepath.cases.retention_services import run_retention
from safepath.cases.services import CaseInvalid, case_add_note, case_open, case_update
from safepath.cases.tasks import anonymise_expired_cases
from safepath.cases.workflow_services import plan_item_add
from safepath.people.models import Person
from safepath.screening.models import Screening
from tests.cases.report_helpers import content
from tests.cases.retention_setup import (
    CASE_EMPTIED,
    CASE_KEPT,
    PERSON_EMPTIED,
    PERSON_KEPT,
    SCREENING_KEPT,
    Canaries,
    close,
    full_case,
    identified_person,
    past,
    screened,
    values_of,
)
from tests.conftest import Cast

ROOT = Path(__file__).resolve().parents[2]
EXPIRED = 1900  # days: past the default period of 1826
RECENT = 30

# What anonymising the full case removes: one value per field (two notes).
CASE_REMOVED = {
    "approval.decision_comment": 1,
    "approval.request_comment": 1,
    "case.guardian_court": 1,
    "case.safety_concerns": 1,
    "notes": 2,
    "perpetrator.description": 1,
    "place.place": 1,
    "place.what_happened": 1,
    "plan.action": 1,
    "plan.goal": 1,
    "plan.responsible": 1,
    "report.facts": 1,
    "report.legal_ground_reason": 1,
    "report.police_reference": 1,
    # The closure approval had no comment; the required-free case has one task.
    "task.title": 1,
}
PERSON_REMOVED = {f"person.{name}": 1 for name in PERSON_EMPTIED}


def _expired_case(cast: Cast, c: Canaries | None = None) -> Case:
    return close(cast, full_case(cast, c or Canaries.new()), days_ago=EXPIRED)


def _texts(case: Case) -> dict[str, Any]:
    """Every free text of the case, as the models read it."""
    report = LawEnforcementReport.objects.get(case=case)
    return {
        "case": values_of(Case.objects.get(pk=case.pk), CASE_EMPTIED),
        "notes": CaseNote.objects.filter(case=case).count(),
        "plan": list(
            PlanItem.objects.filter(case=case).values_list("goal", "action", "responsible")
        ),
        "tasks": list(CaseTask.objects.filter(case=case).values_list("title", flat=True)),
        "approvals": sorted(
            CaseApproval.objects.filter(case=case).values_list(
                "request_comment", "decision_comment"
            )
        ),
        "report": values_of(
            report, ("facts", "legal_ground_reason", "review_comment", "police_reference")
        ),
        "places": list(
            ReportPlace.objects.filter(report=report).values_list("place", "what_happened")
        ),
        "perpetrators": list(
            ReportPerpetrator.objects.filter(report=report).values_list("description", flat=True)
        ),
    }


def _statistics(case: Case) -> dict[str, Any]:
    """Everything retention keeps, read from the database."""
    case = Case.objects.get(pk=case.pk)
    report = LawEnforcementReport.objects.get(case=case)
    return {
        "case": values_of(case, CASE_KEPT),
        "person": values_of(Person.objects.get(pk=case.person_id), PERSON_KEPT),
        "screening": values_of(Screening.objects.get(cases=case), SCREENING_KEPT),
        "report": values_of(
            report, ("status", "indicators", "legal_ground", "created_by_id", "created_at")
        ),
        "places": list(
            ReportPlace.objects.filter(report=report).values_list("country", "voivodeship", "date")
        ),
        "perpetrators": list(
            ReportPerpetrator.objects.filter(report=report).values_list("role", flat=True)
        ),
        "plan": list(PlanItem.objects.filter(case=case).values_list("due_on", "done_at")),
        "tasks": list(CaseTask.objects.filter(case=case).values_list("kind", "due_on", "done_at")),
        "approvals": sorted(CaseApproval.objects.filter(case=case).values_list("kind", "status")),
        "assistance": list(Assistance.objects.filter(case=case).values_list("kind", "quantity")),
        "timeline": list(CaseEvent.objects.filter(case=case).values_list("kind", "detail")),
    }


def _run(**kwargs: Any) -> dict[str, Any]:
    return run_retention(via="test", **kwargs).as_dict()


def test_an_expired_closed_case_is_anonymised_and_keeps_its_statistics(cast: Cast) -> None:
    c = Canaries.new()
    case = _expired_case(cast, c)
    person_before = Person.objects.get(pk=case.person_id)
    assert person_before.given_name == c.given_name  # the set-up really filled it
    assert (len(person_before.name_index), len(person_before.phone_index)) == (64, 64)
    assert _texts(case)["case"] == {"safety_concerns": c.safety, "guardian_court": c.court}
    statistics = _statistics(case)
    versions = (case.version, person_before.version)

    assert _run() == {"cases": 1, "people": 1, "failed": 0, "values": 25, "dry_run": False}

    case = Case.objects.get(pk=case.pk)
    assert case.anonymised_at is not None
    assert _statistics(case) == statistics
    assert _texts(case) == {
        "case": {"safety_concerns": "", "guardian_court": ""},
        "notes": 0,
        "plan": [("", "", "")],
        "tasks": [""],
        "approvals": [("", ""), ("", "")],
        "report": {
            "facts": "",
            "legal_ground_reason": "",
            "review_comment": "",
            "police_reference": "",
        },
        "places": [("", "")],
        "perpetrators": [""],
    }
    person = Person.objects.get(pk=case.person_id)
    assert values_of(person, PERSON_EMPTIED) == {
        "given_name": "",
        "family_name": "",
        "date_of_birth": None,
        "phone": "",
        "document_number": "",
        "address": "",
        "notes": "",
        "name_index": "",
        "phone_index": "",
    }
    # Forms opened before cannot write the text back: both versions moved on.
    assert (case.version, person.version) == (versions[0] + 1, versions[1] + 1)

    anonymised = AuditEvent.objects.get(action="case.anonymised")
    assert (anonymised.object_id, anonymised.actor_id, anonymised.actor_username) == (
        str(case.public_id),
        None,
        "system:retention",
    )
    assert anonymised.detail == {
        "reason": "retention",
        "via": "test",
        "fields": sorted(CASE_REMOVED),
        "count": sum(CASE_REMOVED.values()),
    }
    person_event = AuditEvent.objects.get(action="person.anonymised")
    assert person_event.object_id == str(person.public_id)
    assert person_event.detail == {
        "reason": "retention",
        "via": "test",
        "fields": sorted(PERSON_REMOVED),
        "count": 9,
    }
    audit = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert not [value for value in c.values() if value in audit]


def test_the_case_page_says_it_was_anonymised_and_offers_no_forms(cast: Cast, login: Any) -> None:
    case = _expired_case(cast)
    run_retention(via="test")
    for user in (cast.caseworker_a, cast.supervisor_a, cast.analyst):
        page = login(user).get(case.get_absolute_url()).content.decode()
        assert "Anonymised on" in page, user.username
        for form in ("/edit/", "/notes/", "/plan/", "/tasks/", "/approvals/", "/reports/new/"):
            assert f'{case.public_id}{form}"' not in page, (user.username, form)


def test_a_recently_closed_case_and_an_open_case_are_untouched(cast: Cast) -> None:
    recent = close(cast, full_case(cast, Canaries.new()), days_ago=RECENT)
    still_open = full_case(cast, Canaries.new())
    Case.objects.filter(pk=still_open.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=EXPIRED * 2)
    )
    before = {case.pk: (_texts(case), _statistics(case)) for case in (recent, still_open)}
    people = {p.pk: (p.given_name, p.name_index, p.version) for p in Person.objects.all()}

    assert _run() == {"cases": 0, "people": 0, "failed": 0, "values": 0, "dry_run": False}

    for case in (recent, still_open):
        assert (_texts(case), _statistics(case)) == before[case.pk]
        assert Case.objects.get(pk=case.pk).anonymised_at is None
    assert {p.pk: (p.given_name, p.name_index, p.version) for p in Person.objects.all()} == people
    assert not AuditEvent.objects.filter(action__endswith=".anonymised").exists()


def test_the_period_comes_from_the_setting(cast: Cast, settings: Settings) -> None:
    case = close(cast, full_case(cast, Canaries.new()), days_ago=40)
    settings.SAFEPATH_CASE_RETENTION_DAYS = 41
    assert _run()["cases"] == 0
    settings.SAFEPATH_CASE_RETENTION_DAYS = 39
    assert _run()["cases"] == 1
    assert Case.objects.get(pk=case.pk).anonymised_at is not None


def test_a_second_run_does_nothing(cast: Cast) -> None:
    case = _expired_case(cast)
    assert _run()["cases"] == 1
    case = Case.objects.get(pk=case.pk)
    person = Person.objects.get(pk=case.person_id)
    events = AuditEvent.objects.count()

    assert _run() == {"cases": 0, "people": 0, "failed": 0, "values": 0, "dry_run": False}

    again = Case.objects.get(pk=case.pk)
    assert (again.anonymised_at, again.version, again.updated_at) == (
        case.anonymised_at,
        case.version,
        case.updated_at,
    )
    person_again = Person.objects.get(pk=person.pk)
    assert (person_again.version, person_again.updated_at) == (person.version, person.updated_at)
    assert AuditEvent.objects.count() == events


def test_dry_run_changes_nothing_and_reports_counts(cast: Cast) -> None:
    shared = identified_person(cast, Canaries.new())
    first = close(cast, full_case(cast, Canaries.new(), person=shared), days_ago=EXPIRED)
    second = close(cast, full_case(cast, Canaries.new(), person=shared), days_ago=EXPIRED + 10)
    _expired_case(cast)
    close(cast, full_case(cast, Canaries.new()), days_ago=RECENT)
    before = {case.pk: (_texts(case), _statistics(case)) for case in Case.objects.all()}
    events = AuditEvent.objects.count()

    out = StringIO()
    call_command("cases", "retention", "--dry-run", stdout=out)

    # Three expired cases, of two people: the shared person once.
    assert json.loads(out.getvalue()) == {
        "cases": 3,
        "people": 2,
        "failed": 0,
        "values": 0,
        "dry_run": True,
    }
    assert {case.pk: (_texts(case), _statistics(case)) for case in Case.objects.all()} == before
    assert not Case.objects.filter(anonymised_at__isnull=False).exists()
    assert Person.objects.get(pk=shared.pk).given_name == shared.given_name
    assert AuditEvent.objects.count() == events
    assert {first.pk, second.pk} <= set(before)


def test_the_command_runs_the_retention(cast: Cast) -> None:
    first = _expired_case(cast)
    out = StringIO()
    call_command("cases", "retention", stdout=out)
    assert json.loads(out.getvalue()) == {
        "cases": 1,
        "people": 1,
        "failed": 0,
        "values": 25,
        "dry_run": False,
    }
    assert AuditEvent.objects.get(action="case.anonymised").detail["via"] == "command"
    assert Case.objects.get(pk=first.pk).anonymised_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_background_task_runs_the_same_retention(cast: Cast) -> None:
    case = _expired_case(cast)
    anonymise_expired_cases.enqueue()
    # The real worker, as in production (it closes its connections: a transactional test).
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert Case.objects.get(pk=case.pk).anonymised_at is not None
    assert Person.objects.get(pk=case.person_id).name_index == ""
    event = AuditEvent.objects.get(action="case.anonymised")
    assert (event.object_id, event.detail["via"]) == (str(case.public_id), "task")
    anonymise_expired_cases.enqueue()  # delivered again: nothing to do
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert AuditEvent.objects.filter(action__endswith=".anonymised").count() == 2


def test_the_person_keeps_their_identity_while_still_needed(cast: Cast) -> None:
    c = Canaries.new()
    person = identified_person(cast, c)
    old = close(cast, full_case(cast, c, person=person), days_ago=EXPIRED)
    newer = full_case(cast, Canaries.new(), person=person)  # open

    assert _run() == {"cases": 1, "people": 0, "failed": 0, "values": 16, "dry_run": False}
    assert Case.objects.get(pk=old.pk).anonymised_at is not None
    assert Person.objects.get(pk=person.pk).given_name == c.given_name

    close(cast, newer, days_ago=RECENT)
    assert _run()["cases"] == 0  # closed within the period: it still needs the person
    assert Person.objects.get(pk=person.pk).given_name == c.given_name

    past(newer, days_ago=EXPIRED)
    screened(cast, person)  # screened again, today
    assert _run() == {"cases": 1, "people": 0, "failed": 0, "values": 16, "dry_run": False}
    assert Person.objects.get(pk=person.pk).given_name == c.given_name
    assert not AuditEvent.objects.filter(action="person.anonymised").exists()

    # Once the last screening is older than the period too, a later run removes the
    # identity, although no case of theirs is left to anonymise.
    Screening.objects.filter(person=person).update(
        created_at=timezone.now() - datetime.timedelta(days=EXPIRED)
    )
    assert _run() == {"cases": 0, "people": 1, "failed": 0, "values": 9, "dry_run": False}
    assert values_of(Person.objects.get(pk=person.pk), PERSON_EMPTIED)["given_name"] == ""
    assert AuditEvent.objects.filter(action="person.anonymised").count() == 1


def test_a_person_staying_in_a_shelter_keeps_their_identity(cast: Cast) -> None:
    case = _expired_case(cast)
    shelter = shelter_create(actor=cast.supervisor_a, name="Haven", voivodeship="14", capacity=3)
    stay = shelter_admit(
        actor=cast.caseworker_a,
        shelter=shelter,
        person=case.person,
        admitted_on=timezone.localdate(),
    )
    assert _run()["people"] == 0
    assert Person.objects.get(pk=case.person_id).name_index != ""
    shelter_depart(actor=cast.caseworker_a, stay=stay, departed_on=timezone.localdate())
    assert _run()["people"] == 1


def test_a_failure_leaves_that_case_untouched_and_the_others_are_done(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    c = Canaries.new()
    broken = _expired_case(cast, c)
    fine = _expired_case(cast)
    before = (_texts(broken), _statistics(broken))
    real = retention_events.case_anonymised

    def fail_on_broken(**kwargs: Any) -> None:
        if kwargs["case"].pk == broken.pk:
            raise RuntimeError("disk full")
        real(**kwargs)

    monkeypatch.setattr(retention_events, "case_anonymised", fail_on_broken)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("cases", "retention", stdout=out, stderr=err)
    assert exited.value.code == 1
    assert json.loads(out.getvalue()) == {
        "cases": 1,
        "people": 1,
        "failed": 1,
        "values": 25,
        "dry_run": False,
    }
    assert "1 case(s) could not be anonymised" in err.getvalue()

    # Nothing of the broken case was touched: the emptied text came back with the rollback.
    assert Case.objects.get(pk=broken.pk).anonymised_at is None
    assert (_texts(broken), _statistics(broken)) == before
    assert Person.objects.get(pk=broken.person_id).given_name == c.given_name
    assert Case.objects.get(pk=fine.pk).anonymised_at is not None
    assert [r.getMessage() for r in caplog.records if r.name.endswith("retention_services")] == [
        f"retention: case {broken.public_id} was not anonymised (RuntimeError)"
    ]
    assert not [value for value in c.values() if value in caplog.text]

    monkeypatch.setattr(retention_events, "case_anonymised", real)
    assert _run()["cases"] == 1  # the next run does it


def test_an_anonymised_case_takes_no_more_changes(cast: Cast, login: Any) -> None:
    case = _expired_case(cast)
    run_retention(via="test")
    case = Case.objects.get(pk=case.pk)
    reopen = {"status": "Active"}
    with pytest.raises(CaseInvalid) as raised:
        case_update(actor=cast.caseworker_a, case=case, data=reopen, expected_version=case.version)
    assert [e.field for e in raised.value.errors] == ["case"]
    with pytest.raises(CaseInvalid):
        case_add_note(actor=cast.caseworker_a, case=case, text="new text")
    with pytest.raises(CaseInvalid):
        plan_item_add(actor=cast.caseworker_a, case=case, goal="new goal")
    with pytest.raises(ReportInvalid):
        report_create(actor=cast.caseworker_a, case=case, content=content())
    client = login(cast.caseworker_a)
    assert client.get(f"/en/app/cases/{case.public_id}/edit/").status_code == 404
    assert client.post(f"/en/app/cases/{case.public_id}/notes/", {"text": "x"}).status_code == 404
    assert (CaseNote.objects.filter(case=case).count(), Case.objects.get(pk=case.pk).status) == (
        0,
        "Closed",
    )
    # A new case for the person (they came back) is a new record, open as usual.
    assert case_open(actor=cast.caseworker_a, person=case.person).anonymised_at is None


def test_retention_needs_a_subcommand_and_refuses_unknown_options(cast: Cast) -> None:
    with pytest.raises(CommandError):
        call_command("cases")
    with pytest.raises(CommandError):
        call_command("cases", "retention", "--days", "3")
    assert not AuditEvent.objects.filter(action__endswith=".anonymised").exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "SAFEPATH_CASE_RETENTION_DAYS must be at least 1"),
        ("-5", "SAFEPATH_CASE_RETENTION_DAYS must be at least 1"),
        ("five years", "SAFEPATH_CASE_RETENTION_DAYS must be a whole number"),
    ],
)
def test_a_bad_retention_period_refuses_to_start(value: str, message: str) -> None:
    env = {**os.environ, "SAFEPATH_CASE_RETENTION_DAYS": value}
    result = subprocess.run(
        [sys.executable, "-m", "safepath", "cases", "retention", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert result.stdout == ""
