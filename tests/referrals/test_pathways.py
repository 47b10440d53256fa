"""Referral pathways: the five defaults, which pathway a screening or case triggers, and
the services proposed, nearest first, then by language and group."""

import datetime
from typing import Any

import pytest

from safepath.directory.models import (
    Address,
    Attribute,
    DirectoryOrganization,
    Language,
    Location,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
)
from safepath.directory.taxonomies import GROUPS, SERVICE_TYPES, ensure_taxonomies, term
from safepath.people import services as people_services
from safepath.people.models import Person
from safepath.referrals import pathway_services, pathways
from safepath.referrals.models import PathwayTemplate
from safepath.screening.models import Screening
from safepath.screening.services import ConsentGiven, screening_create
from safepath.screening.services import Location as Where
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]


def _screen(cast: Cast, person: Person, **overrides: Any) -> Screening:
    arguments: dict[str, Any] = {
        "actor": cast.caseworker_a,
        "person": person,
        "catalogue": "AL",
        "indicators": [],
        "act": False,
        "factors": [],
        "needs": [],
        "consent": ConsentGiven("oral_witnessed", datetime.date(2026, 11, 30)),
        "location": Where(site_type="border_crossing", voivodeship="14"),
    }
    arguments.update(overrides)
    return screening_create(**arguments)


def _codes(found: list[PathwayTemplate]) -> list[str]:
    return [pathway.code for pathway in found]


def test_the_five_defaults_are_created_once_in_four_languages_and_edits_are_kept() -> None:
    PathwayTemplate.objects.all().delete()  # a migration loads them; start without
    assert pathway_services.ensure_default_pathways() == 5
    assert pathway_services.ensure_default_pathways() == 0
    assert PathwayTemplate.objects.count() == 5
    for pathway in PathwayTemplate.objects.all():
        assert set(pathway.name) == {"en", "pl", "uk", "ru"}
        assert set(pathway.description) == {"en", "pl", "uk", "ru"}
    PathwayTemplate.objects.filter(code="gbv-survivor").update(service_types=["mhpss"])
    pathway_services.ensure_default_pathways()
    assert PathwayTemplate.objects.get(code="gbv-survivor").service_types == ["mhpss"]
    assert _codes(list(PathwayTemplate.objects.all())) == [
        "adult-victim",
        "unaccompanied-child",
        "gbv-survivor",
        "urgent-medical",
        "lgbtqi",
    ]


@pytest.mark.parametrize(
    ("screening", "expected"),
    [
        ({"indicators": INDICATED}, ["adult-victim"]),
        ({"factors": ["unaccompanied_child"]}, ["unaccompanied-child"]),
        ({"factors": ["separated_child"]}, ["unaccompanied-child"]),
        ({"factors": ["gbv_experience"]}, ["gbv-survivor"]),
        ({"needs": ["urgent_medical"]}, ["urgent-medical"]),
        (
            {"indicators": INDICATED, "factors": ["gbv_experience"], "needs": ["urgent_medical"]},
            ["adult-victim", "gbv-survivor", "urgent-medical"],
        ),
        ({"needs": ["shelter"], "factors": ["gender_risk"]}, []),
    ],
)
def test_each_default_is_proposed_by_its_situation(
    cast: Cast, person_a: Person, screening: dict[str, Any], expected: list[str]
) -> None:
    pathway_services.ensure_default_pathways()
    found = pathways.applicable(screening=_screen(cast, person_a, **screening))
    assert _codes(found) == expected


def test_a_case_uses_its_screening_and_the_persons_child_status(
    cast: Cast, person_a: Person
) -> None:
    from safepath.cases.services import case_open

    pathway_services.ensure_default_pathways()
    screening = _screen(cast, person_a, indicators=INDICATED)
    case = case_open(actor=cast.caseworker_a, screening=screening)
    assert _codes(pathways.applicable(case=case)) == ["adult-victim"]
    Person.objects.filter(pk=person_a.pk).update(child_status="unaccompanied")
    case.person.refresh_from_db()
    assert _codes(pathways.applicable(case=case)) == ["adult-victim", "unaccompanied-child"]


def test_an_inactive_pathway_and_an_empty_or_unknown_trigger_never_match(
    cast: Cast, person_a: Person
) -> None:
    pathway_services.ensure_default_pathways()
    PathwayTemplate.objects.filter(code="adult-victim").update(active=False)
    screening = _screen(cast, person_a, indicators=INDICATED)
    assert pathways.applicable(screening=screening) == []
    found = pathways.facts(screening=screening)
    assert pathways.matches({}, found) is False
    assert pathways.matches({"colour": ["red"]}, found) is False
    assert pathways.matches({"outcome": []}, found) is False
    assert pathways.matches({"outcome": ["possible_victim"]}, found) is True


def test_sexual_orientation_and_gender_identity_are_never_inferred(
    cast: Cast, person_a: Person
) -> None:
    Person.objects.filter(pk=person_a.pk).update(sex="other")
    person_a.refresh_from_db()
    screening = _screen(cast, person_a, factors=["gender_risk"])
    assert "lgbtqi" not in pathways.facts(screening=screening)["groups"]
    pathway_services.ensure_default_pathways()
    assert "lgbtqi" not in _codes(pathways.applicable(screening=screening))


# --- proposing services -------------------------------------------------------------------


def _service(
    name: str,
    *,
    types: tuple[str, ...] = ("shelter",),
    city: str = "",
    voivodeship: str = "",
    national: bool = False,
    languages: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    status: str = ServiceStatus.ACTIVE,
) -> Service:
    provider = DirectoryOrganization.objects.create(name={"en": f"{name} provider"})
    service = Service.objects.create(organization=provider, name={"en": name}, status=status)
    for code in types:
        Attribute.objects.create(service=service, taxonomy_term=term(SERVICE_TYPES, code))
    for code in groups:
        Attribute.objects.create(service=service, taxonomy_term=term(GROUPS, code))
    if voivodeship:
        location = Location.objects.create(organization=provider, voivodeship=voivodeship)
        Address.objects.create(
            location=location,
            address_1="ul. Przykładowa 1",
            city=city,
            state_province=voivodeship,
            postal_code="00-001",
        )
        ServiceAtLocation.objects.create(service=service, location=location)
    if national:
        ServiceArea.objects.create(service=service, name="Poland", voivodeship="")
    for code in languages:
        Language.objects.create(service=service, code=code)
    return service


def _names(proposals: list[pathways.Proposal]) -> list[str]:
    return [proposal.service.name["en"] for proposal in proposals]


def test_services_are_proposed_nearest_first_of_the_pathways_types_only(
    cast: Cast, person_a: Person
) -> None:
    ensure_taxonomies()
    pathway_services.ensure_default_pathways()
    _service("Elsewhere", voivodeship="06", city="Lublin", types=("trafficking_assistance",))
    _service("National", national=True, types=("trafficking_assistance",))
    _service("Region", voivodeship="14", city="Radom", types=("legal_aid",))
    _service("City", voivodeship="14", city="Warszawa", types=("trafficking_assistance",))
    _service("Shelter", voivodeship="14", city="Warszawa", types=("shelter",))
    _service("Closed", national=True, types=("legal_aid",), status=ServiceStatus.DEFUNCT)
    pathway = PathwayTemplate.objects.get(code="adult-victim")
    proposals = pathways.propose(pathway, person=person_a, voivodeship="14", city="warszawa")
    assert _names(proposals) == ["City", "Region", "National", "Elsewhere"]
    assert [p.distance for p in proposals] == [0, 1, 2, 3]


def test_within_a_distance_the_persons_language_then_group_come_first(
    cast: Cast, person_a: Person
) -> None:
    ensure_taxonomies()
    Person.objects.filter(pk=person_a.pk).update(languages=["uk"], age_band="18-59")
    person_a.refresh_from_db()
    _service("Plain", national=True)
    _service("For women", national=True, groups=("women",))
    _service("Ukrainian", national=True, languages=("uk",))
    _service("Both", national=True, languages=("uk",), groups=("women",))
    proposals = pathways.rank(
        Service.objects.all(),
        service_types=["shelter"],
        languages=person_a.languages,
        groups=pathways.person_groups(person_a),
    )
    assert _names(proposals) == ["Both", "Ukrainian", "For women", "Plain"]
    assert [(p.speaks_language, p.serves_group) for p in proposals] == [
        (True, True),
        (True, False),
        (False, True),
        (False, False),
    ]


def test_the_origin_is_the_screening_then_the_person_then_the_team(
    cast: Cast, person_a: Person
) -> None:
    screening = _screen(cast, person_a, location=Where(site_type="other", voivodeship="18"))
    assert pathways.origin(actor=cast.caseworker_a, person=person_a, screening=screening) == (
        "18",
        "",
    )
    assert pathways.origin(actor=cast.caseworker_a, person=person_a) == ("14", "")
    nobody = people_services.person_create(actor=cast.caseworker_a, data={"given_name": "A"})
    assert pathways.origin(actor=cast.caseworker_a_other_team, person=nobody) == ("06", "")
