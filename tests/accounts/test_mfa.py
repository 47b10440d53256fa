"""MFA enrolment is enforced for staff when SAFEPATH_REQUIRE_MFA is on."""

import time
from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.fixtures import Settings as SettingsWrapper

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from safepath.people.models import Person
from tests.conftest import Cast

Login = Callable[[User], Client]
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _activate_url() -> str:
    with translation.override("en"):
        return reverse("mfa_activate_totp")


@pytest.mark.parametrize("path", ["/en/app/", "/en/app/people/", "/en/app/manage/", "/pl/app/"])
def test_not_enrolled_user_is_sent_to_totp_activation(
    login: Login, cast: Cast, settings: SettingsWrapper, path: str
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = True
    response = login(cast.admin).get(path)
    assert response.status_code == 302
    expected = (
        _activate_url() if path.startswith("/en/") else _activate_url().replace("/en/", "/pl/", 1)
    )
    assert response["Location"] == expected


def test_activation_url_is_the_allauth_totp_page() -> None:
    assert _activate_url() == "/en/accounts/2fa/totp/activate/"


PERSON_FORM = {
    "given_name": "Oksana",
    "sex": "female",
    "age_band": "18-59",
    "protection_status": "temporary_protection",
    "voivodeship": "14",
}


def test_not_enrolled_user_cannot_post_either(
    login: Login, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = True
    client = login(cast.caseworker_a)
    response = client.post("/en/app/people/new/", PERSON_FORM)
    assert response.status_code == 302
    assert response["Location"] == _activate_url()
    assert Person.objects.count() == 0
    assert AuditEvent.objects.exclude(action="auth.login").count() == 0


def test_the_same_post_succeeds_when_mfa_is_not_required(
    login: Login, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = False
    response = login(cast.caseworker_a).post("/en/app/people/new/", PERSON_FORM)
    assert response.status_code == 302
    assert Person.objects.count() == 1


def test_activation_page_and_reauthentication_are_reachable(
    login: Login, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = True
    client = login(cast.caseworker_a)
    response = client.get(_activate_url())
    # allauth asks for the password again before enrolment; neither page loops back.
    assert response.status_code == 302
    reauthenticate = "/en/accounts/reauthenticate/?next=%2Fen%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    assert response["Location"] == reauthenticate
    assert client.get(reauthenticate).status_code == 200


def test_logout_still_works_while_enrolment_is_owed(
    login: Login, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = True
    client = login(cast.caseworker_a)
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] != _activate_url()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.logout").count() == 1


def test_enrolled_user_is_not_redirected(
    login: Login, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = True
    TOTP.activate(cast.caseworker_a, TOTP_SECRET)
    assert login(cast.caseworker_a).get("/en/app/").status_code == 200


def test_no_redirect_when_mfa_is_not_required(
    login: Login, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = False
    assert login(cast.caseworker_a).get("/en/app/").status_code == 200


def test_anonymous_visitors_are_not_sent_to_enrolment(
    client: Client, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = True
    response = client.get("/en/app/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/app/"


def test_session_api_refuses_a_not_enrolled_user_when_required(
    login: Login, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = True
    response = login(cast.caseworker_a).get("/api/v1/people")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Authentication required",
        "status": 401,
    }


def test_session_api_serves_an_enrolled_user_when_required(
    login: Login, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = True
    TOTP.activate(cast.caseworker_a, TOTP_SECRET)
    response = login(cast.caseworker_a).get("/api/v1/people")
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_session_api_serves_a_not_enrolled_user_when_not_required(
    login: Login, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.SAFEPATH_REQUIRE_MFA = False
    assert login(cast.caseworker_a).get("/api/v1/people").status_code == 200


def _current_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // 30
    return str(format_hotp_value(hotp_value(secret, counter)))


def test_enrolling_totp_through_the_page_unlocks_the_app_and_is_audited(
    client: Client,
    cast: Cast,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """The whole enrolment a new staff member goes through: sign in, get sent to the
    activation page, scan (here: read the secret), type a code, then reach the app."""
    settings.SAFEPATH_REQUIRE_MFA = True
    cast.caseworker_a.set_password("a-long-enough-password")
    cast.caseworker_a.save()
    signed_in = client.post(
        "/en/accounts/login/", {"login": "caseworker.a", "password": "a-long-enough-password"}
    )
    assert signed_in.status_code == 302
    assert client.get("/en/app/")["Location"] == _activate_url()
    # allauth asks for the password again before any MFA change, even right after login.
    asked = client.get(_activate_url())
    assert asked.status_code == 302
    assert asked["Location"].startswith("/en/accounts/reauthenticate/")
    confirmed = client.post(asked["Location"], {"password": "a-long-enough-password"})
    assert confirmed.status_code == 302
    page = client.get(_activate_url())
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    wrong = client.post(_activate_url(), {"code": "000000"})
    assert wrong.status_code == 200  # the form again, with its error
    assert AuditEvent.objects.filter(action="mfa.added").count() == 0
    # allauth sends its "authenticator added" signal when the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        activated = client.post(_activate_url(), {"code": _current_code(secret)})
    assert activated.status_code == 302
    assert activated["Location"] == "/en/accounts/2fa/recovery-codes/"
    # The authenticator app, and the recovery codes allauth creates with it.
    added = AuditEvent.objects.filter(action="mfa.added", actor_username="caseworker.a")
    assert sorted(e.detail["method"] for e in added) == ["recovery_codes", "totp"]
    assert secret not in str(list(AuditEvent.objects.values()))
    assert client.get("/en/app/").status_code == 200
