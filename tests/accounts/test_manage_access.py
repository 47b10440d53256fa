"""Administration pages are invisible (404) to all but administrators, and change nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safepath.accounts import urls as manage_urls
from safepath.accounts.models import ApiToken, Organisation, Team, User
from safepath.audit import urls as audit_urls
from safepath.audit.models import AuditEvent
from tests.conftest import Cast

Login = Callable[[User], Client]


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: Callable[[Cast], dict[str, Any]]
    # A valid submission: if the permission check were missing, it would change something.
    data: Callable[[Cast], dict[str, Any]]


def _none(cast: Cast) -> dict[str, Any]:
    return {}


ROUTES = [
    Route("manage:overview", _none, _none),
    Route(
        "manage:organisation_create",
        _none,
        lambda c: {"name": "Evil Org", "code": "EVIL", "type": "ngo", "is_active": "on"},
    ),
    Route(
        "manage:organisation_edit",
        lambda c: {"organisation_id": c.org_a.public_id},
        lambda c: {"name": "Renamed", "code": "ORGA", "type": "ngo"},
    ),
    Route(
        "manage:team_create",
        _none,
        lambda c: {"organisation": c.org_a.pk, "name": "Evil team", "voivodeship": "14"},
    ),
    Route(
        "manage:team_edit",
        lambda c: {"team_id": c.team_a.public_id},
        lambda c: {"organisation": c.org_b.pk, "name": "Renamed", "voivodeship": "02"},
    ),
    Route("manage:user_list", _none, _none),
    Route(
        "manage:user_create",
        _none,
        lambda c: {
            "username": "evil.user",
            "password": "a-very-long-unique-passphrase-77",
            "role": "admin",
            "organisation": c.org_a.pk,
            "language": "en",
        },
    ),
    Route(
        "manage:user_edit",
        lambda c: {"user_id": c.caseworker_a2.public_id},
        lambda c: {
            "first_name": "Evil",
            "role": "admin",
            "organisation": c.org_a.pk,
            "language": "en",
        },
    ),
    Route(
        "manage:user_active",
        lambda c: {"user_id": c.caseworker_a2.public_id},
        lambda c: {"active": "0"},
    ),
    Route(
        "manage:user_password",
        lambda c: {"user_id": c.caseworker_a2.public_id},
        lambda c: {
            "new_password1": "a-very-long-unique-passphrase-77",
            "new_password2": "a-very-long-unique-passphrase-77",
        },
    ),
    Route("audit:list", _none, _none),
]

NON_ADMINS = [
    "caseworker_b",
    "supervisor_a",
    "analyst",
    "partner",
    "caseworker_a",
    "hotline",
    "trainer",
]


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Organisation.objects.order_by("pk").values()),
        list(Team.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values()),
        list(ApiToken.objects.order_by("pk").values()),
        list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    )


def test_every_administration_route_is_covered() -> None:
    names = {f"manage:{p.name}" for p in manage_urls.urlpatterns}
    names |= {f"audit:{p.name}" for p in audit_urls.urlpatterns}
    assert names == {route.name for route in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_non_admins_get_404_and_nothing_changes(
    login: Login, cast: Cast, route: Route, method: str
) -> None:
    url = reverse(route.name, kwargs=route.kwargs(cast))
    for role in NON_ADMINS:
        client = login(getattr(cast, role))
        before = _snapshot()
        response = client.get(url) if method == "get" else client.post(url, route.data(cast))
        assert response.status_code == 404, (role, response.status_code)
        assert _snapshot() == before, role
        client.logout()


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login_and_nothing_changes(
    client: Client, cast: Cast, route: Route, method: str
) -> None:
    url = reverse(route.name, kwargs=route.kwargs(cast))
    before = _snapshot()
    response = client.get(url) if method == "get" else client.post(url, route.data(cast))
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert _snapshot() == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_deactivated_admin_is_refused(client: Client, cast: Cast, route: Route) -> None:
    client.force_login(cast.admin, backend="safepath.accounts.backends.AuthenticationBackend")
    User.objects.filter(pk=cast.admin.pk).update(is_active=False)
    before = _snapshot()
    response = client.post(reverse(route.name, kwargs=route.kwargs(cast)), route.data(cast))
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert _snapshot() == before


def test_hidden_and_missing_objects_answer_identically(login: Login, cast: Cast) -> None:
    client = login(cast.supervisor_a)
    real = reverse("manage:user_edit", kwargs={"user_id": cast.caseworker_a.public_id})
    missing = reverse(
        "manage:user_edit", kwargs={"user_id": "00000000-0000-4000-8000-000000000000"}
    )
    first, second = client.get(real), client.get(missing)
    assert first.status_code == second.status_code == 404
    assert first.content == second.content


WRITING_ROUTES = [r for r in ROUTES if r.data is not _none]


@pytest.mark.parametrize("route", WRITING_ROUTES, ids=lambda r: r.name)
def test_the_same_submissions_do_change_things_for_the_admin(
    login: Login, cast: Cast, route: Route
) -> None:
    # The control for the 404 tests above: their payloads are valid, so a missing
    # permission check would have shown up as a change.
    client = login(cast.admin)
    before = _snapshot()
    response = client.post(reverse(route.name, kwargs=route.kwargs(cast)), route.data(cast))
    assert response.status_code == 302
    assert _snapshot() != before
