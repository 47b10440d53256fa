"""Session lifetime: 30 minutes idle, 12 hours in all, ended at once by deactivation."""

import datetime
import time
from collections.abc import Callable

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepath.accounts.middleware import SESSION_LOGIN_AT, SESSION_SEEN_AT
from safepath.accounts.models import ApiToken, User
from safepath.accounts.services import token_issue
from safepath.audit.models import AuditEvent
from tests.conftest import Cast

Login = Callable[[User], Client]


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


TWELVE_HOURS = 12 * 60 * 60


def _login_fresh(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="safepath.accounts.backends.AuthenticationBackend")
    return client


def _set_login_at(client: Client, seconds_ago: float) -> None:
    session = client.session
    session[SESSION_LOGIN_AT] = time.time() - seconds_ago
    session.save()


def test_first_request_records_the_login_time(login: Login, cast: Cast) -> None:
    client = login(cast.caseworker_a)
    before = time.time()
    assert client.get("/en/app/").status_code == 200
    login_at = client.session[SESSION_LOGIN_AT]
    assert before <= login_at <= time.time()


def test_each_request_pushes_the_idle_expiry_thirty_minutes_ahead(login: Login, cast: Cast) -> None:
    client = login(cast.caseworker_a)
    assert client.get("/en/app/").status_code == 200
    session_key = client.session.session_key
    stored = Session.objects.get(session_key=session_key)
    remaining = (stored.expire_date - timezone.now()).total_seconds()
    assert 1790 <= remaining <= 1800


def test_use_within_a_minute_does_not_rewrite_the_session(login: Login, cast: Cast) -> None:
    client = login(cast.caseworker_a)
    assert client.get("/en/app/").status_code == 200
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    assert client.get("/en/app/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == first


def test_use_after_a_minute_pushes_the_expiry_again(login: Login, cast: Cast) -> None:
    client = login(cast.caseworker_a)
    assert client.get("/en/app/").status_code == 200
    key = client.session.session_key
    session = client.session
    session[SESSION_SEEN_AT] = time.time() - 61
    session.save()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=100)
    )
    assert client.get("/en/app/").status_code == 200
    remaining = (Session.objects.get(session_key=key).expire_date - timezone.now()).total_seconds()
    assert 1790 <= remaining <= 1800


def test_idle_session_is_over(login: Login, cast: Cast) -> None:
    client = login(cast.caseworker_a)
    assert client.get("/en/app/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get("/en/app/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/app/"


def test_session_still_valid_just_before_twelve_hours(login: Login, cast: Cast) -> None:
    client = login(cast.caseworker_a)
    _set_login_at(client, TWELVE_HOURS - 60)
    assert client.get("/en/app/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.session_expired").count() == 0


def test_session_ends_twelve_hours_after_login_however_active(login: Login, cast: Cast) -> None:
    client = login(cast.caseworker_a)
    _set_login_at(client, TWELVE_HOURS + 1)
    response = client.get("/en/app/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/"
    assert "_auth_user_id" not in client.session

    expired = AuditEvent.objects.filter(action="auth.session_expired")
    assert expired.count() == 1
    event = expired.get()
    assert event.actor_id == cast.caseworker_a.pk
    assert event.actor_username == "caseworker.a"
    assert event.detail == {"reason": "max_age"}

    # Logged out for good: the next request is anonymous and asks for a login again.
    again = client.get("/en/app/")
    assert again.status_code == 302
    assert again["Location"] == "/en/accounts/login/?next=/en/app/"
    assert AuditEvent.objects.filter(action="auth.session_expired").count() == 1


def test_twelve_hour_limit_applies_to_the_session_api_too(login: Login, cast: Cast) -> None:
    client = login(cast.caseworker_a)
    _set_login_at(client, TWELVE_HOURS + 1)
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.session_expired").count() == 1


def test_deactivation_ends_sessions_and_revokes_tokens(login: Login, cast: Cast) -> None:
    worker = _login_fresh(cast.caseworker_a)
    assert worker.get("/en/app/").status_code == 200
    bystander = _login_fresh(cast.caseworker_a2)
    raw, _token = token_issue(user=cast.caseworker_a)
    other_raw, _other = token_issue(user=cast.caseworker_a2)
    api = Client()
    assert api.get("/api/v1/people", headers=_bearer(raw)).status_code == 200
    worker_key = worker.session.session_key

    admin = login(cast.admin)
    url = reverse("manage:user_active", kwargs={"user_id": cast.caseworker_a.public_id})
    response = admin.post(url, {"active": "0"})
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:user_list")

    assert User.objects.get(pk=cast.caseworker_a.pk).is_active is False
    assert not Session.objects.filter(session_key=worker_key).exists()
    after = worker.get("/en/app/")
    assert after.status_code == 302
    assert after["Location"] == "/en/accounts/login/?next=/en/app/"
    assert "_auth_user_id" not in worker.session

    unauthorised = api.get("/api/v1/people", headers=_bearer(raw))
    assert unauthorised.status_code == 401
    assert unauthorised["Content-Type"] == "application/problem+json"
    assert ApiToken.objects.filter(user=cast.caseworker_a, revoked_at__isnull=True).count() == 0

    # Nobody else is touched.
    assert bystander.get("/en/app/").status_code == 200
    assert api.get("/api/v1/people", headers=_bearer(other_raw)).status_code == 200

    deactivated = AuditEvent.objects.filter(action="user.deactivated")
    assert deactivated.count() == 1
    assert deactivated.get().actor_username == "admin.a"
    assert deactivated.get().object_id == str(cast.caseworker_a.public_id)
    assert deactivated.get().detail == {"fields": ["is_active"]}
    revoked = AuditEvent.objects.filter(action="token.revoked")
    assert revoked.count() == 1
    assert revoked.get().detail == {"count": 1}


def test_reactivation_does_not_bring_back_old_tokens(login: Login, cast: Cast) -> None:
    raw, _token = token_issue(user=cast.caseworker_a)
    admin = login(cast.admin)
    url = reverse("manage:user_active", kwargs={"user_id": cast.caseworker_a.public_id})
    assert admin.post(url, {"active": "0"}).status_code == 302
    assert admin.post(url, {"active": "1"}).status_code == 302
    assert User.objects.get(pk=cast.caseworker_a.pk).is_active is True
    assert AuditEvent.objects.filter(action="user.activated").count() == 1
    assert Client().get("/api/v1/people", headers=_bearer(raw)).status_code == 401
    # The account itself works again.
    assert _login_fresh(cast.caseworker_a).get("/en/app/").status_code == 200


def test_admin_cannot_deactivate_themselves(login: Login, cast: Cast) -> None:
    admin = login(cast.admin)
    url = reverse("manage:user_active", kwargs={"user_id": cast.admin.public_id})
    response = admin.post(url, {"active": "0"})
    assert response.status_code == 302
    assert User.objects.get(pk=cast.admin.pk).is_active is True
    assert AuditEvent.objects.filter(action="user.deactivated").count() == 0
    assert admin.get("/en/app/").status_code == 200
