"""The referrals API: create, read, list and every step; the receiver reads only what
was shared, never the person."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from safepath.accounts.models import User
from safepath.accounts.services import token_issue
from safepath.api.models import IdempotencyKey
from safepath.audit.models import AuditEvent
from safepath.cases.models import Case, CaseEvent
from safepath.directory.models import Service
from safepath.people.models import Consent, Person
from safepath.referrals.models import Referral
from safepath.screening.models import Screening
from tests.conftest import Cast
from tests.referrals.conftest import IDENTITY_SHARE

PROBLEM = "application/problem+json"


def headers(user: User, **extra: str) -> dict[str, str]:
    raw, _token = token_issue(user=user)
    return {"Authorization": f"Bearer {raw}", **extra}


def post(
    client: Client, user: User | dict[str, str], path: str, body: dict[str, Any], **extra: str
) -> Any:
    """POST as `user` (or with these headers, issued beforehand)."""
    sent = user if isinstance(user, dict) else headers(user, **extra)
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=sent)


def body_for(
    person: Person, case: Case | None, service: Service | None, /, **values: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "person": str(person.public_id),
        "case": str(case.public_id) if case else None,
        "screening": None,
        "service": str(service.public_id) if service else None,
        "organisation": None,
        "external_recipient": None,
        "purpose": "Needs a safe place tonight.",
        "urgent": False,
        "share": ["code", "sex", "needs"],
        "legal_ground": "",
    }
    body.update(values)
    return body


def test_the_whole_journey_through_the_api(
    client: Client,
    cast: Cast,
    person_a: Person,
    case_a: Case,
    shelter: Service,
    referral_consent: Consent,
) -> None:
    created = post(
        client,
        cast.caseworker_a,
        "/api/v1/referrals",
        body_for(person_a, case_a, shelter, urgent=True, share=["given_name", "needs"]),
    )
    assert created.status_code == 201, created.content
    # The answer names the fields shared, never their values (it may be kept for retries).
    assert created.json()["shared_fields"] == ["code", "needs", "given_name"]
    assert "Oksana" not in created.content.decode()
    sent = client.get(
        f"/api/v1/referrals/{created.json()['id']}", headers=headers(cast.caseworker_a)
    ).json()
    assert (sent["status"], sent["urgent"], sent["overdue"]) == ("sent", True, False)
    assert sent["person"] == {"id": str(person_a.public_id), "code": person_a.code}
    assert sent["case"] == str(case_a.public_id)
    assert sent["recipient"] == {
        "service": str(shelter.public_id),
        "organisation": "SHELTER",
        "external": None,
        "sent_via": "safepath",
        "language": "",
    }
    assert [(f["name"], f["value"]) for f in sent["shared"]] == [
        ("code", person_a.code),
        ("needs", "Shelter, Psychological support (MHPSS)"),
        ("given_name", "Oksana"),
    ]
    path = f"/api/v1/referrals/{sent['id']}"

    received = client.get(path, headers=headers(cast.partner))
    assert received.status_code == 200
    seen = received.json()
    # The receiver gets no person, case or screening: only the fields shared.
    assert (seen["person"], seen["case"], seen["screening"]) == (None, None, None)
    assert {f["name"] for f in seen["shared"]} == {"code", "needs", "given_name"}
    text = received.content.decode()
    for absent in (str(person_a.public_id), str(case_a.public_id), "Melnyk", "601234567"):
        assert absent not in text

    accepted = post(client, cast.partner, f"{path}/accept", {})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    started = post(client, cast.partner, f"{path}/start", {})
    assert started.json()["status"] == "in_progress"
    update = post(client, cast.partner, f"{path}/updates", {"text": "Arrived safely."})
    assert [u["text"] for u in update.json()["updates"]] == ["Arrived safely."]
    completed = post(client, cast.partner, f"{path}/complete", {"outcome": "Housed."})
    assert (completed.json()["status"], completed.json()["outcome"]) == ("completed", "Housed.")
    assert list(
        CaseEvent.objects.filter(case=case_a, kind__startswith="referral_").values_list(
            "kind", flat=True
        )
    ) == [
        "referral_sent",
        "referral_accepted",
        "referral_started",
        "referral_update",
        "referral_completed",
    ]
    back = client.get(path, headers=headers(cast.caseworker_a)).json()
    assert (back["status"], back["outcome"], back["version"]) == ("completed", "Housed.", 4)


def test_a_field_not_shared_is_absent_for_the_receiver(
    client: Client, cast: Cast, person_a: Person, case_a: Case, shelter: Service
) -> None:
    created = post(
        client, cast.caseworker_a, "/api/v1/referrals", body_for(person_a, case_a, shelter)
    )
    seen = client.get(f"/api/v1/referrals/{created.json()['id']}", headers=headers(cast.partner))
    assert [f["name"] for f in seen.json()["shared"]] == ["code", "sex", "needs"]
    text = seen.content.decode()
    for absent in ("Oksana", "Melnyk", "+48601234567", "given_name", "phone", "nationality"):
        assert absent not in text


def test_a_legal_ground_through_the_api(
    client: Client, cast: Cast, person_a: Person, case_a: Case, shelter: Service
) -> None:
    created = post(
        client,
        cast.caseworker_a,
        "/api/v1/referrals",
        body_for(person_a, case_a, shelter, share=IDENTITY_SHARE, legal_ground="imminent_danger"),
    )
    assert created.status_code == 201
    path = f"/api/v1/referrals/{created.json()['id']}"
    assert created.json()["status"] == "awaiting_approval"
    assert client.get(path, headers=headers(cast.partner)).status_code == 404
    assert post(client, cast.caseworker_a, f"{path}/approve", {}).status_code == 404
    approved = post(client, cast.supervisor_a, f"{path}/approve", {})
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["legal_ground_approved"]) == ("sent", True)
    assert client.get(path, headers=headers(cast.partner)).status_code == 200


def test_decline_and_withdraw_through_the_api(
    client: Client, cast: Cast, person_a: Person, case_a: Case, shelter: Service
) -> None:
    first = post(
        client, cast.caseworker_a, "/api/v1/referrals", body_for(person_a, case_a, shelter)
    )
    path = f"/api/v1/referrals/{first.json()['id']}"
    no_reason = post(client, cast.partner, f"{path}/decline", {"reason": ""})
    assert no_reason.status_code == 422
    assert no_reason["Content-Type"] == PROBLEM
    assert [e["field"] for e in no_reason.json()["errors"]] == ["reason"]
    declined = post(client, cast.partner, f"{path}/decline", {"reason": "No beds."})
    assert (declined.json()["status"], declined.json()["decline_reason"]) == (
        "declined",
        "No beds.",
    )
    too_late = post(client, cast.caseworker_a, f"{path}/withdraw", {"reason": ""})
    assert too_late.status_code == 422
    assert too_late.json()["errors"][0]["field"] == "status"

    second = post(
        client, cast.caseworker_a, "/api/v1/referrals", body_for(person_a, case_a, shelter)
    )
    path = f"/api/v1/referrals/{second.json()['id']}"
    assert post(client, cast.partner, f"{path}/withdraw", {}).status_code == 404
    withdrawn = post(client, cast.caseworker_a, f"{path}/withdraw", {"reason": "Moved away."})
    assert withdrawn.json()["status"] == "withdrawn"


def test_list_pages_by_cursor_and_filters(
    client: Client,
    cast: Cast,
    refer: Callable[..., Referral],
    django_assert_max_num_queries: Any,
) -> None:
    made = [refer() for _ in range(3)]
    made[0].status = "accepted"
    made[0].save(update_fields=["status"])
    first = client.get("/api/v1/referrals?limit=2", headers=headers(cast.partner)).json()
    assert [item["id"] for item in first["items"]] == [
        str(made[2].public_id),
        str(made[1].public_id),
    ]
    second = client.get(
        f"/api/v1/referrals?limit=2&cursor={first['next_cursor']}", headers=headers(cast.partner)
    ).json()
    assert ([item["id"] for item in second["items"]], second["next_cursor"]) == (
        [str(made[0].public_id)],
        None,
    )
    accepted = client.get("/api/v1/referrals?status=accepted", headers=headers(cast.caseworker_a))
    assert [item["id"] for item in accepted.json()["items"]] == [str(made[0].public_id)]
    assert (
        client.get("/api/v1/referrals?direction=sent", headers=headers(cast.partner)).json()[
            "items"
        ]
        == []
    )
    received = client.get("/api/v1/referrals?direction=received", headers=headers(cast.partner))
    assert len(received.json()["items"]) == 3
    assert all(item["person"] is None for item in received.json()["items"])
    bad = client.get("/api/v1/referrals?status=lost", headers=headers(cast.partner))
    assert bad.status_code == 422
    assert bad["Content-Type"] == PROBLEM
    token = headers(cast.caseworker_a)
    with django_assert_max_num_queries(12):
        client.get("/api/v1/referrals?limit=50", headers=token)
    for _ in range(5):
        refer()
    with django_assert_max_num_queries(12):
        client.get("/api/v1/referrals?limit=50", headers=token)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"share": ["code", "favourite_colour"]}, "share"),
        ({"service": None}, "recipient"),
        ({"external_recipient": "Caritas"}, "external_recipient"),
        ({"purpose": ""}, "purpose"),
        ({"purpose": "x" * 2001}, "purpose"),
        ({"service": "2b0c3c8e-8b8f-4c55-9a51-0c1f1f9f7a10"}, "service"),
        ({"service": None, "organisation": "NOPE"}, "organisation"),
        ({"legal_ground": "because"}, "legal_ground"),
        ({"urgent": "very"}, "urgent"),
        ({"shoe_size": 44}, "shoe_size"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_nothing_is_written(
    client: Client,
    cast: Cast,
    person_a: Person,
    case_a: Case,
    shelter: Service,
    values: dict[str, Any],
    field: str,
) -> None:
    token = headers(cast.caseworker_a)
    audit_before = AuditEvent.objects.count()
    response = post(
        client,
        token,
        "/api/v1/referrals",
        body_for(person_a, case_a, shelter, **values),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert field in [e["field"] for e in response.json()["errors"]]
    assert Referral.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_a_case_of_another_person_is_422(
    client: Client,
    cast: Cast,
    person_a: Person,
    case_a: Case,
    shelter: Service,
    screening_a: Screening,
) -> None:
    from safepath.people.services import person_create

    other = person_create(actor=cast.caseworker_a, data={"given_name": "Ivan"})
    response = post(
        client, cast.caseworker_a, "/api/v1/referrals", body_for(other, case_a, shelter)
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["case"]
    assert Referral.objects.count() == 0


def test_an_idempotency_key_makes_a_retry_create_nothing_twice(
    client: Client, cast: Cast, person_a: Person, case_a: Case, shelter: Service
) -> None:
    body = body_for(person_a, case_a, shelter)
    token = headers(cast.caseworker_a, **{"Idempotency-Key": "retry-1"})
    first = client.post(
        "/api/v1/referrals", data=json.dumps(body), content_type="application/json", headers=token
    )
    again = client.post(
        "/api/v1/referrals", data=json.dumps(body), content_type="application/json", headers=token
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert Referral.objects.count() == 1


def test_the_answer_kept_for_retries_holds_no_identity(
    client: Client,
    cast: Cast,
    person_a: Person,
    case_a: Case,
    shelter: Service,
    referral_consent: Consent,
) -> None:
    body = body_for(person_a, case_a, shelter, share=["given_name", "phone"])
    body["purpose"] = "Safe place near the school"
    token = headers(cast.caseworker_a, **{"Idempotency-Key": "retry-identity"})
    created = client.post(
        "/api/v1/referrals", data=json.dumps(body), content_type="application/json", headers=token
    )
    assert created.status_code == 201, created.content
    kept = json.dumps(list(IdempotencyKey.objects.values_list("response_body", flat=True)))
    for secret in ("Oksana", "601234567", "Safe place near the school"):
        assert secret not in kept
        assert secret not in created.content.decode()
