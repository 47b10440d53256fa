"""Bearer tokens for machine clients: hashed at rest, short-lived, revocable, throttled."""

import datetime
import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from safepath.accounts.models import ApiToken, User
from safepath.accounts.services import token_issue
from safepath.audit.models import AuditEvent
from safepath.people.models import Person
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

TOKEN_URL = "/api/v1/auth/token"
PEOPLE_URL = "/api/v1/people"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
WRONG_PASSWORD = "not-the-right-password-42"
LOGIN_FAILED_BODY = {
    "type": "about:blank",
    "title": "Login failed",
    "status": 401,
    "detail": "The login details are not valid.",
}
AUTH_REQUIRED_BODY = {"type": "about:blank", "title": "Authentication required", "status": 401}

Login = Callable[[User], Client]


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def _ask(client: Client, username: str, password: str, otp: str | None = None) -> Any:
    payload: dict[str, str] = {"username": username, "password": password}
    if otp is not None:
        payload["otp"] = otp
    return client.post(TOKEN_URL, data=json.dumps(payload), content_type="application/json")


def _current_code(secret: str = TOTP_SECRET) -> str:
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))


def _a_wrong_code(secret: str = TOTP_SECRET) -> str:
    """A six-digit code that is valid for no counter near now."""
    now = int(time.time()) // 30
    near = {format_hotp_value(hotp_value(secret, now + i)) for i in range(-3, 4)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in near)


def _assert_unauthorised(response: Any, body: dict[str, Any]) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == body


def test_token_is_issued_for_a_right_password(client: Client, cast: Cast) -> None:
    before = timezone.now()
    response = _ask(client, "caseworker.a", TEST_PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert body["token"].startswith("sp_")
    expires_at = datetime.datetime.fromisoformat(body["expires_at"])
    expected = before + datetime.timedelta(hours=8)
    assert abs((expires_at - expected).total_seconds()) < 60

    assert ApiToken.objects.count() == 1
    stored = ApiToken.objects.get()
    assert stored.user_id == cast.caseworker_a.pk
    # The JSON carries milliseconds; the database keeps microseconds.
    assert abs(stored.expires_at - expires_at) < datetime.timedelta(milliseconds=1)
    assert stored.revoked_at is None

    actions = sorted(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["auth.login", "token.issued"]
    assert AuditEvent.objects.get(action="auth.login").detail == {"via": "api"}
    assert AuditEvent.objects.get(action="token.issued").detail == {"token_prefix": stored.prefix}


def test_only_the_sha256_of_the_token_is_stored(client: Client, cast: Cast) -> None:
    raw = _ask(client, "caseworker.a", TEST_PASSWORD).json()["token"]
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert stored.prefix == raw[3:9]
    for row in ApiToken.objects.values():
        assert raw not in str(row)
        assert raw.removeprefix("sp_") not in str(row)
    for event in AuditEvent.objects.values():
        assert raw.removeprefix("sp_") not in str(event)


def test_bearer_token_reaches_the_api(client: Client, cast: Cast) -> None:
    raw = _ask(client, "caseworker.a", TEST_PASSWORD).json()["token"]
    response = Client().get(PEOPLE_URL, headers=_bearer(raw))
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert ApiToken.objects.get().last_used_at is not None


def test_expired_token_is_refused(cast: Cast) -> None:
    raw, token = token_issue(user=cast.caseworker_a)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = Client().get(PEOPLE_URL, headers=_bearer(raw))
    _assert_unauthorised(response, AUTH_REQUIRED_BODY)
    assert response["WWW-Authenticate"] == 'Bearer realm="safepath"'


def test_revoked_token_is_refused(cast: Cast) -> None:
    raw, token = token_issue(user=cast.caseworker_a)
    client = Client()
    assert client.get(PEOPLE_URL, headers=_bearer(raw)).status_code == 200
    response = client.delete(TOKEN_URL, headers=_bearer(raw))
    assert response.status_code == 204
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    revoked = AuditEvent.objects.filter(action="token.revoked")
    assert revoked.count() == 1
    assert revoked.get().detail == {"count": 1}
    _assert_unauthorised(client.get(PEOPLE_URL, headers=_bearer(raw)), AUTH_REQUIRED_BODY)
    # Revoking again is refused too: the token no longer authenticates anything.
    _assert_unauthorised(client.delete(TOKEN_URL, headers=_bearer(raw)), AUTH_REQUIRED_BODY)


def test_revoking_one_token_leaves_the_others(cast: Cast) -> None:
    first, _ = token_issue(user=cast.caseworker_a)
    second, _ = token_issue(user=cast.caseworker_a)
    client = Client()
    assert client.delete(TOKEN_URL, headers=_bearer(first)).status_code == 204
    assert client.get(PEOPLE_URL, headers=_bearer(second)).status_code == 200
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_token_of_a_deactivated_user_is_refused(cast: Cast) -> None:
    raw, _ = token_issue(user=cast.caseworker_a)
    User.objects.filter(pk=cast.caseworker_a.pk).update(is_active=False)
    _assert_unauthorised(Client().get(PEOPLE_URL, headers=_bearer(raw)), AUTH_REQUIRED_BODY)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer ",
        "Bearer sp_not-a-real-token",
        "Bearer not-even-prefixed",
        "Basic Y2FzZXdvcmtlci5hOnBhc3N3b3Jk",
    ],
)
def test_no_token_or_a_bad_one_is_refused(client: Client, cast: Cast, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    _assert_unauthorised(client.get(PEOPLE_URL, headers=headers), AUTH_REQUIRED_BODY)


def test_anonymous_cannot_create_or_revoke(client: Client, cast: Cast) -> None:
    response = client.post(
        PEOPLE_URL,
        data=json.dumps({"given_name": "X", "sex": "female"}),
        content_type="application/json",
    )
    _assert_unauthorised(response, AUTH_REQUIRED_BODY)
    _assert_unauthorised(client.delete(TOKEN_URL), AUTH_REQUIRED_BODY)
    assert AuditEvent.objects.count() == 0


def test_wrong_password_and_unknown_user_answer_identically(client: Client, cast: Cast) -> None:
    wrong = _ask(client, "caseworker.a", WRONG_PASSWORD)
    unknown = _ask(client, "ghost.user", WRONG_PASSWORD)
    _assert_unauthorised(wrong, LOGIN_FAILED_BODY)
    _assert_unauthorised(unknown, LOGIN_FAILED_BODY)
    assert wrong.content == unknown.content
    assert ApiToken.objects.count() == 0

    failed = AuditEvent.objects.filter(action="auth.login_failed").order_by("id")
    assert [(e.actor_username, e.detail) for e in failed] == [
        ("caseworker.a", {"via": "api"}),
        ("", {"via": "api"}),
    ]
    assert AuditEvent.objects.count() == 2


def test_inactive_user_gets_the_same_answer(client: Client, cast: Cast) -> None:
    User.objects.filter(pk=cast.caseworker_a.pk).update(is_active=False)
    _assert_unauthorised(_ask(client, "caseworker.a", TEST_PASSWORD), LOGIN_FAILED_BODY)
    assert ApiToken.objects.count() == 0


def test_bad_token_request_is_refused_without_echoing_the_password(
    client: Client, cast: Cast
) -> None:
    response = client.post(
        TOKEN_URL,
        data=json.dumps({"username": "", "password": "hunter2-secret"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "hunter2-secret" not in response.content.decode()
    assert [e["field"] for e in response.json()["errors"]] == ["username"]
    assert ApiToken.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_token_requests_are_throttled_per_username(client: Client, cast: Cast) -> None:
    for _ in range(5):
        _assert_unauthorised(_ask(client, "caseworker.a", WRONG_PASSWORD), LOGIN_FAILED_BODY)
    response = _ask(client, "caseworker.a", TEST_PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "300"
    assert response.json()["title"] == "Too many attempts"
    assert ApiToken.objects.count() == 0
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 5
    assert AuditEvent.objects.filter(action="auth.login").count() == 0

    # Another username from the same address is still served.
    assert _ask(client, "caseworker2.a", TEST_PASSWORD).status_code == 200


def test_web_and_api_failures_share_one_budget_per_username(client: Client, cast: Cast) -> None:
    for _ in range(3):
        client.post("/en/accounts/login/", {"login": "caseworker.a", "password": WRONG_PASSWORD})
    for _ in range(2):
        _assert_unauthorised(_ask(client, "caseworker.a", WRONG_PASSWORD), LOGIN_FAILED_BODY)
    assert _ask(client, "caseworker.a", TEST_PASSWORD).status_code == 429
    web = client.post("/en/accounts/login/", {"login": "caseworker.a", "password": TEST_PASSWORD})
    assert web.status_code == 200
    assert "_auth_user_id" not in client.session
    assert ApiToken.objects.count() == 0


def _enrol_totp(user: User) -> None:
    TOTP.activate(user, TOTP_SECRET)


def test_mfa_user_gets_a_token_with_a_valid_code(
    client: Client, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = True
    _enrol_totp(cast.caseworker_a)
    response = _ask(client, "caseworker.a", TEST_PASSWORD, otp=_current_code())
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=cast.caseworker_a).count() == 1


@pytest.mark.parametrize("require_mfa", [True, False])
def test_mfa_user_without_a_valid_code_gets_the_same_401(
    client: Client, cast: Cast, settings: SettingsWrapper, require_mfa: bool
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = require_mfa
    _enrol_totp(cast.caseworker_a)
    missing = _ask(client, "caseworker.a", TEST_PASSWORD)
    wrong = _ask(client, "caseworker.a", TEST_PASSWORD, otp=_a_wrong_code())
    empty = _ask(client, "caseworker.a", TEST_PASSWORD, otp="")
    unknown = _ask(client, "ghost.user", WRONG_PASSWORD, otp=_current_code())
    for response in (missing, wrong, empty, unknown):
        _assert_unauthorised(response, LOGIN_FAILED_BODY)
    assert missing.content == wrong.content == empty.content == unknown.content
    assert ApiToken.objects.count() == 0
    failed = AuditEvent.objects.filter(action="auth.login_failed")
    assert failed.count() == 4
    assert failed.filter(actor_username="caseworker.a").count() == 3


def test_a_code_cannot_be_used_twice(client: Client, cast: Cast, settings: SettingsWrapper) -> None:
    settings.SAFEPATH_REQUIRE_MFA = True
    _enrol_totp(cast.caseworker_a)
    code = _current_code()
    assert _ask(client, "caseworker.a", TEST_PASSWORD, otp=code).status_code == 200
    _assert_unauthorised(_ask(client, "caseworker.a", TEST_PASSWORD, otp=code), LOGIN_FAILED_BODY)
    assert ApiToken.objects.count() == 1


def test_user_without_mfa_gets_no_token_when_mfa_is_required(
    client: Client, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = True
    response = _ask(client, "caseworker.a", TEST_PASSWORD, otp="123456")
    _assert_unauthorised(response, LOGIN_FAILED_BODY)
    assert response.content == _ask(client, "ghost.user", WRONG_PASSWORD).content
    assert ApiToken.objects.count() == 0
    assert AuditEvent.objects.filter(action="token.issued").count() == 0


def test_user_without_mfa_gets_a_token_when_mfa_is_not_required(
    client: Client, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = False
    assert _ask(client, "caseworker.a", TEST_PASSWORD).status_code == 200


def test_wrong_codes_count_towards_the_throttle(
    client: Client, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = True
    _enrol_totp(cast.caseworker_a)
    for _ in range(5):
        _ask(client, "caseworker.a", TEST_PASSWORD, otp=_a_wrong_code())
    response = _ask(client, "caseworker.a", TEST_PASSWORD, otp=_current_code())
    assert response.status_code == 429
    assert ApiToken.objects.count() == 0


PERSON = {"given_name": "Oksana", "family_name": "Melnyk", "sex": "female", "voivodeship": "14"}


def _post_person(raw: str) -> Any:
    return Client().post(
        PEOPLE_URL, data=json.dumps(PERSON), content_type="application/json", headers=_bearer(raw)
    )


def test_a_usable_token_can_write(cast: Cast) -> None:
    raw, _ = token_issue(user=cast.caseworker_a)
    assert _post_person(raw).status_code == 201
    assert Person.objects.count() == 1


@pytest.mark.parametrize("how", ["expired", "revoked", "deactivated"])
def test_a_refused_token_writes_nothing(cast: Cast, how: str) -> None:
    raw, token = token_issue(user=cast.caseworker_a)
    if how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif how == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    else:
        User.objects.filter(pk=cast.caseworker_a.pk).update(is_active=False)
    events_before = list(AuditEvent.objects.values_list("pk", flat=True))
    _assert_unauthorised(_post_person(raw), AUTH_REQUIRED_BODY)
    assert Person.objects.count() == 0
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == events_before
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None
