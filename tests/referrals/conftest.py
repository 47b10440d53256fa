"""Fixtures of the referral tests: a screened person of team A with a case, a shelter
of the partner organisation in the directory, and the person's consent to referral."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from safepath.cases.models import Case
from safepath.cases.services import case_open
from safepath.directory.models import Attribute, DirectoryOrganization, Service
from safepath.directory.taxonomies import SERVICE_TYPES, ensure_taxonomies, term
from safepath.people.models import Consent, Person
from safepath.people.services import consent_record
from safepath.referrals import services
from safepath.referrals.models import Referral
from safepath.screening.models import Screening
from safepath.screening.services import ConsentGiven, Location, screening_create
from tests.conftest import Cast

INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]
IDENTITY_SHARE = ["code", "given_name", "family_name", "phone"]


@pytest.fixture
def screening_a(cast: Cast, person_a: Person) -> Screening:
    """Caseworker A screened person A with their consent: trafficking indicated, in
    need of shelter."""
    return screening_create(
        actor=cast.caseworker_a,
        person=person_a,
        catalogue="AL",
        indicators=INDICATED,
        act=False,
        factors=[],
        needs=["shelter", "mhpss"],
        consent=ConsentGiven("oral_witnessed", datetime.date(2026, 11, 30)),
        location=Location(site_type="border_crossing", voivodeship="18"),
    )


@pytest.fixture
def case_a(cast: Cast, screening_a: Screening) -> Case:
    return case_open(actor=cast.caseworker_a, screening=screening_a)


def directory_service(
    *, organisation: Any = None, types: tuple[str, ...] = ("shelter",)
) -> Service:
    ensure_taxonomies()
    provider = DirectoryOrganization.objects.create(
        name={"en": "Safe House Foundation", "pl": "Fundacja Bezpieczny Dom"},
        organisation=organisation,
    )
    service = Service.objects.create(
        organization=provider,
        name={"en": "Shelter for women", "pl": "Schronisko dla kobiet"},
    )
    for code in types:
        Attribute.objects.create(service=service, taxonomy_term=term(SERVICE_TYPES, code))
    return service


@pytest.fixture
def shelter(cast: Cast) -> Service:
    """A shelter of the partner organisation (in safepath)."""
    return directory_service(organisation=cast.partner_org)


@pytest.fixture
def referral_consent(cast: Cast, person_a: Person) -> Consent:
    """Person A consents to being referred to the partner organisation."""
    return consent_record(
        actor=cast.caseworker_a,
        person=person_a,
        purpose="referral",
        given=True,
        method="oral_witnessed",
        date=datetime.date(2026, 11, 30),
        recipient=cast.partner_org,
    )


@pytest.fixture
def refer(cast: Cast, person_a: Person, case_a: Case, shelter: Service) -> Callable[..., Referral]:
    """Caseworker A refers person A (from their case) to the shelter; keywords override."""

    def _refer(**overrides: Any) -> Referral:
        arguments: dict[str, Any] = {
            "actor": cast.caseworker_a,
            "person": person_a,
            "case": case_a,
            "service": shelter,
            "purpose": "Needs a safe place tonight.",
            "urgent": False,
            "share": ["code", "age_band", "languages"],
        }
        arguments.update(overrides)
        return services.referral_create(**arguments)

    return _refer
