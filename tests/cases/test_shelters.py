"""Shelter places: occupancy, admissions and departures; a full shelter admits nobody and
a person is not admitted twice without a departure; the pages, who gets 404 with
nothing written, and every input's bad value."""

import datetime
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepath.audit.models import AuditEvent
from safepath.cases import assistance_services as services
from safepath.cases.models import Shelter, ShelterStay
from safepath.core.exceptions import NotAllowed
from safepath.people import services as people_services
from safepath.people.models import Person
from tests.cases.assistance_setup import shelter_a, shelter_b, today, tomorrow
from tests.conftest import Cast

SHELTERS = "/en/app/cases/shelters/"


def _page(shelter: Shelter, action: str = "") -> str:
    return f"{SHELTERS}{shelter.public_id}/{action + '/' if action else ''}"


def _depart(shelter: Shelter, stay: ShelterStay) -> str:
    return f"{_page(shelter)}stays/{stay.public_id}/departure/"


def _person(cast: Cast, given_name: str) -> Person:
    return people_services.person_create(
        actor=cast.caseworker_a, data={"given_name": given_name, "family_name": "Shevchenko"}
    )


def _admit(cast: Cast, shelter: Shelter, person: Person) -> ShelterStay:
    return services.shelter_admit(
        actor=cast.caseworker_a, shelter=shelter, person=person, admitted_on=today()
    )


def _occupancy(shelter: Shelter) -> int:
    return ShelterStay.objects.filter(shelter=shelter, departed_on__isnull=True).count()


# --- services -------------------------------------------------------------------------


def test_admit_until_full_then_a_departure_frees_a_place(cast: Cast, person_a: Person) -> None:
    shelter = shelter_a(cast, capacity=2)
    second, third = _person(cast, "Iryna"), _person(cast, "Maria")
    first_stay = _admit(cast, shelter, person_a)
    _admit(cast, shelter, second)
    with pytest.raises(services.Invalid) as caught:
        _admit(cast, shelter, third)
    assert [(e.field, e.detail) for e in caught.value.errors] == [
        ("shelter", "The shelter is full (2 places): nobody can be admitted.")
    ]
    assert _occupancy(shelter) == 2
    services.shelter_depart(actor=cast.supervisor_a, stay=first_stay, departed_on=today())
    first_stay.refresh_from_db()
    assert (first_stay.departed_on, first_stay.departed_by) == (today(), cast.supervisor_a)
    _admit(cast, shelter, third)
    assert _occupancy(shelter) == 2
    actions = list(
        AuditEvent.objects.filter(action__startswith="shelter.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "shelter.created",
        "shelter.admitted",
        "shelter.admitted",
        "shelter.departed",
        "shelter.admitted",
    ]
    assert all(
        e.detail == {"via": "web"}
        for e in AuditEvent.objects.filter(action__in=["shelter.admitted", "shelter.departed"])
    )


def test_a_person_is_not_admitted_twice_without_a_departure(cast: Cast, person_a: Person) -> None:
    first = shelter_a(cast)
    second = shelter_a(cast, name="Safe House Lublin")
    stay = _admit(cast, first, person_a)
    for shelter in (first, second):
        with pytest.raises(services.Invalid) as caught:
            _admit(cast, shelter, person_a)
        assert [e.field for e in caught.value.errors] == ["person"]
    assert ShelterStay.objects.count() == 1
    services.shelter_depart(actor=cast.caseworker_a, stay=stay, departed_on=today())
    _admit(cast, second, person_a)
    assert ShelterStay.objects.count() == 2


def test_the_database_refuses_a_second_open_stay_even_without_the_service(
    cast: Cast, person_a: Person
) -> None:
    first, second = shelter_a(cast), shelter_a(cast, name="Safe House Lublin")
    _admit(cast, first, person_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShelterStay.objects.create(
            shelter=second, person=person_a, admitted_on=today(), admitted_by=cast.caseworker_a
        )
    assert ShelterStay.objects.count() == 1


@pytest.mark.parametrize(
    ("action", "arguments", "field"),
    [
        ("create", {"name": ""}, "name"),
        ("create", {"name": "x" * 201}, "name"),
        ("create", {"name": "Safe House Warsaw"}, "name"),
        ("create", {"voivodeship": ""}, "voivodeship"),
        ("create", {"voivodeship": "15"}, "voivodeship"),
        ("create", {"capacity": 0}, "capacity"),
        ("create", {"capacity": 10_001}, "capacity"),
        ("admit", {"admitted_on": "tomorrow"}, "admitted_on"),
        ("admit", {"admitted_on": None}, "admitted_on"),
        ("depart", {"departed_on": "tomorrow"}, "departed_on"),
        ("depart", {"departed_on": "before"}, "departed_on"),
        ("depart", {"departed_on": "again"}, "stay"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    cast: Cast, person_a: Person, action: str, arguments: dict[str, Any], field: str
) -> None:
    shelter = shelter_a(cast)
    stay = services.shelter_admit(
        actor=cast.caseworker_a,
        shelter=shelter,
        person=person_a,
        admitted_on=today() - datetime.timedelta(days=3),
    )
    newcomer = _person(cast, "Iryna")
    if arguments.get("departed_on") == "again":
        services.shelter_depart(actor=cast.caseworker_a, stay=stay, departed_on=today())
        arguments["departed_on"] = today()
    replacements = {"tomorrow": tomorrow(), "before": today() - datetime.timedelta(days=4)}
    for name in ("admitted_on", "departed_on"):
        if arguments.get(name) in replacements:
            arguments[name] = replacements[arguments[name]]
    before = list(ShelterStay.objects.values_list("pk", "departed_on"))
    calls: dict[str, Callable[..., object]] = {
        "create": partial(
            services.shelter_create,
            actor=cast.supervisor_a,
            name="New house",
            voivodeship="06",
            capacity=3,
        ),
        "admit": partial(
            services.shelter_admit, actor=cast.caseworker_a, shelter=shelter, person=newcomer
        ),
        "depart": partial(services.shelter_depart, actor=cast.caseworker_a, stay=stay),
    }
    with pytest.raises(services.Invalid) as caught:
        calls[action](**arguments)
    assert field in [error.field for error in caught.value.errors]
    assert list(ShelterStay.objects.values_list("pk", "departed_on")) == before
    assert Shelter.objects.count() == 1


def test_out_of_reach_shelters_and_people_are_not_allowed(cast: Cast, person_a: Person) -> None:
    mine, foreign = shelter_a(cast), shelter_b(cast)
    person_of_b = people_services.person_create(
        actor=cast.caseworker_b, data={"given_name": "Anna", "family_name": "Bondar"}
    )
    for attempt in (
        lambda: services.shelter_admit(
            actor=cast.caseworker_a, shelter=foreign, person=person_a, admitted_on=today()
        ),
        lambda: services.shelter_admit(
            actor=cast.caseworker_a, shelter=mine, person=person_of_b, admitted_on=today()
        ),
        lambda: services.shelter_admit(
            actor=cast.caseworker_b, shelter=mine, person=person_of_b, admitted_on=today()
        ),
        lambda: services.shelter_admit(
            actor=cast.analyst, shelter=mine, person=person_a, admitted_on=today()
        ),
        lambda: services.shelter_create(
            actor=cast.caseworker_a, name="Mine", voivodeship="14", capacity=2
        ),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    assert ShelterStay.objects.count() == 0
    assert Shelter.objects.count() == 2


# --- pages ----------------------------------------------------------------------------


def test_supervisor_creates_a_shelter_and_a_caseworker_admits_and_records_departure(
    cast: Cast, person_a: Person, login: Any
) -> None:
    supervisor = login(cast.supervisor_a)
    response = supervisor.post(
        SHELTERS, {"name": "Dom Nadziei", "voivodeship": "12", "capacity": "1"}
    )
    shelter = Shelter.objects.get(name="Dom Nadziei")
    assert response["Location"] == _page(shelter)
    client = login(cast.caseworker_a)
    day = today().isoformat()
    response = client.post(
        _page(shelter, "admissions"),
        {"admit-person": person_a.code.lower(), "admit-admitted_on": day},
    )
    assert (response.status_code, response["Location"]) == (302, _page(shelter))
    page = client.get(_page(shelter)).content.decode()
    assert person_a.code in page
    assert "Full" in page
    assert "Oksana" not in page  # residents are listed by code
    assert AuditEvent.objects.filter(action="shelter.viewed").latest("id").detail == {
        "via": "web",
        "count": 1,
    }
    listing = client.get(SHELTERS).content.decode()
    assert "Dom Nadziei" in listing
    assert "Małopolskie" in listing
    stay = ShelterStay.objects.get()
    response = client.post(_depart(shelter, stay), {"depart-departed_on": day})
    assert (response.status_code, response["Location"]) == (302, _page(shelter))
    assert "1 place free" in client.get(_page(shelter)).content.decode()


def test_bad_input_on_the_pages_names_the_field_and_writes_nothing(
    cast: Cast, person_a: Person, login: Any
) -> None:
    shelter = shelter_a(cast, capacity=1)
    other = shelter_a(cast, name="Safe House Lublin")
    newcomer = _person(cast, "Iryna")
    stay = _admit(cast, shelter, person_a)
    person_of_b = people_services.person_create(
        actor=cast.caseworker_b, data={"given_name": "Anna", "family_name": "Bondar"}
    )
    day = today().isoformat()
    supervisor = login(cast.supervisor_a)
    for data, message in (
        ({"name": "", "voivodeship": "14", "capacity": "2"}, "This field is required."),
        (
            {"name": "Safe House Warsaw", "voivodeship": "14", "capacity": "2"},
            "already has a shelter",
        ),
        ({"name": "New", "voivodeship": "", "capacity": "2"}, "This field is required."),
        ({"name": "New", "voivodeship": "14", "capacity": "0"}, "greater than or equal to 1"),
    ):
        response = supervisor.post(SHELTERS, data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), data
    client = login(cast.caseworker_a)
    for url, data, message in (
        (
            _page(shelter, "admissions"),
            {"admit-person": newcomer.code, "admit-admitted_on": day},
            "The shelter is full (1 place): nobody can be admitted.",
        ),
        (
            _page(other, "admissions"),
            {"admit-person": person_a.code, "admit-admitted_on": day},
            "already staying in a shelter",
        ),
        (
            _page(other, "admissions"),
            {"admit-person": "SP-0000-00", "admit-admitted_on": day},
            "No person with this code among the people you may see.",
        ),
        (
            _page(other, "admissions"),
            {"admit-person": person_of_b.code, "admit-admitted_on": day},
            "No person with this code among the people you may see.",
        ),
        (
            _page(other, "admissions"),
            {"admit-person": newcomer.code, "admit-admitted_on": tomorrow().isoformat()},
            "The date cannot be in the future.",
        ),
        (
            _page(other, "admissions"),
            {"admit-person": "", "admit-admitted_on": day},
            "This field is required.",
        ),
        (
            _depart(shelter, stay),
            {"depart-departed_on": "soon"},
            "Enter a valid date.",
        ),
        (
            _depart(shelter, stay),
            {"depart-departed_on": (today() - datetime.timedelta(days=1)).isoformat()},
            "The departure cannot be before the admission",
        ),
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        page = response.content.decode()
        assert "Nothing has been saved yet." in page, data
        assert message in page, data
    assert Shelter.objects.count() == 2
    assert list(ShelterStay.objects.values_list("person", "departed_on")) == [(person_a.pk, None)]


def test_a_second_departure_of_the_same_stay_is_refused_on_the_page(
    cast: Cast, person_a: Person, login: Any
) -> None:
    shelter = shelter_a(cast)
    stay = _admit(cast, shelter, person_a)
    services.shelter_depart(actor=cast.caseworker_a, stay=stay, departed_on=today())
    response = login(cast.caseworker_a).post(
        _depart(shelter, stay), {"depart-departed_on": today().isoformat()}
    )
    assert response.status_code == 400
    assert "This departure is already recorded." in response.content.decode()
    assert AuditEvent.objects.filter(action="shelter.departed").count() == 1


def test_the_shelter_list_does_not_grow_in_queries_with_shelters(cast: Cast, login: Any) -> None:
    client = login(cast.caseworker_a)
    client.get(SHELTERS)
    shelter_a(cast)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SHELTERS).status_code == 200
        return len(queries)

    one = count()
    for n in range(4):
        shelter_a(cast, name=f"House {n}")
    assert count() == one


def test_outsider_gets_404_like_a_missing_shelter_and_nothing_is_written(
    cast: Cast, person_a: Person, login: Any
) -> None:
    mine, foreign = shelter_a(cast), shelter_b(cast)
    stay = _admit(cast, mine, person_a)
    day = today().isoformat()
    person_of_b = people_services.person_create(
        actor=cast.caseworker_b, data={"given_name": "Anna", "family_name": "Bondar"}
    )
    client = login(cast.caseworker_b)
    missing = client.get(f"{SHELTERS}{uuid.uuid4()}/")
    hidden = client.get(_page(mine))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert (
        client.post(
            _page(mine, "admissions"), {"admit-person": person_of_b.code, "admit-admitted_on": day}
        ).status_code
        == 404
    )
    assert client.post(_depart(mine, stay), {"depart-departed_on": day}).status_code == 404
    listing = client.get(SHELTERS).content.decode()
    assert "Safe House Warsaw" not in listing
    assert "Shelter of B" in listing
    # Supervisor A manages shelters, but not organisation B's.
    supervisor = login(cast.supervisor_a)
    assert supervisor.get(_page(foreign)).status_code == 404
    newcomer = _person(cast, "Iryna")
    assert (
        supervisor.post(
            _page(foreign, "admissions"), {"admit-person": newcomer.code, "admit-admitted_on": day}
        ).status_code
        == 404
    )
    # A stay is reached only through its own shelter.
    assert supervisor.post(_depart(foreign, stay), {"depart-departed_on": day}).status_code == 404
    assert list(ShelterStay.objects.values_list("person", "departed_on")) == [(person_a.pk, None)]
    assert not AuditEvent.objects.filter(
        action="shelter.viewed", object_id=str(mine.public_id), actor_username="caseworker.b"
    ).exists()
    assert not AuditEvent.objects.filter(
        action="shelter.viewed", object_id=str(foreign.public_id)
    ).exists()


def test_roles_without_shelters_get_404_and_nothing_is_written(
    cast: Cast, person_a: Person, login: Any
) -> None:
    shelter = shelter_a(cast)
    stay = _admit(cast, shelter, person_a)
    for user in (cast.hotline, cast.partner, cast.trainer, cast.admin, cast.analyst):
        client = login(user)
        assert client.get(SHELTERS).status_code == 404
        assert client.get(_page(shelter)).status_code == 404
        assert (
            client.post(
                SHELTERS, {"name": "Mine", "voivodeship": "14", "capacity": "3"}
            ).status_code
            == 404
        )
        assert client.post(_page(shelter, "admissions"), {}).status_code == 404
        assert client.post(_depart(shelter, stay), {}).status_code == 404
    # A caseworker admits but does not create shelters.
    client = login(cast.caseworker_a)
    assert (
        client.post(SHELTERS, {"name": "Mine", "voivodeship": "14", "capacity": "3"}).status_code
        == 404
    )
    assert "New shelter" not in client.get(SHELTERS).content.decode()
    assert Shelter.objects.count() == 1
    assert list(ShelterStay.objects.values_list("departed_on", flat=True)) == [None]


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(
    client: Client, cast: Cast, person_a: Person
) -> None:
    shelter = shelter_a(cast)
    stay = _admit(cast, shelter, person_a)
    for response in (
        client.get(SHELTERS),
        client.get(_page(shelter)),
        client.post(SHELTERS, {"name": "Mine", "voivodeship": "14", "capacity": "3"}),
        client.post(_page(shelter, "admissions"), {"admit-person": person_a.code}),
        client.post(_depart(shelter, stay), {"depart-departed_on": today().isoformat()}),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert Shelter.objects.count() == 1
    assert list(ShelterStay.objects.values_list("departed_on", flat=True)) == [None]
