"""MFA enrolment is enforced for staff when SAFEPATH_REQUIRE_MFA is on."""

from collections.abc import Callable

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
