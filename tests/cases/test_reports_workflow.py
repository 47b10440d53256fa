"""Reports to law enforcement: the workflow draft → approval → sent → acknowledged →
outcome, each step on the case's timeline and in the audit, and every refusal named
with nothing written."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from safepath.audit.models import AuditEvent
from safepath.cases.models import Case, CaseEvent, LawEnforcementReport, ReportPlace
from safepath.cases.report_services import (
    PerpetratorIn,
    PlaceIn,
    ReportInvalid,
    report_acknowledge,
    report_approve,
    report_create,
    report_record_outcome,
    report_reject,
    report_send,
    report_submit,
    report_update,
)
from safepath.core.exceptions import ConflictError, NotAllowed
from tests.cases.report_helpers import FACTS, approved, content, draft
from tests.conftest import Cast

TODAY = timezone.localdate


def _written() -> tuple[int, int, int, int]:
    """Everything a report action may write."""
    return (
        LawEnforcementReport.objects.count(),
        ReportPlace.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.exclude(action="case.viewed").count(),
    )


def _state(report: LawEnforcementReport) -> tuple[str, int]:
    report.refresh_from_db()
    return report.status, report.version


def test_the_whole_workflow_leaves_a_timeline_and_an_audit_without_free_text(
    cast: Cast, case_a: Case
) -> None:
    report = draft(cast, case_a)
    assert (report.status, report.version, report.created_by) == ("draft", 1, cast.caseworker_a)
    assert report.indicators == ["AL-DR-01", "AL-EX-01"]
    place = report.places.get()
    assert (place.place, place.country, place.voivodeship) == (
        "Gospodarstwo pod Grójcem",
        "POL",
        "14",
    )
    assert report.perpetrators.get().role == "RecruiterOrIntermediary"

    report = report_submit(actor=cast.caseworker_a, report=report)
    report = report_approve(actor=cast.supervisor_a, report=report)
    assert (report.reviewed_by, report.approved_at is not None) == (cast.supervisor_a, True)
    report = report_send(
        actor=cast.caseworker_a2,
        report=report,
        unit="KWP Radom, Wydział do walki z Handlem Ludźmi",
        channel="registered_post",
        sent_on=TODAY(),
    )
    report = report_acknowledge(
        actor=cast.caseworker_a, report=report, acknowledged_on=TODAY(), reference="RSD-17/26"
    )
    report = report_record_outcome(
        actor=cast.supervisor_a, report=report, outcome="investigation_opened", outcome_on=TODAY()
    )
    assert (report.status, report.version, report.outcome) == (
        "concluded",
        6,
        "investigation_opened",
    )
    assert (report.sent_to_unit, report.sent_channel, report.sent_by, report.police_reference) == (
        "KWP Radom, Wydział do walki z Handlem Ludźmi",
        "registered_post",
        cast.caseworker_a2,
        "RSD-17/26",
    )

    timeline = list(case_a.events.values_list("kind", "detail"))
    rid = str(report.public_id)
    assert timeline[1:] == [
        ("report_created", {"report": rid}),
        ("report_submitted", {"report": rid, "before": "draft", "after": "awaiting_approval"}),
        ("report_approved", {"report": rid, "before": "awaiting_approval", "after": "approved"}),
        ("report_sent", {"report": rid, "before": "approved", "after": "sent"}),
        ("report_acknowledged", {"report": rid, "before": "sent", "after": "acknowledged"}),
        ("report_outcome", {"report": rid, "before": "acknowledged", "after": "concluded"}),
    ]
    audit = list(
        AuditEvent.objects.filter(object_type="law_enforcement_report")
        .order_by("id")
        .values_list("action", "actor_username", "object_id", "detail")
    )
    assert audit == [
        ("report.created", "caseworker.a", rid, {"via": "web"}),
        ("report.submitted", "caseworker.a", rid, {"via": "web", "target": "awaiting_approval"}),
        ("report.approved", "supervisor.a", rid, {"via": "web", "target": "approved"}),
        ("report.sent", "caseworker2.a", rid, {"via": "web", "target": "sent"}),
        ("report.acknowledged", "caseworker.a", rid, {"via": "web", "target": "acknowledged"}),
        ("report.outcome", "supervisor.a", rid, {"via": "web", "target": "concluded"}),
    ]
    everything = str(list(AuditEvent.objects.values())) + str(list(CaseEvent.objects.values()))
    for secret in ("Zwerbowana", "Grójc", "paszport", "Zbyszek", "Radom", "RSD-17", "Oksana"):
        assert secret not in everything


def test_free_text_is_encrypted_at_rest(cast: Cast, case_a: Case) -> None:
    from django.db import connection

    report = draft(cast, case_a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT facts FROM cases_lawenforcementreport WHERE id = %s", [report.pk])
        (stored,) = cursor.fetchone()
        cursor.execute("SELECT place, what_happened FROM cases_reportplace")
        place_row = cursor.fetchone()
        cursor.execute("SELECT description FROM cases_reportperpetrator")
        (description,) = cursor.fetchone()
    assert "Zwerbowana" not in stored
    assert "Grójc" not in place_row[0]
    assert "paszport" not in place_row[1]
    assert "Zbyszek" not in description


def test_the_author_may_not_approve_their_own_report(cast: Cast, case_a: Case) -> None:
    report = report_create(actor=cast.supervisor_a, case=case_a, content=content())
    report = report_submit(actor=cast.supervisor_a, report=report)
    before = _written()
    with pytest.raises(ReportInvalid) as refused:
        report_approve(actor=cast.supervisor_a, report=report)
    assert [(e.field, e.detail) for e in refused.value.errors] == [
        ("approver", "You wrote or submitted this report: another supervisor decides on it.")
    ]
    with pytest.raises(ReportInvalid):
        report_reject(actor=cast.supervisor_a, report=report, comment="Fine by me")
    assert _state(report) == ("awaiting_approval", 2)
    assert _written() == before


def test_a_submitter_may_not_approve_either_and_caseworkers_never_approve(
    cast: Cast, case_a: Case
) -> None:
    report = report_create(actor=cast.caseworker_a, case=case_a, content=content())
    report = report_submit(actor=cast.caseworker_a, report=report)
    before = _written()
    for caseworker in (cast.caseworker_a, cast.caseworker_a2):
        with pytest.raises(NotAllowed):
            report_approve(actor=caseworker, report=report)
    assert _state(report) == ("awaiting_approval", 2)
    assert _written() == before


def test_a_rejection_returns_the_report_to_draft_with_its_comment(cast: Cast, case_a: Case) -> None:
    report = report_submit(actor=cast.caseworker_a, report=draft(cast, case_a))
    with pytest.raises(ReportInvalid) as refused:
        report_reject(actor=cast.supervisor_a, report=report, comment="   ")
    assert refused.value.errors[0].field == "comment"
    assert _state(report) == ("awaiting_approval", 2)

    report = report_reject(
        actor=cast.supervisor_a, report=report, comment="Dopisz daty wyjazdu z Ukrainy."
    )
    assert (report.status, report.review_comment, report.submitted_by) == (
        "draft",
        "Dopisz daty wyjazdu z Ukrainy.",
        None,
    )
    assert case_a.events.last().kind == "report_rejected"  # type: ignore[union-attr]
    # Changed and sent again, then approved.
    report = report_update(
        actor=cast.caseworker_a,
        report=report,
        content=content(facts=FACTS + " Wyjazd z Ukrainy 1 marca 2026."),
        expected_version=report.version,
    )
    assert report.version == 4
    report = report_submit(actor=cast.caseworker_a, report=report)
    report = report_approve(actor=cast.supervisor_a, report=report)
    assert report.status == "approved"
    assert AuditEvent.objects.get(action="report.changed").detail == {
        "via": "web",
        "fields": ["facts"],
    }


TRANSITIONS: dict[str, Callable[[Cast, LawEnforcementReport], Any]] = {
    "submit": lambda cast, r: report_submit(actor=cast.caseworker_a, report=r),
    "approve": lambda cast, r: report_approve(actor=cast.supervisor_a, report=r),
    "reject": lambda cast, r: report_reject(actor=cast.supervisor_a, report=r, comment="No"),
    "send": lambda cast, r: report_send(
        actor=cast.caseworker_a, report=r, unit="KGP", channel="in_person", sent_on=TODAY()
    ),
    "acknowledge": lambda cast, r: report_acknowledge(
        actor=cast.caseworker_a, report=r, acknowledged_on=TODAY()
    ),
    "outcome": lambda cast, r: report_record_outcome(
        actor=cast.caseworker_a, report=r, outcome="no_action", outcome_on=TODAY()
    ),
    "update": lambda cast, r: report_update(
        actor=cast.caseworker_a, report=r, content=content(facts="x"), expected_version=r.version
    ),
}


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("send", "Only an approved report can be sent; this report is now: Draft."),
        ("approve", "Only a report awaiting approval can be approved; this report is now: Draft."),
        ("reject", "Only a report awaiting approval can be rejected; this report is now: Draft."),
        ("acknowledge", "Only a sent report can be acknowledged; this report is now: Draft."),
        (
            "outcome",
            "The outcome is recorded once the report is acknowledged; this report is now: Draft.",
        ),
    ],
)
def test_a_draft_cannot_skip_ahead_and_the_refusal_names_the_state(
    cast: Cast, case_a: Case, action: str, message: str
) -> None:
    report = draft(cast, case_a)
    before = _written()
    with pytest.raises(ReportInvalid) as refused:
        TRANSITIONS[action](cast, report)
    assert [(e.field, e.detail) for e in refused.value.errors] == [("status", message)]
    assert _state(report) == ("draft", 1)
    assert _written() == before


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("submit", "Only a draft can be sent for approval; this report is now: Approved."),
        ("update", "Only a draft can be changed; this report is now: Approved."),
        (
            "approve",
            "Only a report awaiting approval can be approved; this report is now: Approved.",
        ),
        ("acknowledge", "Only a sent report can be acknowledged; this report is now: Approved."),
    ],
)
def test_an_approved_report_is_locked_and_moves_only_forward(
    cast: Cast, case_a: Case, action: str, message: str
) -> None:
    report = approved(cast, case_a)
    before = _written()
    with pytest.raises(ReportInvalid) as refused:
        TRANSITIONS[action](cast, report)
    assert [(e.field, e.detail) for e in refused.value.errors] == [("status", message)]
    assert _state(report) == ("approved", 3)
    assert _written() == before


def test_a_concluded_report_takes_no_further_step(cast: Cast, case_a: Case) -> None:
    report = approved(cast, case_a)
    for action in ("send", "acknowledge", "outcome"):
        report = TRANSITIONS[action](cast, report)
    before = _written()
    for action in TRANSITIONS:
        with pytest.raises(ReportInvalid) as refused:
            TRANSITIONS[action](cast, report)
        assert refused.value.errors[0].field == "status"
        assert "Outcome recorded" in refused.value.errors[0].detail
    assert _state(report) == ("concluded", 6)
    assert _written() == before


def test_sending_needs_a_unit_a_channel_and_a_sensible_date(cast: Cast, case_a: Case) -> None:
    report = approved(cast, case_a)
    before = _written()
    with pytest.raises(ReportInvalid) as refused:
        report_send(
            actor=cast.caseworker_a,
            report=report,
            unit=" ",
            channel="pigeon",
            sent_on=TODAY() + datetime.timedelta(days=1),
        )
    assert [e.field for e in refused.value.errors] == ["unit", "channel", "sent_on"]
    with pytest.raises(ReportInvalid) as refused:
        report_send(
            actor=cast.caseworker_a,
            report=report,
            unit="KGP",
            channel="in_person",
            sent_on=TODAY() - datetime.timedelta(days=1),
        )
    assert refused.value.errors[0].field == "sent_on"
    assert "cannot be before" in refused.value.errors[0].detail
    assert _state(report) == ("approved", 3)
    assert _written() == before


@pytest.mark.parametrize(
    ("changes", "field", "detail"),
    [
        (
            {"indicators": ["AL-DR-01", "AL-VD-09"]},
            "indicators",
            "Not observed in the case's screening: AL-VD-09.",
        ),
        ({"places": [PlaceIn(place="")]}, "places", "Place 1: name the place."),
        (
            {"places": [PlaceIn(place="Kijów", country="UKR", voivodeship="14")]},
            "places",
            "Place 1: a voivodeship is in Poland.",
        ),
        (
            {"places": [PlaceIn(place="X", country="XXX")]},
            "places",
            "Place 1: choose a country from the list.",
        ),
        (
            {
                "places": [
                    PlaceIn(place="X", date=timezone.localdate() + datetime.timedelta(days=2))
                ]
            },
            "places",
            "Place 1: the date cannot be in the future.",
        ),
        (
            {"perpetrators": [PerpetratorIn(role="Boss")]},
            "perpetrators",
            "Perpetrator 1: choose a role from the list.",
        ),
        ({"legal_ground": "curiosity"}, "legal_ground", "Choose a value from the list."),
        (
            {"legal_ground": "imminent_danger"},
            "legal_ground_reason",
            "Say why this legal ground applies.",
        ),
        ({"facts": "x" * 10_001}, "facts", "At most 10000 characters."),
    ],
)
def test_bad_content_is_named_and_nothing_is_written(
    cast: Cast, case_a: Case, changes: dict[str, Any], field: str, detail: str
) -> None:
    before = _written()
    with pytest.raises(ReportInvalid) as refused:
        draft(cast, case_a, **changes)
    assert [(e.field, e.detail) for e in refused.value.errors] == [(field, detail)]
    assert _written() == before


def test_child_protection_is_refused_for_a_recorded_adult(cast: Cast, case_a: Case) -> None:
    person = case_a.person
    person.age_band = "18-59"
    person.save()
    with pytest.raises(ReportInvalid) as refused:
        draft(cast, case_a, legal_ground="child_protection", legal_ground_reason="Ma 16 lat")
    assert refused.value.errors[0].field == "legal_ground"
    person.child_status = "unaccompanied"
    person.save()
    report = draft(cast, case_a, legal_ground="child_protection", legal_ground_reason="Ma 16 lat")
    assert (report.legal_ground, report.legal_ground_recorded_by) == (
        "child_protection",
        cast.caseworker_a,
    )


def test_a_stale_update_is_a_conflict_and_changes_nothing(cast: Cast, case_a: Case) -> None:
    report = draft(cast, case_a)
    report_update(
        actor=cast.caseworker_a2,
        report=report,
        content=content(facts="Inna wersja"),
        expected_version=1,
    )
    before = _written()
    with pytest.raises(ConflictError) as conflict:
        report_update(
            actor=cast.caseworker_a,
            report=report,
            content=content(facts="Moja"),
            expected_version=1,
        )
    assert conflict.value.current_version == 2
    report.refresh_from_db()
    assert (report.facts, report.version) == ("Inna wersja", 2)
    assert _written() == before


def test_submitting_needs_facts(cast: Cast, case_a: Case) -> None:
    report = draft(cast, case_a, facts="")
    with pytest.raises(ReportInvalid) as refused:
        report_submit(actor=cast.caseworker_a, report=report)
    assert refused.value.errors[0].field == "facts"
    assert _state(report) == ("draft", 1)


def test_out_of_reach_actors_are_refused_and_nothing_is_written(cast: Cast, case_a: Case) -> None:
    report = approved(cast, case_a)
    before = _written()
    for user in (cast.caseworker_b, cast.caseworker_a_other_team, cast.analyst, cast.hotline):
        with pytest.raises(NotAllowed):
            report_create(actor=user, case=case_a, content=content())
        with pytest.raises(NotAllowed):
            report_send(actor=user, report=report, unit="KGP", channel="in_person", sent_on=TODAY())
    assert _state(report) == ("approved", 3)
    assert _written() == before
