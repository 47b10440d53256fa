"""The shared cast of test users (DESIGN.md §6) and common fixtures."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from safepath.accounts.models import Organisation, Role, Team, User
from safepath.people import services
from safepath.people.models import Person
from safepath.screening import catalogues
from tests.factories import OrganisationFactory, TeamFactory, UserFactory


@dataclass
class Cast:
    org_a: Organisation
    org_b: Organisation
    partner_org: Organisation
    team_a: Team
    team_a2: Team
    team_b: Team
    admin: User
    supervisor_a: User
    caseworker_a: User
    caseworker_a2: User
    caseworker_a_other_team: User
    caseworker_b: User
    partner: User
    analyst: User
    hotline: User
    trainer: User


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Login throttling lives in the cache; each test starts with none.
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_catalogue_registry() -> None:
    """A catalogue version a test loaded is rolled back with it: build the registry again."""
    catalogues.invalidate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    # Argon2 is first in real settings (tests/accounts check it); here speed matters.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_rollup_refresh_tasks(settings) -> None:  # type: ignore[no-untyped-def]
    # Writes would queue a rollup refresh on commit; tests build rollups themselves
    # (tests/insights/test_rollups.py turns this back on to test it).
    settings.SAFEPATH_ROLLUPS_AUTO_REFRESH = False


@pytest.fixture
def cast(db: None) -> Cast:
    org_a = OrganisationFactory.create(code="ORGA", name="Organisation A", type="international")
    org_b = OrganisationFactory.create(code="ORGB", name="Organisation B", type="ngo")
    partner_org = OrganisationFactory.create(
        code="SHELTER", name="Shelter", type="service_provider"
    )
    team_a = TeamFactory.create(organisation=org_a, name="Warsaw", voivodeship="14")
    team_a2 = TeamFactory.create(organisation=org_a, name="Lublin", voivodeship="06")
    team_b = TeamFactory.create(organisation=org_b, name="Warsaw", voivodeship="14")

    def user(username: str, role: str, org: Organisation, team: Team | None) -> User:
        return UserFactory.create(username=username, role=role, organisation=org, team=team)

    return Cast(
        org_a=org_a,
        org_b=org_b,
        partner_org=partner_org,
        team_a=team_a,
        team_a2=team_a2,
        team_b=team_b,
        admin=user("admin.a", Role.ADMIN, org_a, None),
        supervisor_a=user("supervisor.a", Role.SUPERVISOR, org_a, team_a),
        caseworker_a=user("caseworker.a", Role.CASEWORKER, org_a, team_a),
        caseworker_a2=user("caseworker2.a", Role.CASEWORKER, org_a, team_a),
        caseworker_a_other_team=user("caseworker.a.lublin", Role.CASEWORKER, org_a, team_a2),
        caseworker_b=user("caseworker.b", Role.CASEWORKER, org_b, team_b),
        partner=user("partner.shelter", Role.PARTNER_FOCAL_POINT, partner_org, None),
        analyst=user("analyst.a", Role.ANALYST, org_a, None),
        hotline=user("hotline.a", Role.HOTLINE_OPERATOR, org_a, team_a),
        trainer=user("trainer.a", Role.TRAINER, org_a, None),
    )


@pytest.fixture
def person_a(cast: Cast) -> Person:
    """A person registered by caseworker A in team A of organisation A."""
    return services.person_create(
        actor=cast.caseworker_a,
        data={
            "given_name": "Oksana",
            "family_name": "Melnyk",
            "phone": "+48601234567",
            "sex": "female",
            "nationality": "UKR",
            "voivodeship": "14",
        },
    )


@pytest.fixture
def login(client: Client):  # type: ignore[no-untyped-def]
    def _login(user: User) -> Client:
        client.force_login(user, backend="safepath.accounts.backends.AuthenticationBackend")
        return client

    return _login


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
