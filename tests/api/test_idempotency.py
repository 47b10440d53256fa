"""Idempotency-Key on POST /api/v1/people: a retried registration never creates twice."""

import json
from typing import Any

import pytest
from django.test import Client

from safepath.accounts.services import token_issue
from safepath.api.models import IdempotencyKey
from safepath.people.models import Person
from tests.conftest import Cast

URL = "/api/v1/people"
BODY = {"given_name": "Iryna", "family_name": "Koval", "sex": "female", "nationality": "UKR"}


def _post(client: Client, token: str, body: dict[str, Any], key: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def token(cast: Cast) -> str:
    raw, _ = token_issue(user=cast.caseworker_a)
    return raw


def test_without_a_key_each_post_creates(client: Client, token: str) -> None:
    assert _post(client, token, BODY, None).status_code == 201
    assert _post(client, token, BODY, None).status_code == 201
    assert Person.objects.count() == 2
    assert IdempotencyKey.objects.count() == 0


def test_a_retry_with_the_same_key_replays_the_first_answer(client: Client, token: str) -> None:
    first = _post(client, token, BODY, "3f1c9a2e-retry")
    second = _post(client, token, BODY, "3f1c9a2e-retry")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Person.objects.count() == 1
    assert Person.objects.get().code == first.json()["code"]


def test_the_same_key_with_another_body_is_refused(client: Client, token: str) -> None:
    assert _post(client, token, BODY, "key-1").status_code == 201
    response = _post(client, token, {**BODY, "given_name": "Other"}, "key-1")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert Person.objects.count() == 1


def test_keys_belong_to_their_user(client: Client, cast: Cast, token: str) -> None:
    other, _ = token_issue(user=cast.caseworker_a2)
    assert _post(client, token, BODY, "shared-key").status_code == 201
    response = _post(client, other, BODY, "shared-key")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Person.objects.count() == 2


@pytest.mark.parametrize("bad_key", ["", "has space", "ключ", "x" * 129])
def test_a_malformed_key_is_a_clear_error_and_nothing_is_created(
    client: Client, token: str, bad_key: str
) -> None:
    response = _post(client, token, BODY, bad_key)
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    assert Person.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0


def test_invalid_input_with_a_key_stores_nothing(client: Client, token: str) -> None:
    response = _post(client, token, {**BODY, "nationality": "XXX"}, "key-bad-input")
    assert response.status_code == 422
    assert Person.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0
    # The key is still free for the corrected request.
    assert _post(client, token, BODY, "key-bad-input").status_code == 201


def test_the_outsider_without_create_rights_gets_404_and_nothing_is_stored(
    client: Client, cast: Cast
) -> None:
    raw, _ = token_issue(user=cast.analyst)
    response = _post(client, raw, BODY, "analyst-key")
    assert response.status_code == 404
    assert Person.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0


def test_stored_answers_hold_no_identity(client: Client, token: str) -> None:
    _post(client, token, BODY, "key-2")
    stored = IdempotencyKey.objects.get()
    assert set(stored.response_body) == {"id", "code"}
    assert "Iryna" not in json.dumps(stored.response_body)
