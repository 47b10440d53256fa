"""Erasure requests: a caseworker asks, a supervisor who did not ask decides, approval
executes at once (every case of the person and the person, whatever the closing date)
and the request keeps the proof; on the case page; and who gets 404 with nothing
written."""

import uuid
from typing import Any

import pytest
from django.test import Client

from safepath.audit.models import AuditEvent
from safepath.cases.models import Case, CaseEvent, CaseNote
from safepath.cases.models.retention import ErasureRequest
from safepath.cases.retention_services import erasure_decide, erasure_request
from safepath.cases.services import CaseInvalid
from safepath.core.exceptions import NotAllowed
from safepath.people.models import Person
from tests.cases.retention_setup import (
    PERSON_EMPTIED,
    PERSON_KEPT,
    Canaries,
    close,
    full_case,
    identified_person,
    values_of,
)
from tests.conftest import Cast

GDPR = "gdpr_art17"
# One closed case and one closed yesterday: both erased, whatever the retention period.
REMOVED_PER_CASE = {
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
    "task.title": 1,
}


def _erased(person: Person) -> bool:
    return all(
        value in ("", None)
        for value in values_of(Person.objects.get(pk=person.pk), PERSON_EMPTIED).values()
    )


def _written() -> int:
    """Audit events other than the sign-ins of the test's logins."""
    return AuditEvent.objects.exclude(action__startswith="auth.").count()


def _base(case: Case) -> str:
    return f"/en/app/cases/{case.public_id}/erasure/"


def test_request_approval_execution_and_proof(cast: Cast) -> None:
    c = Canaries.new()
    person = identified_person(cast, c)
    first = close(cast, full_case(cast, c, person=person))
    second = full_case(cast, Canaries.new(), person=person)
    profile = values_of(Person.objects.get(pk=person.pk), PERSON_KEPT)

    request = erasure_request(
        actor=cast.caseworker_a, case=second, reason=GDPR, detail="Asked by letter"
    )
    assert (request.status, request.person_id, request.requested_by_id) == (
        "pending",
        person.pk,
        cast.caseworker_a.pk,
    )

    # An open case waits: nothing is erased, the request stays pending.
    with pytest.raises(CaseInvalid) as raised:
        erasure_decide(actor=cast.supervisor_a, request=request, approve=True)
    assert [e.field for e in raised.value.errors] == ["person"]
    request.refresh_from_db()
    assert (request.status, request.decided_by_id, _erased(person)) == ("pending", None, False)
    assert CaseNote.objects.filter(case=second).count() == 2

    close(cast, second)
    executed = erasure_decide(
        actor=cast.supervisor_a, request=request, approve=True, comment="Confirmed"
    )

    executed.refresh_from_db()
    assert executed.status == "executed"
    assert (executed.requested_by_id, executed.decided_by_id) == (
        cast.caseworker_a.pk,
        cast.supervisor_a.pk,
    )
    assert executed.decided_at == executed.executed_at
    assert executed.cases_anonymised == 2
    assert executed.removed == {
        **{name: count * 2 for name, count in REMOVED_PER_CASE.items()},
        **{f"person.{name}": 1 for name in PERSON_EMPTIED},
        "erasure.reason_detail": 1,
        "erasure.decision_comment": 1,
    }
    assert executed.removed_total == 43
    # The request's own text went with the rest; its codes and people stay as proof.
    assert (executed.reason, executed.reason_detail, executed.decision_comment) == (GDPR, "", "")
    assert _erased(person)
    assert values_of(Person.objects.get(pk=person.pk), PERSON_KEPT) == profile
    for case in (first, second):
        case = Case.objects.get(pk=case.pk)
        assert case.anonymised_at == executed.executed_at
        assert (case.safety_concerns, CaseNote.objects.filter(case=case).count()) == ("", 0)

    actions = list(
        AuditEvent.objects.filter(action__contains="erasure")
        .order_by("id")
        .values_list("action", "actor_username", "object_id", "detail")
    )
    assert actions == [
        (
            "case.erasure_requested",
            "caseworker.a",
            str(second.public_id),
            {"reason": GDPR, "via": "web"},
        ),
        (
            "case.erasure_executed",
            "supervisor.a",
            str(second.public_id),
            {"reason": GDPR, "via": "web", "count": 43},
        ),
    ]
    anonymised = AuditEvent.objects.filter(action="case.anonymised").order_by("id")
    assert [(e.object_id, e.actor_username, e.detail["reason"]) for e in anonymised] == [
        (str(first.public_id), "supervisor.a", "erasure"),
        (str(second.public_id), "supervisor.a", "erasure"),
    ]
    # The erasure requests' text went with the case they were asked from.
    assert AuditEvent.objects.get(action="person.anonymised").detail["count"] == 9
    assert list(
        CaseEvent.objects.filter(case=second, kind__startswith="erasure").values_list(
            "kind", "detail"
        )
    ) == [("erasure_requested", {}), ("erasure_decided", {"status": "executed"})]
    # Decided once: a second decision is refused, and there is nothing left to ask for.
    with pytest.raises(CaseInvalid) as raised:
        erasure_decide(actor=cast.supervisor_a, request=executed, approve=True)
    assert [e.field for e in raised.value.errors] == ["status"]
    with pytest.raises(CaseInvalid) as raised:
        erasure_request(actor=cast.caseworker_a, case=first, reason=GDPR)
    assert [e.field for e in raised.value.errors] == ["case"]
    assert ErasureRequest.objects.count() == 1


def test_no_self_approval_and_a_rejection_says_why(cast: Cast) -> None:
    case = close(cast, full_case(cast, Canaries.new()))
    own = erasure_request(actor=cast.supervisor_a, case=case, reason=GDPR)
    with pytest.raises(CaseInvalid) as raised:
        erasure_decide(actor=cast.supervisor_a, request=own, approve=True)
    assert [e.field for e in raised.value.errors] == ["decided_by"]
    with pytest.raises(NotAllowed):
        erasure_decide(actor=cast.caseworker_a, request=own, approve=True)
    with pytest.raises(NotAllowed):
        erasure_decide(actor=cast.caseworker_b, request=own, approve=True)
    own.refresh_from_db()
    assert (own.status, own.decided_by_id, _erased(case.person)) == ("pending", None, False)

    own.delete()
    asked = erasure_request(actor=cast.caseworker_a, case=case, reason="other", detail="Court")
    with pytest.raises(CaseInvalid) as raised:
        erasure_decide(actor=cast.supervisor_a, request=asked, approve=False, comment="  ")
    assert [e.field for e in raised.value.errors] == ["comment"]
    rejected = erasure_decide(
        actor=cast.supervisor_a, request=asked, approve=False, comment="Legal claims pending"
    )
    assert (rejected.status, rejected.decision_comment, rejected.executed_at) == (
        "rejected",
        "Legal claims pending",
        None,
    )
    assert not _erased(case.person)
    assert Case.objects.get(pk=case.pk).anonymised_at is None
    assert AuditEvent.objects.filter(action="case.erasure_rejected").count() == 1
    assert not AuditEvent.objects.filter(action__endswith="anonymised").exists()


@pytest.mark.parametrize(
    ("reason", "detail", "field"),
    [
        ("", "", "reason"),
        ("forgotten", "", "reason"),
        ("other", "   ", "detail"),
        (GDPR, "x" * 5001, "detail"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_written(
    cast: Cast, reason: str, detail: str, field: str
) -> None:
    case = full_case(cast, Canaries.new())
    events = AuditEvent.objects.count()
    with pytest.raises(CaseInvalid) as raised:
        erasure_request(actor=cast.caseworker_a, case=case, reason=reason, detail=detail)
    assert [e.field for e in raised.value.errors] == [field]
    assert not ErasureRequest.objects.exists()
    assert AuditEvent.objects.count() == events


def test_one_request_per_person_waits_at_a_time(cast: Cast) -> None:
    person = identified_person(cast, Canaries.new())
    first = close(cast, full_case(cast, Canaries.new(), person=person))
    second = full_case(cast, Canaries.new(), person=person)
    erasure_request(actor=cast.caseworker_a, case=first, reason=GDPR)
    with pytest.raises(CaseInvalid) as raised:
        erasure_request(actor=cast.caseworker_a2, case=second, reason=GDPR)
    assert [e.field for e in raised.value.errors] == ["reason"]
    assert ErasureRequest.objects.count() == 1
    with pytest.raises(NotAllowed):
        erasure_request(actor=cast.analyst, case=second, reason=GDPR)


def test_the_case_page_asks_and_decides(cast: Cast, login: Any) -> None:
    c = Canaries.new()
    case = close(cast, full_case(cast, c))
    worker = login(cast.caseworker_a)
    page = worker.get(case.get_absolute_url()).content.decode()
    assert "Request erasure of the person" in page
    assert "erasure_decision-decision" not in page

    response = worker.post(
        _base(case), {"erasure-reason": "other", "erasure-detail": "Asked at the office"}
    )
    assert response.status_code == 302
    request = ErasureRequest.objects.get()
    assert (request.reason, request.reason_detail) == ("other", "Asked at the office")
    page = worker.get(case.get_absolute_url()).content.decode()
    assert "Erasure requested: a supervisor decides on it." in page
    assert "Asked at the office" in page
    assert "Request erasure of the person" not in page  # one waits already

    supervisor = Client()
    supervisor.force_login(cast.supervisor_a)
    page = supervisor.get(case.get_absolute_url()).content.decode()
    assert f"{_base(case)}{request.public_id}/decide/" in page
    response = supervisor.post(
        f"{_base(case)}{request.public_id}/decide/",
        {"erasure_decision-decision": "approve"},
        follow=True,
    )
    page = response.content.decode()
    assert "Erasure executed" in page
    assert "values removed; cases anonymised: 1." in page
    assert "person.given_name" in page  # the proof, by field name
    assert c.given_name not in page
    assert "Request erasure of the person" not in page  # nothing left to erase
    assert _erased(case.person)

    analyst = Client()
    analyst.force_login(cast.analyst)
    page = analyst.get(case.get_absolute_url()).content.decode()
    assert "Anonymised on" in page
    # Requests are for who asks or decides (the timeline names them, without text).
    assert "Request erasure of the person" not in page
    assert "Asked at the office" not in page
    assert f"{request.public_id}/decide/" not in page


def test_the_page_refuses_self_approval_and_bad_input(cast: Cast, login: Any) -> None:
    case = close(cast, full_case(cast, Canaries.new()))
    client = login(cast.supervisor_a)
    page = client.post(_base(case), {"erasure-reason": "other"}, follow=True).content.decode()
    assert "Say why the data is to be erased." in page
    page = client.post(_base(case), {"erasure-reason": "nonsense"}, follow=True).content.decode()
    assert "Select a valid choice." in page
    assert not ErasureRequest.objects.exists()

    client.post(_base(case), {"erasure-reason": GDPR})
    own = ErasureRequest.objects.get()
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"{own.public_id}/decide/" not in page  # no form for one's own request
    page = client.post(
        f"{_base(case)}{own.public_id}/decide/",
        {"erasure_decision-decision": "approve"},
        follow=True,
    ).content.decode()
    assert "You cannot decide on your own request: ask another supervisor." in page
    page = client.post(
        f"{_base(case)}{own.public_id}/decide/", {"erasure_decision-decision": "maybe"}, follow=True
    ).content.decode()
    assert "Select a valid choice." in page
    own.refresh_from_db()
    assert (own.status, own.decided_by_id) == ("pending", None)
    assert not _erased(case.person)


def test_outsiders_and_roles_without_reach_get_404_and_nothing_is_written(
    cast: Cast, login: Any
) -> None:
    case = close(cast, full_case(cast, Canaries.new()))
    request = erasure_request(actor=cast.caseworker_a, case=case, reason="other", detail="Why")
    other_person_case = full_case(
        cast, Canaries.new(), person=identified_person(cast, Canaries.new())
    )
    decide = f"{_base(case)}{request.public_id}/decide/"
    posts = [
        (_base(case), {"erasure-reason": GDPR}),
        (decide, {"erasure_decision-decision": "approve"}),
        (f"/en/app/cases/{uuid.uuid4()}/erasure/", {"erasure-reason": GDPR}),
    ]
    events = _written()
    for user in (
        cast.caseworker_b,
        cast.caseworker_a_other_team,
        cast.hotline,
        cast.partner,
        cast.trainer,
        cast.admin,
        cast.analyst,
    ):
        client = login(user)
        for url, data in posts:
            assert client.post(url, data).status_code == 404, (user.username, url)
    # A caseworker who may ask may not decide.
    assert login(cast.caseworker_a).post(decide, posts[1][1]).status_code == 404
    assert _written() == events  # not even a read
    # A request is reached only through a case of its person, and only by its id.
    supervisor = login(cast.supervisor_a)
    wrong_case = f"{_base(other_person_case)}{request.public_id}/decide/"
    assert supervisor.post(wrong_case, posts[1][1]).status_code == 404
    assert supervisor.post(f"{_base(case)}{uuid.uuid4()}/decide/", posts[1][1]).status_code == 404
    assert supervisor.get(decide).status_code == 405
    request.refresh_from_db()
    assert (request.status, request.decided_by_id, request.reason_detail) == (
        "pending",
        None,
        "Why",
    )
    assert ErasureRequest.objects.count() == 1
    assert not _erased(case.person)
    assert not AuditEvent.objects.filter(action__contains="anonymised").exists()


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(client: Client, cast: Cast) -> None:
    case = close(cast, full_case(cast, Canaries.new()))
    request = erasure_request(actor=cast.caseworker_a, case=case, reason=GDPR)
    events = AuditEvent.objects.count()
    for url, data in (
        (_base(case), {"erasure-reason": GDPR}),
        (f"{_base(case)}{request.public_id}/decide/", {"erasure_decision-decision": "approve"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    request.refresh_from_db()
    assert (request.status, ErasureRequest.objects.count()) == ("pending", 1)
    assert AuditEvent.objects.count() == events
    assert not _erased(case.person)
