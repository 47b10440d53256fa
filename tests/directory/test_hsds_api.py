"""The public HSDS API: no login, GET only, the public part only, valid HSDS."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepath.directory.models import Address, MetadataChange, Service
from safepath.directory.taxonomies import SERVICE_TYPES, term
from tests.conftest import Cast
from tests.directory.hsds_setup import Directory, build, schema_errors

pytestmark = pytest.mark.django_db

ROUTES = [
    "/hsds/",
    "/hsds/openapi.json",
    "/hsds/services",
    "/hsds/organizations",
    "/hsds/service_at_locations",
    "/hsds/taxonomies",
    "/hsds/taxonomy_terms",
]


@pytest.fixture
def directory(cast: Cast) -> Directory:
    return build(responsible=cast.caseworker_a)


def get(client: Client, url: str, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_root_names_the_version_profile_and_openapi(client: Client) -> None:
    body = get(client, "/hsds/")
    assert body == {
        "version": "3.0",
        "profile": "https://docs.openreferral.org/en/3.0/hsds/",
        "openapi_url": "http://testserver/hsds/openapi.json",
    }
    assert get(client, "/hsds/openapi.json")["info"]["title"]


@pytest.mark.parametrize("locale", ["en", "pl", "uk", "ru"])
def test_every_public_service_validates_against_the_hsds_schema(
    client: Client, directory: Directory, locale: str
) -> None:
    ids = [str(s.public_id) for s in (directory.shelter, directory.hotline, directory.closed)]
    for service_id in ids:
        body = get(client, f"/hsds/services/{service_id}", locale=locale)
        assert schema_errors(body) == [], service_id
        assert body["id"] == service_id
    listed = get(client, "/hsds/services", full="true", locale=locale)
    assert [s["id"] for s in listed["contents"]] == ids
    for service in listed["contents"]:
        assert schema_errors(service) == []


def test_a_service_is_fully_nested(client: Client, directory: Directory) -> None:
    body = get(client, f"/hsds/services/{directory.shelter.public_id}")
    assert body["name"] == "Shelter for women"
    assert body["organization"]["name"] == "Safe Harbour Foundation"
    assert body["minimum_age"] == 18
    assert [p["number"] for p in body["phones"]] == ["+48 22 111 11 11", "+48 600 000 000"]
    assert body["phones"][0]["extension"] == 12
    assert body["phones"][1]["languages"][0]["code"] == "uk"
    assert body["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert body["schedules"][0]["opens_at"] == "08:00:00"
    assert "timezone" not in body["schedules"][0]  # an IANA name is not an HSDS offset
    assert body["service_areas"][0]["voivodeship"] == "14"
    assert [lang["code"] for lang in body["languages"]] == ["pl", "uk"]
    assert body["contacts"][0]["phones"][0]["number"] == "+48 22 222 22 22"
    codes = {
        (a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]) for a in body["attributes"]
    }
    assert codes == {(SERVICE_TYPES, "shelter"), ("safepath-groups-served", "women")}
    capacity = body["capacities"][0]
    assert (capacity["available"], capacity["maximum"], capacity["unit"]["name"]) == (3, 12, "beds")
    [link] = body["service_at_locations"]
    assert link["phones"][0]["number"] == "+48 22 444 44 44"
    assert link["schedules"][0]["byday"] == "SU"
    assert link["contacts"][0]["name"] == "Site lead"
    location = link["location"]
    assert location["latitude"] == 52.2297
    assert location["addresses"][0]["city"] == "Warszawa"
    assert location["phones"][0]["number"] == "+48 22 333 33 33"
    assert location["schedules"][0]["byday"] == "SA"
    assert location["languages"][0]["code"] == "en"
    assert location["contacts"][0]["name"] == "Reception"
    assert location["transportation"] == "Tram 4 to Plac Narutowicza"


def test_nothing_internal_or_about_staff_leaves(
    client: Client, cast: Cast, directory: Directory
) -> None:
    raw = client.get(f"/hsds/services/{directory.shelter.public_id}").content.decode()
    for secret in (
        cast.caseworker_a.username,
        cast.caseworker_a.email,
        "verifier@safepath.example",
        "responsible",
        "someone",
    ):
        if secret:
            assert secret not in raw
    body = json.loads(raw)
    assert [(m["field_name"], m["updated_by"]) for m in body["metadata"]] == [("status", "staff")]
    # Which field changed and when, never the old or new text (it may hold what was
    # removed on purpose).
    assert {(m["previous_value"], m["replacement_value"]) for m in body["metadata"]} == {("", "")}
    assert "translations" not in raw


def test_a_place_with_its_street_withheld_is_not_pinned_on_a_map(
    client: Client, directory: Directory
) -> None:
    shelter_url = f"/hsds/services/{directory.shelter.public_id}"
    located = [sal["location"] for sal in get(client, shelter_url)["service_at_locations"]]
    assert located
    assert all("latitude" in location for location in located)
    Address.objects.filter(location__service_at_locations__service=directory.shelter).update(
        address_1=""
    )
    body = get(client, shelter_url)
    for sal in body["service_at_locations"]:
        assert "latitude" not in sal["location"]
        assert "longitude" not in sal["location"]
    assert schema_errors(body) == []


def test_texts_follow_the_locale_with_the_visible_fallback(
    client: Client, directory: Directory
) -> None:
    url = f"/hsds/services/{directory.shelter.public_id}"
    assert get(client, url, locale="uk")["name"] == "Притулок для жінок"
    assert get(client, url, locale="pl")["description"] == "Bezpieczne zakwaterowanie."
    # No Ukrainian description: the Polish one, as the directory falls back.
    assert get(client, url, locale="uk")["description"] == "Bezpieczne zakwaterowanie."
    hotline = get(client, f"/hsds/services/{directory.hotline.public_id}", locale="en")
    assert hotline["name"] == "Infolinia dla cudzoziemców"
    response = client.get(url, {"locale": "uk"})
    assert response["Content-Language"] == "uk"


def test_lists_use_the_hsds_page_envelope(client: Client, directory: Directory) -> None:
    first = get(client, "/hsds/services", per_page=2)
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    second = get(client, "/hsds/services", per_page=2, page=2)
    assert (second["size"], second["first_page"], second["last_page"]) == (1, False, True)
    assert [s["id"] for s in first["contents"] + second["contents"]] == [
        str(directory.shelter.public_id),
        str(directory.hotline.public_id),
        str(directory.closed.public_id),
    ]
    beyond = get(client, "/hsds/services", per_page=2, page=3)
    assert (beyond["size"], beyond["empty"], beyond["contents"]) == (0, True, [])
    # The list form holds the one-to-one fields and the organization only.
    assert "phones" not in first["contents"][0]
    assert first["contents"][0]["organization"]["name"] == "Safe Harbour Foundation"


def test_filters_on_services(client: Client, directory: Directory) -> None:
    shelter_term = term(SERVICE_TYPES, "shelter")
    by_term = get(client, "/hsds/services", taxonomy_term_id=str(shelter_term.public_id))
    assert [s["id"] for s in by_term["contents"]] == [str(directory.shelter.public_id)]
    by_org = get(client, "/hsds/services", organization_id=str(directory.other_provider.public_id))
    assert [s["id"] for s in by_org["contents"]] == [str(directory.hotline.public_id)]
    by_name = get(client, "/hsds/services", search="schronisko")
    assert [s["id"] for s in by_name["contents"]] == [str(directory.shelter.public_id)]
    by_taxonomy = get(client, "/hsds/services", taxonomy_id=str(shelter_term.taxonomy.public_id))
    assert by_taxonomy["total_items"] == 2
    assert get(client, "/hsds/services", search="Old programme")["total_items"] == 0


def test_hidden_services_and_unknown_ids_are_404(client: Client, directory: Directory) -> None:
    for url in (
        f"/hsds/services/{directory.inactive.public_id}",
        f"/hsds/services/{directory.defunct.public_id}",
        "/hsds/services/8d3c3e3c-0000-4000-8000-000000000000",
        "/hsds/services/not-a-uuid",
        f"/hsds/organizations/{directory.hidden_provider.public_id}",
        "/hsds/organizations/8d3c3e3c-0000-4000-8000-000000000000",
        f"/hsds/service_at_locations/{directory.inactive.service_at_locations.get().public_id}",
        "/hsds/taxonomies/8d3c3e3c-0000-4000-8000-000000000000",
        "/hsds/taxonomy_terms/not-a-uuid",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"locale": "de"}, "locale"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"per_page": "101"}, "per_page"),
        ({"taxonomy_term_id": "shelter"}, "taxonomy_term_id"),
        ({"organization_id": "1"}, "organization_id"),
        ({"full": "maybe"}, "full"),
    ],
)
def test_bad_parameters_are_400_naming_them(
    client: Client, directory: Directory, params: dict[str, str], parameter: str
) -> None:
    response = client.get("/hsds/services", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == parameter


def test_only_get_is_allowed_and_nothing_is_written(
    client: Client, cast: Cast, directory: Directory
) -> None:
    services, changes = Service.objects.count(), MetadataChange.objects.count()
    urls = [*ROUTES, f"/hsds/services/{directory.shelter.public_id}"]
    for who in (None, cast.admin, cast.partner):
        if who is not None:
            client.force_login(who)
        for url in urls:
            for method in ("post", "put", "patch", "delete"):
                response = getattr(client, method)(url, data="{}", content_type="application/json")
                assert response.status_code == 405, (method, url)
    assert (Service.objects.count(), MetadataChange.objects.count()) == (services, changes)


def test_every_route_answers_anonymous_visitors(client: Client, directory: Directory) -> None:
    for url in ROUTES:
        assert client.get(url).status_code == 200, url
    raw = b"".join(client.get(url).content for url in ROUTES[2:])
    assert b"Secret place" not in raw
    assert b"Old programme" not in raw


def test_organizations(client: Client, directory: Directory) -> None:
    listed = get(client, "/hsds/organizations")
    assert [o["id"] for o in listed["contents"]] == [
        str(directory.provider.public_id),
        str(directory.other_provider.public_id),
    ]
    assert get(client, "/hsds/organizations", search="przystań")["total_items"] == 1
    body = get(client, f"/hsds/organizations/{directory.provider.public_id}", locale="pl")
    assert body["name"] == "Fundacja Bezpieczna Przystań"
    assert [s["id"] for s in body["services"]] == [
        str(directory.shelter.public_id),
        str(directory.closed.public_id),
    ]
    assert body["phones"][0]["number"] == "+48 22 000 00 01"
    assert body["contacts"][0]["phones"][0]["number"] == "+48 22 000 00 02"


def test_service_at_locations_and_taxonomies(client: Client, directory: Directory) -> None:
    links = get(client, "/hsds/service_at_locations")
    assert links["total_items"] == 1
    [link] = links["contents"]
    assert link["location"]["name"] == "Warsaw office"
    detail = get(client, f"/hsds/service_at_locations/{link['id']}")
    assert detail["service"]["id"] == str(directory.shelter.public_id)
    taxonomies = get(client, "/hsds/taxonomies", locale="pl")
    assert {t["name"] for t in taxonomies["contents"]} == {"Rodzaje usług", "Grupy odbiorców"}
    one = get(client, f"/hsds/taxonomies/{taxonomies['contents'][0]['id']}")
    assert one["id"] == taxonomies["contents"][0]["id"]
    terms = get(client, "/hsds/taxonomy_terms", per_page=100)
    assert terms["total_items"] == 23
    shelter = term(SERVICE_TYPES, "shelter")
    body = get(client, f"/hsds/taxonomy_terms/{shelter.public_id}", locale="uk")
    assert (body["code"], body["name"], body["taxonomy"]) == ("shelter", "Притулок", SERVICE_TYPES)


def test_a_full_page_costs_the_same_queries_whatever_its_length(
    client: Client, directory: Directory
) -> None:
    with CaptureQueriesContext(connection) as few:
        get(client, "/hsds/services", full="true", per_page=1)
    with CaptureQueriesContext(connection) as many:
        get(client, "/hsds/services", full="true", per_page=3)
    assert len(many.captured_queries) == len(few.captured_queries)
