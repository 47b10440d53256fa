"""Web login through allauth: audited, no user enumeration, throttled without a lockout."""

import re
import time
import types
from typing import Any

import pytest
from allauth.core.internal import ratelimit as ratelimit_impl
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

LOGIN_URL = "/en/accounts/login/"
WRONG_PASSWORD = "not-the-right-password-42"
BAD_LOGIN = "The username and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts. Try again later."


def _post_login(client: Client, username: str, password: str, ip: str = "127.0.0.1") -> Any:
    return client.post(LOGIN_URL, {"login": username, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _non_field_errors(response: Any) -> list[str]:
    form = response.context["form"]
    return list(form.non_field_errors())


def test_login_succeeds_and_writes_one_login_event(client: Client, cast: Cast) -> None:
    response = _post_login(client, "caseworker.a", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/en/app/"
    assert client.session["_auth_user_id"] == str(cast.caseworker_a.pk)
    assert AuditEvent.objects.count() == 1
    event = AuditEvent.objects.get()
    assert event.action == "auth.login"
    assert event.actor_id == cast.caseworker_a.pk
    assert event.actor_username == "caseworker.a"
    assert event.organisation_code == "ORGA"
    assert event.role == "caseworker"
    assert event.outcome == "success"
    assert event.detail == {"via": "web"}


def test_unknown_user_and_wrong_password_answer_identically(client: Client, cast: Cast) -> None:
    unknown = _post_login(client, "ghost.user", WRONG_PASSWORD)
    wrong = _post_login(client, "caseworker.a", WRONG_PASSWORD)

    assert unknown.status_code == wrong.status_code == 200
    assert _non_field_errors(unknown) == _non_field_errors(wrong) == [BAD_LOGIN]

    def normalised(response: Any, typed: str) -> bytes:
        body = response.content.decode()
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
        # The form echoes what was typed into the username box; nothing else may differ.
        return body.replace(f'value="{typed}"', 'value="TYPED"').encode()

    assert normalised(unknown, "ghost.user") == normalised(wrong, "caseworker.a")
    assert not _signed_in(client)


def test_failed_logins_write_one_event_each_without_unknown_usernames(
    client: Client, cast: Cast
) -> None:
    _post_login(client, "ghost.user", WRONG_PASSWORD)
    assert AuditEvent.objects.count() == 1
    unknown = AuditEvent.objects.get()
    assert unknown.action == "auth.login_failed"
    assert unknown.outcome == "failure"
    assert unknown.actor_id is None
    assert unknown.actor_username == ""
    assert unknown.object_type == ""
    assert unknown.object_id == ""
    assert unknown.detail == {"via": "web"}
    assert "ghost" not in str(AuditEvent.objects.values().get())

    _post_login(client, "caseworker.a", WRONG_PASSWORD)
    assert AuditEvent.objects.count() == 2
    known = AuditEvent.objects.exclude(pk=unknown.pk).get()
    assert known.action == "auth.login_failed"
    assert known.outcome == "failure"
    assert known.actor_id is None
    assert known.actor_username == "caseworker.a"
    assert known.object_type == "user"
    assert known.object_id == str(cast.caseworker_a.public_id)
    assert WRONG_PASSWORD not in str(AuditEvent.objects.values().get(pk=known.pk))


def test_the_login_rate_is_the_documented_one() -> None:
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "20/5m/ip,5/5m/key"


def _fail_five_times(client: Client, username: str, ip: str = "127.0.0.1") -> None:
    for _ in range(5):
        response = _post_login(client, username, WRONG_PASSWORD, ip)
        assert _non_field_errors(response) == [BAD_LOGIN]


def test_sixth_attempt_is_refused_even_with_the_right_password(client: Client, cast: Cast) -> None:
    _fail_five_times(client, "caseworker.a")
    response = _post_login(client, "caseworker.a", TEST_PASSWORD)
    assert response.status_code == 200
    assert _non_field_errors(response) == [TOO_MANY]
    assert not _signed_in(client)
    assert AuditEvent.objects.filter(action="auth.login").count() == 0
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 5


def test_username_limit_ignores_case(client: Client, cast: Cast) -> None:
    _fail_five_times(client, "CaseWorker.A")
    response = _post_login(client, "caseworker.a", TEST_PASSWORD)
    assert _non_field_errors(response) == [TOO_MANY]
    assert not _signed_in(client)


def test_another_username_from_the_same_address_still_signs_in(client: Client, cast: Cast) -> None:
    _fail_five_times(client, "caseworker.a")
    response = _post_login(client, "caseworker2.a", TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.caseworker_a2.pk)


def test_per_address_limit_stops_every_username_from_that_address(
    client: Client, cast: Cast
) -> None:
    for name in ("ghost.one", "ghost.two", "ghost.three", "ghost.four"):
        _fail_five_times(client, name, ip="203.0.113.7")
    # The 21st attempt from the address is refused, even for a fresh username and right password.
    response = _post_login(client, "caseworker.a", TEST_PASSWORD, ip="203.0.113.7")
    assert _non_field_errors(response) == [TOO_MANY]
    assert not _signed_in(client)
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 20
    assert AuditEvent.objects.filter(action="auth.login").count() == 0

    # Another address is not affected.
    response = _post_login(client, "caseworker.a", TEST_PASSWORD, ip="198.51.100.9")
    assert response.status_code == 302
    assert _signed_in(client)


def test_no_permanent_lockout_after_the_cache_is_cleared(client: Client, cast: Cast) -> None:
    _fail_five_times(client, "caseworker.a")
    assert _non_field_errors(_post_login(client, "caseworker.a", TEST_PASSWORD)) == [TOO_MANY]
    cache.clear()
    response = _post_login(client, "caseworker.a", TEST_PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_no_permanent_lockout_once_the_window_has_passed(
    client: Client, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_five_times(client, "caseworker.a")
    assert _non_field_errors(_post_login(client, "caseworker.a", TEST_PASSWORD)) == [TOO_MANY]

    # Five minutes and a second later (as the rate limiter sees it), the window is over.
    later = types.SimpleNamespace(
        time=lambda: time.time() + 301, monotonic=time.monotonic, sleep=time.sleep
    )
    monkeypatch.setattr(ratelimit_impl, "time", later)
    response = _post_login(client, "caseworker.a", TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.caseworker_a.pk)


def test_successful_logins_do_not_reset_the_username_budget(client: Client, cast: Cast) -> None:
    # A success rolls back only its own attempt: an attacker cannot interleave
    # successful logins with guesses to stay under the limit.
    for _ in range(4):
        _post_login(client, "caseworker.a", WRONG_PASSWORD)
    other = Client()
    assert _post_login(other, "caseworker.a", TEST_PASSWORD).status_code == 302
    _post_login(client, "caseworker.a", WRONG_PASSWORD)
    response = _post_login(client, "caseworker.a", TEST_PASSWORD)
    assert _non_field_errors(response) == [TOO_MANY]
    assert not _signed_in(client)


def test_inactive_user_cannot_sign_in(client: Client, cast: Cast) -> None:
    cast.caseworker_a.is_active = False
    cast.caseworker_a.save(update_fields=["is_active"])
    response = _post_login(client, "caseworker.a", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/inactive/"
    assert not _signed_in(client)
    assert AuditEvent.objects.filter(action="auth.login").count() == 0
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 1


def test_self_sign_up_is_closed(client: Client, cast: Cast) -> None:
    users = User.objects.count()
    response = client.post(
        "/en/accounts/signup/",
        {"username": "walk.in", "password1": "a-long-unique-passphrase-91"},
    )
    # Staff accounts are made by administrators; the sign-up route is not served at all.
    assert response.status_code == 404
    assert User.objects.count() == users
    assert not User.objects.filter(username="walk.in").exists()
    assert AuditEvent.objects.count() == 0
