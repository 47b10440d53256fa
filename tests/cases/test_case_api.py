"""The cases API: open, read, list, and PATCH with the version read (stale → 409,
nothing changed). Another organisation gets 404 and nothing is written."""

import json
import uuid
from typing import Any

from django.test import Client

from safepath.accounts.models import User
from safepath.accounts.services import token_issue
from safepath.audit.models import AuditEvent
from safepath.cases.models import Case
from safepath.screening.models import Screening
from tests.conftest import Cast

PROBLEM = "application/problem+json"


def _headers(user: User) -> dict[str, str]:
    raw, _token = token_issue(user=user)
    return {"Authorization": f"Bearer {raw}"}


def _post(client: Client, user: User, body: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/cases",
        data=json.dumps(body),
        content_type="application/json",
        headers=_headers(user),
    )


def _patch(client: Client, user: User, case: Case, body: dict[str, Any]) -> Any:
    return client.patch(
        f"/api/v1/cases/{case.public_id}",
        data=json.dumps(body),
        content_type="application/json",
        headers=_headers(user),
    )


def test_open_from_a_screening_and_read_it_back(
    client: Client, cast: Cast, screening_a: Screening
) -> None:
    response = _post(client, cast.caseworker_a, {"screening": str(screening_a.public_id)})
    assert response.status_code == 201
    body = response.json()
    assert body["screening"] == str(screening_a.public_id)
    assert body["person"]["code"] == screening_a.person.code  # type: ignore[union-attr]
    assert (body["status"], body["trafficking_status"], body["version"]) == (
        "Active",
        "PossibleVictimOfTrafficking",
        1,
    )
    again = client.get(f"/api/v1/cases/{body['id']}", headers=_headers(cast.caseworker_a2))
    assert again.json() == body
    assert AuditEvent.objects.filter(action="case.viewed", object_id=body["id"]).count() == 1


def test_a_stale_patch_is_409_and_changes_nothing(client: Client, cast: Cast, case_a: Case) -> None:
    first = _patch(client, cast.caseworker_a, case_a, {"version": 1, "status": "FollowUp"})
    assert first.status_code == 200
    assert (first.json()["status"], first.json()["version"]) == ("FollowUp", 2)
    stale = _patch(client, cast.caseworker_a2, case_a, {"version": 1, "risk_level": "high"})
    assert stale.status_code == 409
    assert stale["Content-Type"] == PROBLEM
    assert "version 2" in stale.json()["detail"]
    case_a.refresh_from_db()
    assert (case_a.status, case_a.risk_level, case_a.version) == ("FollowUp", "", 2)


def test_bad_patches_are_422_naming_the_field_and_change_nothing(
    client: Client, cast: Cast, case_a: Case
) -> None:
    for body, pointer in (
        ({"version": 1, "status": "Archived"}, "/status"),
        ({"version": 1, "exploitation_types": ["Smuggling"]}, "/exploitation_types"),
        ({"version": 1, "owner": "caseworker.b"}, "/owner"),
        ({"status": "Closed"}, "/version"),
        (
            {"version": 1, "trafficking_status": "NotAVictimOfTrafficking"},
            "/trafficking_status_decided_by",
        ),
    ):
        response = _patch(client, cast.caseworker_a, case_a, body)
        assert response.status_code == 422, body
        assert pointer in [e["pointer"] for e in response.json()["errors"]]
    case_a.refresh_from_db()
    assert (case_a.status, case_a.version) == ("Active", 1)


def test_opening_without_consent_or_from_an_anonymous_screening_is_422(
    client: Client, cast: Cast, person_a: Any
) -> None:
    response = _post(client, cast.caseworker_a, {"person": str(person_a.public_id)})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["consent"]
    assert _post(client, cast.caseworker_a, {}).status_code == 422
    assert not Case.objects.exists()


def test_another_organisation_gets_404_like_a_missing_case_and_nothing_is_written(
    client: Client, cast: Cast, case_a: Case, screening_a: Screening
) -> None:
    outsider = cast.caseworker_b
    missing = client.get(f"/api/v1/cases/{uuid.uuid4()}", headers=_headers(outsider))
    response = client.get(f"/api/v1/cases/{case_a.public_id}", headers=_headers(outsider))
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    assert _patch(client, outsider, case_a, {"version": 1, "risk_level": "high"}).status_code == 404
    assert _post(client, outsider, {"screening": str(screening_a.public_id)}).status_code == 404
    listed = client.get("/api/v1/cases", headers=_headers(outsider)).json()
    assert listed["items"] == []
    case_a.refresh_from_db()
    assert (case_a.risk_level, case_a.version) == ("", 1)
    assert Case.objects.count() == 1
    assert not AuditEvent.objects.filter(action="case.viewed").exists()


def test_roles_without_cases_get_404_and_analysts_read_without_identity(
    client: Client, cast: Cast, case_a: Case
) -> None:
    for user in (cast.hotline, cast.partner, cast.trainer, cast.admin):
        assert (
            client.get(f"/api/v1/cases/{case_a.public_id}", headers=_headers(user)).status_code
            == 404
        )
        assert _patch(client, user, case_a, {"version": 1, "risk_level": "high"}).status_code == 404
        assert client.get("/api/v1/cases", headers=_headers(user)).json()["items"] == []
    _patch(
        client,
        cast.caseworker_a,
        case_a,
        {"version": 1, "safety_concerns": "Brother threatened her"},
    )
    body = client.get(f"/api/v1/cases/{case_a.public_id}", headers=_headers(cast.analyst)).json()
    assert body["safety_concerns"] is None
    assert (
        _patch(client, cast.analyst, case_a, {"version": 2, "risk_level": "high"}).status_code
        == 404
    )
    mine = client.get(
        f"/api/v1/cases/{case_a.public_id}", headers=_headers(cast.caseworker_a)
    ).json()
    assert mine["safety_concerns"] == "Brother threatened her"


def test_anonymous_is_401_and_nothing_is_written(
    client: Client, cast: Cast, screening_a: Screening
) -> None:
    response = client.post(
        "/api/v1/cases",
        data=json.dumps({"screening": str(screening_a.public_id)}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not Case.objects.exists()


def test_the_list_is_cursor_paginated(client: Client, cast: Cast, case_a: Case) -> None:
    body = client.get("/api/v1/cases?limit=1", headers=_headers(cast.supervisor_a)).json()
    assert [item["id"] for item in body["items"]] == [str(case_a.public_id)]
    assert body["next_cursor"] is None
