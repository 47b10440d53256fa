"""`/api/v1/cases/{case_id}/assistance`: list and record, optionally issuing from stock in
the same transaction. Another organisation, a missing case and a hidden warehouse answer
404 alike; bad input and insufficient stock answer 422; nothing is written for any of
them."""

import json
import uuid
from typing import Any

from django.test import Client

from safepath.accounts.models import User
from safepath.accounts.services import token_issue
from safepath.audit.models import AuditEvent
from safepath.cases.assistance_services import assistance_record
from safepath.cases.models import Assistance, Case, StockMovement
from tests.cases.assistance_setup import balance, today, tomorrow, warehouse_a, warehouse_b
from tests.conftest import Cast

PROBLEM = "application/problem+json"


def _headers(user: User) -> dict[str, str]:
    raw, _token = token_issue(user=user)
    return {"Authorization": f"Bearer {raw}"}


def _path(case: Case | str) -> str:
    case_id = case.public_id if isinstance(case, Case) else case
    return f"/api/v1/cases/{case_id}/assistance"


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "hygiene_kit", "quantity": 2, "given_on": today().isoformat()}
    body.update(changes)
    return body


def _post(client: Client, user: User, case: Case | str, body: dict[str, Any], **extra: str) -> Any:
    return client.post(
        _path(case),
        data=json.dumps(body),
        content_type="application/json",
        headers={**_headers(user), **extra},
    )


def _nothing_written() -> None:
    assert Assistance.objects.count() == 0
    assert not StockMovement.objects.filter(movement="issue").exists()
    assert not AuditEvent.objects.filter(action="assistance.recorded").exists()


def test_record_with_a_stock_issue_and_list_it(client: Client, cast: Cast, case_a: Case) -> None:
    store = warehouse_a(cast, hygiene_kit=5)
    response = _post(
        client,
        cast.caseworker_a,
        case_a,
        _body(quantity=3, stock_issue={"warehouse": str(store.public_id)}),
    )
    assert response.status_code == 201
    body = response.json()
    assistance = Assistance.objects.get()
    assert body == {
        "id": str(assistance.public_id),
        "case": str(case_a.public_id),
        "person": {"id": str(case_a.person.public_id), "code": case_a.person.code},
        "kind": "hygiene_kit",
        "quantity": 3,
        "given_on": today().isoformat(),
        "provider": "ORGA",
        "recorded_by": "caseworker.a",
        "recorded_at": body["recorded_at"],
        "stock_issue": {"warehouse": str(store.public_id), "balance_after": 2},
    }
    assert balance(store, "hygiene_kit") == 2
    listed = client.get(_path(case_a), headers=_headers(cast.caseworker_a2))
    assert listed.status_code == 200
    assert listed.json() == {"items": [body], "next_cursor": None}
    assert AuditEvent.objects.filter(action="assistance.listed").count() == 1


def test_a_partner_provider_by_code_and_the_list_is_cursor_paginated(
    client: Client, cast: Cast, case_a: Case
) -> None:
    response = _post(
        client, cast.caseworker_a, case_a, _body(kind="shelter_nights", provider="SHELTER")
    )
    assert (response.status_code, response.json()["provider"]) == (201, "SHELTER")
    _post(client, cast.caseworker_a, case_a, _body(kind="transport", quantity=1))
    page = client.get(f"{_path(case_a)}?limit=1", headers=_headers(cast.supervisor_a)).json()
    assert [item["kind"] for item in page["items"]] == ["transport"]
    rest = client.get(
        f"{_path(case_a)}?limit=1&cursor={page['next_cursor']}", headers=_headers(cast.supervisor_a)
    ).json()
    assert ([item["kind"] for item in rest["items"]], rest["next_cursor"]) == (
        ["shelter_nights"],
        None,
    )


def test_insufficient_stock_is_422_naming_the_item_and_nothing_is_written(
    client: Client, cast: Cast, case_a: Case
) -> None:
    store = warehouse_a(cast, nfi_kit=1)
    response = _post(
        client,
        cast.caseworker_a,
        case_a,
        _body(kind="nfi_kit", quantity=2, stock_issue={"warehouse": str(store.public_id)}),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == [
        {
            "pointer": "/stock_issue",
            "field": "stock_issue",
            "detail": "Not enough Non-food item kit in Warsaw store: 1 in stock, 2 asked. "
            "Nothing was saved.",
        }
    ]
    assert balance(store, "nfi_kit") == 1
    _nothing_written()
    # The refused request left no trace, not even the read of the case.
    assert not AuditEvent.objects.filter(action="case.viewed").exists()


def test_bad_input_is_422_naming_the_field_and_nothing_is_written(
    client: Client, cast: Cast, case_a: Case
) -> None:
    store = warehouse_a(cast, hygiene_kit=5)
    for body, pointer in (
        (_body(kind="blanket"), "/kind"),
        (_body(kind=None), "/kind"),
        (_body(quantity=0), "/quantity"),
        (_body(quantity=100_001), "/quantity"),
        (_body(quantity="two"), "/quantity"),
        (_body(given_on="2026-02-31"), "/given_on"),
        (_body(given_on=tomorrow().isoformat()), "/given_on"),
        ({"kind": "food", "quantity": 1}, "/given_on"),
        (_body(provider="NOSUCH"), "/provider"),
        (_body(provider=""), "/provider"),
        (_body(provider="SHELTER", stock_issue={"warehouse": str(store.public_id)}), "/provider"),
        (_body(kind="food", stock_issue={"warehouse": str(store.public_id)}), "/stock_issue"),
        (_body(stock_issue={"warehouse": "store"}), "/stock_issue/warehouse"),
        (_body(stock_issue={}), "/stock_issue/warehouse"),
        (_body(person=str(case_a.person.public_id)), "/person"),
    ):
        response = _post(client, cast.caseworker_a, case_a, body)
        assert response.status_code == 422, body
        assert response["Content-Type"] == PROBLEM
        assert pointer in [e["pointer"] for e in response.json()["errors"]], body
    assert balance(store, "hygiene_kit") == 5
    _nothing_written()


def test_retry_with_the_same_idempotency_key_records_once(
    client: Client, cast: Cast, case_a: Case
) -> None:
    store = warehouse_a(cast, hygiene_kit=5)
    body = _body(stock_issue={"warehouse": str(store.public_id)})
    first = _post(client, cast.caseworker_a, case_a, body, **{"Idempotency-Key": "abc-1"})
    again = _post(client, cast.caseworker_a, case_a, body, **{"Idempotency-Key": "abc-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Assistance.objects.count() == 1
    assert balance(store, "hygiene_kit") == 3


def test_another_organisation_gets_404_like_a_missing_case_and_nothing_is_written(
    client: Client, cast: Cast, case_a: Case
) -> None:
    store = warehouse_a(cast, hygiene_kit=5)
    assistance_record(
        actor=cast.caseworker_a, case=case_a, kind="food", quantity=1, given_on=today()
    )
    for outsider in (cast.caseworker_b, cast.caseworker_a_other_team):
        missing = client.get(_path(str(uuid.uuid4())), headers=_headers(outsider))
        hidden = client.get(_path(case_a), headers=_headers(outsider))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
        posted = _post(
            client, outsider, case_a, _body(stock_issue={"warehouse": str(store.public_id)})
        )
        assert posted.status_code == 404
        assert posted.json() == missing.json()
    assert Assistance.objects.count() == 1
    assert balance(store, "hygiene_kit") == 5
    assert not AuditEvent.objects.filter(action__in=["case.viewed", "assistance.listed"]).exists()


def test_a_warehouse_of_another_organisation_is_404_like_a_missing_one(
    client: Client, cast: Cast, case_a: Case
) -> None:
    foreign = warehouse_b(cast, hygiene_kit=5)
    hidden = _post(
        client, cast.caseworker_a, case_a, _body(stock_issue={"warehouse": str(foreign.public_id)})
    )
    missing = _post(
        client, cast.caseworker_a, case_a, _body(stock_issue={"warehouse": str(uuid.uuid4())})
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert balance(foreign, "hygiene_kit") == 5
    _nothing_written()
    assert not AuditEvent.objects.filter(action="case.viewed").exists()


def test_roles_without_assistance_get_404_and_analysts_only_read(
    client: Client, cast: Cast, case_a: Case
) -> None:
    assistance_record(
        actor=cast.caseworker_a, case=case_a, kind="food", quantity=1, given_on=today()
    )
    for user in (cast.hotline, cast.partner, cast.trainer, cast.admin):
        assert client.get(_path(case_a), headers=_headers(user)).status_code == 404
        assert _post(client, user, case_a, _body()).status_code == 404
    listed = client.get(_path(case_a), headers=_headers(cast.analyst))
    assert listed.status_code == 200
    assert [item["kind"] for item in listed.json()["items"]] == ["food"]
    assert "Oksana" not in listed.content.decode()
    assert _post(client, cast.analyst, case_a, _body()).status_code == 404
    assert Assistance.objects.count() == 1


def test_anonymous_is_401_and_nothing_is_written(client: Client, cast: Cast, case_a: Case) -> None:
    assert client.get(_path(case_a)).status_code == 401
    response = client.post(_path(case_a), data=json.dumps(_body()), content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    _nothing_written()
