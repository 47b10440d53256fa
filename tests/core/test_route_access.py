"""Access to the routes that belong to no domain app: staff home, language switch, API edges."""

from collections.abc import Callable

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from safepath.people.models import Person
from tests.conftest import Cast

type LoginAs = Callable[[User], Client]

# What each role's home page offers (by URL name), and nothing more.
HOME_LINKS: dict[str, set[str]] = {
    "admin": {"manage:overview", "manage:user_list", "audit:list"},
    "supervisor_a": {"people:list", "people:create"},
    "caseworker_a": {"people:list", "people:create"},
    "caseworker_b": {"people:list", "people:create"},
    "hotline": {"people:list", "people:create"},
    "analyst": {"people:list"},
    "partner": set(),
    "trainer": set(),
}
ALL_LINKS = {"people:list", "people:create", "manage:overview", "manage:user_list", "audit:list"}


def test_anonymous_home_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('core:dashboard')}"
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("role", sorted(HOME_LINKS))
def test_home_offers_each_role_only_what_it_may_use(login: LoginAs, cast: Cast, role: str) -> None:
    client = login(getattr(cast, role))
    before = AuditEvent.objects.count()
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    main = response.content.decode().split('<main id="main"', 1)[1]
    offered = {name for name in ALL_LINKS if f'href="{reverse(name)}"' in main}
    assert offered == HOME_LINKS[role]
    assert AuditEvent.objects.count() == before


# --- set_language ----------------------------------------------------------------


def test_set_language_answers_post_only(client: Client, db: None) -> None:
    assert client.get(reverse("set_language")).status_code == 405


def test_anonymous_language_switch_goes_to_the_same_page_and_stores_nothing(
    client: Client, db: None
) -> None:
    response = client.post(reverse("set_language"), {"language": "uk", "next": "/en/find-help/"})
    assert response.status_code == 302
    assert response["Location"] == "/uk/find-help/"
    assert response.cookies == {}
    assert Session.objects.count() == 0


def test_signed_in_language_switch_is_remembered_for_the_user(login: LoginAs, cast: Cast) -> None:
    response = login(cast.caseworker_a).post(
        reverse("set_language"), {"language": "pl", "next": reverse("people:list")}
    )
    assert response["Location"] == "/pl/app/people/"
    cast.caseworker_a.refresh_from_db()
    assert cast.caseworker_a.language == "pl"


@pytest.mark.parametrize(
    ("data", "location"),
    [
        ({"language": "xx", "next": "/uk/find-help/"}, "/en/find-help/"),
        ({"language": "pl", "next": "/uk/find-help/?q=1"}, "/pl/find-help/?q=1"),
        ({"language": "pl", "next": "https://evil.example/phish"}, "/"),
        ({"language": "pl", "next": "//evil.example/"}, "/"),
        ({"language": "pl"}, "/"),
    ],
)
def test_language_switch_refuses_unknown_languages_and_other_sites(
    client: Client, db: None, data: dict[str, str], location: str
) -> None:
    response = client.post(reverse("set_language"), data)
    assert response.status_code == 302
    assert response["Location"] == location


def test_language_switch_for_a_user_ignores_an_unknown_language(login: LoginAs, cast: Cast) -> None:
    cast.caseworker_a.language = "uk"
    cast.caseworker_a.save(update_fields=["language"])
    login(cast.caseworker_a).post(reverse("set_language"), {"language": "de", "next": "/"})
    cast.caseworker_a.refresh_from_db()
    assert cast.caseworker_a.language == "uk"


@pytest.mark.parametrize("browser", ["en", "pl", "uk", "ru", "de"])
@pytest.mark.parametrize(
    ("page", "language", "target"),
    [
        ("/uk/find-help/", "ru", "/ru/find-help/"),
        ("/en/", "uk", "/uk/"),
        ("/pl/app/people/", "en", "/en/app/people/"),
    ],
)
def test_language_switch_works_whatever_the_browser_language(
    db: None, browser: str, page: str, language: str, target: str
) -> None:
    # /language/ has no prefix, so the active language there comes from the browser.
    client = Client(HTTP_ACCEPT_LANGUAGE=browser)
    response = client.post(reverse("set_language"), {"language": language, "next": page})
    assert response["Location"] == target


# --- API edges ---------------------------------------------------------------------


def test_openapi_schema_is_public_and_holds_no_records(client: Client, person_a: Person) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == {
        "/api/v1/auth/token",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/screenings",
        "/api/v1/screenings/{screening_id}",
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/assistance",
        "/api/v1/cases/{case_id}/law-enforcement-reports",
        "/api/v1/cases/{case_id}/law-enforcement-reports/{report_id}/pdf",
        "/api/v1/cases/{case_id}/plan",
        "/api/v1/cases/{case_id}/approvals",
        "/api/v1/cases/{case_id}/approvals/{approval_id}/decision",
        "/api/v1/referrals",
        "/api/v1/referrals/{referral_id}",
        "/api/v1/referrals/{referral_id}/approve",
        "/api/v1/referrals/{referral_id}/accept",
        "/api/v1/referrals/{referral_id}/decline",
        "/api/v1/referrals/{referral_id}/start",
        "/api/v1/referrals/{referral_id}/complete",
        "/api/v1/referrals/{referral_id}/withdraw",
        "/api/v1/referrals/{referral_id}/updates",
        "/api/v1/stats/measures",
        "/api/v1/stats/{measure}/{dimension}",
    }
    text = response.content.decode()
    assert person_a.code not in text
    assert "Oksana" not in text
    assert AuditEvent.objects.filter(action__startswith="person.").count() == 1  # created only


def test_openapi_documents_the_error_answers(client: Client, db: None) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/people"]["post"]["responses"]) >= {"201", "401", "404", "422"}
    assert set(paths["/api/v1/people"]["get"]["responses"]) >= {"200", "401", "422"}


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nothing-here", "/api/v2/people"])
def test_unknown_api_paths_answer_404_problem_json(client: Client, db: None, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {"type": "about:blank", "title": "Not found", "status": 404}
