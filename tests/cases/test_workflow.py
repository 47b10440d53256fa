"""Approvals (no self-approval, rejections say why, one pending request per kind, a
closure needs one), the case plan, tasks with overdue ones on "my work"; in the web app
and the API; and who gets 404 with nothing written."""

import datetime
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safepath.accounts.models import User
from safepath.accounts.services import token_issue
from safepath.cases.models import Case, CaseApproval, CaseTask, PlanItem
from safepath.cases.services import CaseInvalid, case_update
from safepath.cases.workflow_services import (
    approval_decide,
    approval_request,
    plan_item_add,
    task_add,
)
from safepath.core.exceptions import NotAllowed
from tests.conftest import Cast

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)


def _headers(user: User) -> dict[str, str]:
    raw, _token = token_issue(user=user)
    return {"Authorization": f"Bearer {raw}"}


def _api(client: Client, user: User, path: str, body: dict[str, Any] | None = None) -> Any:
    if body is None:
        return client.get(f"/api/v1{path}", headers=_headers(user))
    return client.post(
        f"/api/v1{path}",
        data=json.dumps(body),
        content_type="application/json",
        headers=_headers(user),
    )


def test_no_self_approval_and_a_rejection_says_why(cast: Cast, case_a: Case) -> None:
    own = approval_request(actor=cast.supervisor_a, case=case_a, kind="assessment")
    with pytest.raises(CaseInvalid) as raised:
        approval_decide(actor=cast.supervisor_a, approval=own, approve=True)
    assert [e.field for e in raised.value.errors] == ["decided_by"]
    with pytest.raises(NotAllowed):
        approval_decide(actor=cast.caseworker_a, approval=own, approve=True)
    with pytest.raises(CaseInvalid) as raised:
        approval_request(actor=cast.caseworker_a, case=case_a, kind="assessment")
    assert raised.value.errors[0].field == "kind"  # one pending request per kind
    other = approval_request(actor=cast.caseworker_a, case=case_a, kind="case_plan")
    with pytest.raises(CaseInvalid) as raised:
        approval_decide(actor=cast.supervisor_a, approval=other, approve=False)
    assert [e.field for e in raised.value.errors] == ["comment"]
    decided = approval_decide(
        actor=cast.supervisor_a, approval=other, approve=False, comment="Add the shelter"
    )
    assert decided.status == "rejected"
    with pytest.raises(CaseInvalid):
        approval_decide(actor=cast.supervisor_a, approval=other, approve=True)
    own.refresh_from_db()
    assert own.status == "pending"
    kinds = list(case_a.events.values_list("kind", flat=True))
    assert kinds.count("approval_requested") == 2
    assert kinds.count("approval_decided") == 1


def test_a_closure_approval_lets_the_case_close(cast: Cast, case_a: Case) -> None:
    request = approval_request(
        actor=cast.caseworker_a, case=case_a, kind="closure", comment="Returned home safely"
    )
    approval_decide(actor=cast.supervisor_a, approval=request, approve=True)
    case = case_update(
        actor=cast.caseworker_a, case=case_a, data={"status": "Closed"}, expected_version=1
    )
    assert case.status == "Closed"
    request.refresh_from_db()
    assert request.used_at is not None


def test_plan_and_tasks_with_overdue_ones_on_my_work(cast: Cast, case_a: Case, login: Any) -> None:
    plan_item_add(
        actor=cast.caseworker_a,
        case=case_a,
        goal="Safe accommodation",
        responsible="La Strada",
        due_on=NEXT_WEEK,
    )
    task_add(
        actor=cast.caseworker_a,
        case=case_a,
        kind="follow_up",
        title="Call about the lawyer",
        due_on=YESTERDAY,
        assignee=cast.caseworker_a,
    )
    task_add(
        actor=cast.caseworker_a,
        case=case_a,
        kind="task",
        title="Book interpreter",
        due_on=NEXT_WEEK,
        assignee=cast.caseworker_a,
    )
    with pytest.raises(CaseInvalid):
        task_add(
            actor=cast.caseworker_a,
            case=case_a,
            kind="task",
            title="x",
            due_on=NEXT_WEEK,
            assignee=cast.caseworker_b,
        )
    approval_request(actor=cast.caseworker_a, case=case_a, kind="assessment")

    page = login(cast.caseworker_a).get("/en/app/cases/my-work/").content.decode()
    assert "1 overdue task" in page
    assert "Call about the lawyer" in page
    assert "Book interpreter" in page
    assert case_a.person.code in page
    supervisor_page = login(cast.supervisor_a).get("/en/app/cases/my-work/").content.decode()
    assert "Waiting for your decision" in supervisor_page
    assert "Call about the lawyer" not in supervisor_page  # not their task

    detail = login(cast.caseworker_a).get(case_a.get_absolute_url()).content.decode()
    assert "Safe accommodation" in detail
    assert "Overdue" in detail
    # The timeline is in words, not codes.
    assert "Approval requested: Assessment" in detail
    assert "Follow-up added for caseworker.a" in detail
    assert "approval_requested" not in detail


def test_the_pages_request_decide_add_and_mark_done(cast: Cast, case_a: Case, login: Any) -> None:
    caseworker = login(cast.caseworker_a)
    base = f"/en/app/cases/{case_a.public_id}"
    caseworker.post(f"{base}/approvals/", {"kind": "assessment", "comment": "Interview done"})
    caseworker.post(f"{base}/plan/", {"goal": "Legal aid", "due_on": NEXT_WEEK.isoformat()})
    caseworker.post(
        f"{base}/tasks/",
        {
            "kind": "task",
            "title": "Visit",
            "due_on": NEXT_WEEK.isoformat(),
            "assignee": cast.caseworker_a.pk,
        },
    )
    approval = CaseApproval.objects.get()
    item = PlanItem.objects.get()
    task = CaseTask.objects.get()
    # A caseworker may not decide; the supervisor may.
    assert (
        caseworker.post(
            f"{base}/approvals/{approval.public_id}/decide/", {"decision": "approve"}
        ).status_code
        == 404
    )
    login(cast.supervisor_a).post(
        f"{base}/approvals/{approval.public_id}/decide/", {"decision": "approve"}
    )
    approval.refresh_from_db()
    assert approval.status == "approved"
    caseworker = login(cast.caseworker_a)
    caseworker.post(f"{base}/plan/{item.public_id}/done/")
    caseworker.post(f"{base}/tasks/{task.public_id}/done/")
    item.refresh_from_db()
    task.refresh_from_db()
    assert item.done_at is not None
    assert task.done_at is not None
    # Bad input: named, nothing saved.
    response = caseworker.post(f"{base}/plan/", {"goal": ""}, follow=True)
    assert "This field is required." in response.content.decode()
    assert PlanItem.objects.count() == 1


def test_outsiders_and_roles_without_reach_get_404_and_nothing_is_written(
    cast: Cast, case_a: Case, login: Any
) -> None:
    approval = approval_request(actor=cast.caseworker_a, case=case_a, kind="assessment")
    item = plan_item_add(actor=cast.caseworker_a, case=case_a, goal="Goal")
    task = task_add(
        actor=cast.caseworker_a,
        case=case_a,
        kind="task",
        title="T",
        due_on=NEXT_WEEK,
        assignee=cast.caseworker_a,
    )
    base = f"/en/app/cases/{case_a.public_id}"
    posts = [
        (f"{base}/approvals/", {"kind": "closure"}),
        (f"{base}/approvals/{approval.public_id}/decide/", {"decision": "approve"}),
        (f"{base}/plan/", {"goal": "x"}),
        (f"{base}/plan/{item.public_id}/done/", {}),
        (f"{base}/tasks/", {"kind": "task", "title": "x", "due_on": NEXT_WEEK.isoformat()}),
        (f"{base}/tasks/{task.public_id}/done/", {}),
        (f"/en/app/cases/{uuid.uuid4()}/plan/", {"goal": "x"}),
    ]
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
    for user in (cast.hotline, cast.partner, cast.trainer, cast.admin):
        assert login(user).get("/en/app/cases/my-work/").status_code == 404
    approval.refresh_from_db()
    item.refresh_from_db()
    task.refresh_from_db()
    assert approval.status == "pending"
    assert item.done_at is None
    assert task.done_at is None
    assert CaseApproval.objects.count() == 1
    assert PlanItem.objects.count() == 1
    assert CaseTask.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client: Client, cast: Cast, case_a: Case) -> None:
    response = client.get("/en/app/cases/my-work/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.post(f"/en/app/cases/{case_a.public_id}/plan/", {"goal": "x"})
    assert not PlanItem.objects.exists()


def test_the_api_plan_and_approvals(client: Client, cast: Cast, case_a: Case) -> None:
    base = f"/cases/{case_a.public_id}"
    created = _api(
        client,
        cast.caseworker_a,
        f"{base}/plan",
        {"goal": "Legal aid", "due_on": NEXT_WEEK.isoformat()},
    )
    assert created.status_code == 201
    assert created.json()["goal"] == "Legal aid"
    assert _api(client, cast.analyst, f"{base}/plan").json()[0]["goal"] is None  # no identity
    requested = _api(
        client, cast.caseworker_a, f"{base}/approvals", {"kind": "closure", "comment": "Done"}
    )
    assert requested.status_code == 201
    approval_id = requested.json()["id"]
    own = _api(
        client, cast.caseworker_a, f"{base}/approvals/{approval_id}/decision", {"approve": True}
    )
    assert own.status_code == 404  # caseworkers do not decide
    rejected = _api(
        client, cast.supervisor_a, f"{base}/approvals/{approval_id}/decision", {"approve": False}
    )
    assert rejected.status_code == 422
    assert [e["field"] for e in rejected.json()["errors"]] == ["comment"]
    approved = _api(
        client, cast.supervisor_a, f"{base}/approvals/{approval_id}/decision", {"approve": True}
    )
    assert approved.json()["status"] == "approved"
    assert (
        _api(client, cast.caseworker_a, f"{base}/approvals", {"kind": "nonsense"}).status_code
        == 422
    )
    assert _api(client, cast.caseworker_a, f"{base}/plan", {"goal": ""}).status_code == 422
    assert PlanItem.objects.count() == 1


def test_the_api_answers_404_to_outsiders_and_writes_nothing(
    client: Client, cast: Cast, case_a: Case
) -> None:
    approval = approval_request(actor=cast.caseworker_a, case=case_a, kind="assessment")
    base = f"/cases/{case_a.public_id}"
    for user in (cast.caseworker_b, cast.hotline, cast.partner, cast.admin):
        assert _api(client, user, f"{base}/plan").status_code == 404
        assert _api(client, user, f"{base}/approvals").status_code == 404
        assert _api(client, user, f"{base}/plan", {"goal": "x"}).status_code == 404
        assert _api(client, user, f"{base}/approvals", {"kind": "closure"}).status_code == 404
        assert (
            _api(
                client, user, f"{base}/approvals/{approval.public_id}/decision", {"approve": True}
            ).status_code
            == 404
        )
    assert client.get(f"/api/v1{base}/plan").status_code == 401
    approval.refresh_from_db()
    assert approval.status == "pending"
    assert CaseApproval.objects.count() == 1
    assert not PlanItem.objects.exists()


def test_my_work_stays_short_for_a_long_list(cast: Cast, case_a: Case, login: Any) -> None:
    for number in range(55):
        task_add(
            actor=cast.caseworker_a,
            case=case_a,
            kind="task",
            title=f"Overdue {number}",
            due_on=YESTERDAY - datetime.timedelta(days=number),
            assignee=cast.caseworker_a,
        )
    page = login(cast.caseworker_a).get("/en/app/cases/my-work/").content.decode()
    assert "55 overdue tasks" in page
    assert "The 50 oldest of 55." in page
    assert page.count("Overdue ") == 50
    assert "Overdue 54 ·" in page  # the oldest first
    for number in range(5):  # the five most recent are the ones left out
        assert f"Overdue {number} ·" not in page
