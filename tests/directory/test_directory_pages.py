"""The directory's staff pages: who may read (directory.view), who may change what
(directory.manage any service, directory.maintain their organisation's), everyone
else 404 with nothing written, anonymous to sign-in; the form in four languages, its
bad inputs, the list's filters and the service page's flag and history."""

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safepath.audit.models import AuditEvent
from safepath.directory import services
from safepath.directory.models import DirectoryOrganization, MetadataChange, Service
from tests.conftest import Cast
from tests.directory.test_directory_services import counts, full_data, provider

BASE = "/en/app/directory/"


def _service(cast: Cast, org: DirectoryOrganization | None = None, **changes: Any) -> Service:
    return services.service_create(
        actor=cast.supervisor_a, organization=org or provider(), data=full_data(**changes)
    )


def _urls(service: Service, org: DirectoryOrganization) -> list[tuple[str, str]]:
    return [
        ("get", BASE),
        ("get", f"{BASE}services/{service.public_id}/"),
        ("get", f"{BASE}services/new/"),
        ("post", f"{BASE}services/new/"),
        ("get", f"{BASE}services/{service.public_id}/edit/"),
        ("post", f"{BASE}services/{service.public_id}/edit/"),
        ("post", f"{BASE}services/{service.public_id}/verify/"),
        ("get", f"{BASE}providers/"),
        ("post", f"{BASE}providers/"),
        ("get", f"{BASE}providers/{org.public_id}/edit/"),
        ("post", f"{BASE}providers/{org.public_id}/edit/"),
    ]


def form_post(**changes: Any) -> dict[str, Any]:
    """A complete, valid edit form."""
    data: dict[str, Any] = {
        "name_en": "Legal clinic",
        "name_pl": "Poradnia prawna",
        "name_uk": "Юридична клініка",
        "name_ru": "Юридическая клиника",
        "description_en": "Free advice.",
        "status": "active",
        "service_types": ["legal_aid"],
        "groups": ["women"],
        "minimum_age": "18",
        "maximum_age": "",
        "street": "ul. Przykładowa 5",
        "city": "Lublin",
        "postal_code": "20-950",
        "voivodeship": "06",
        "area": "06",
        "phone": "+48 81 000 00 05",
        "languages": ["pl", "uk"],
        "opens_MO": "09:00",
        "closes_MO": "17:00",
        "capacity_available": "",
        "capacity_maximum": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(client: Client, cast: Cast) -> None:
    org = provider()
    service = _service(cast, org)
    before = counts()
    for method, url in _urls(service, org):
        response = getattr(client, method)(url, form_post() if method == "post" else None)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url
    assert counts() == before


@pytest.mark.parametrize("who", ["trainer"])
def test_roles_without_the_directory_get_404_everywhere_and_nothing_is_written(
    login: Any, cast: Cast, who: str
) -> None:
    org = provider()
    service = _service(cast, org)
    client = login(getattr(cast, who))
    before = counts()
    for method, url in _urls(service, org):
        response = getattr(client, method)(url, form_post() if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert counts() == before


@pytest.mark.parametrize("who", ["caseworker_a", "caseworker_b", "analyst", "hotline"])
def test_readers_read_but_get_404_on_every_change_and_nothing_is_written(
    login: Any, cast: Cast, who: str
) -> None:
    org = provider()
    service = _service(cast, org)
    client = login(getattr(cast, who))
    before = counts()
    for method, url in _urls(service, org):
        response = getattr(client, method)(url, form_post() if method == "post" else None)
        reading = method == "get" and url in (
            BASE,
            f"{BASE}services/{service.public_id}/",
            f"{BASE}providers/",
        )
        assert response.status_code == (200 if reading else 404), (method, url)
    assert counts() == before


def test_partner_editing_another_organisations_service_gets_404_and_nothing_is_written(
    login: Any, cast: Cast
) -> None:
    own = _service(cast, provider("Shelter", organisation=cast.partner_org))
    other = _service(cast, provider("Other", organisation=cast.org_b))
    client = login(cast.partner)
    before = counts()
    for url in (
        f"{BASE}services/{other.public_id}/edit/",
        f"{BASE}services/{other.public_id}/verify/",
    ):
        assert client.post(url, form_post()).status_code == 404
    assert client.get(f"{BASE}services/{other.public_id}/edit/").status_code == 404
    assert client.get(f"{BASE}services/{uuid.uuid4()}/edit/").status_code == 404
    # Providers are managed by administrators and supervisors only.
    assert client.get(f"{BASE}providers/{own.organization.public_id}/edit/").status_code == 404
    assert client.post(f"{BASE}providers/", {"name_pl": "X"}).status_code == 404
    # A new service only under their own provider.
    response = client.post(
        f"{BASE}services/new/", form_post(provider=str(other.organization.public_id))
    )
    assert response.status_code == 200
    assert "provider" in response.context["form"].errors
    assert counts() == before
    # Their own service: the edit page works.
    assert client.get(f"{BASE}services/{own.public_id}/edit/").status_code == 200
    response = client.post(f"{BASE}services/{own.public_id}/edit/", form_post())
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name["pl"] == "Poradnia prawna"


def test_supervisor_adds_and_edits_a_service_in_four_languages(login: Any, cast: Cast) -> None:
    org = provider()
    client = login(cast.supervisor_a)
    page = client.get(f"{BASE}services/new/?provider={org.public_id}")
    assert page.status_code == 200
    for name in ("name_en", "name_pl", "name_uk", "name_ru", "opens_SU", "closes_SU", "verified"):
        assert f'name="{name}"' in page.content.decode()
    response = client.post(
        f"{BASE}services/new/",
        form_post(provider=str(org.public_id), verified="on", responsible="partner.shelter"),
    )
    service = Service.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}services/{service.public_id}/"
    assert service.name == {
        "en": "Legal clinic",
        "pl": "Poradnia prawna",
        "uk": "Юридична клініка",
        "ru": "Юридическая клиника",
    }
    assert service.assured_date == timezone.localdate()
    assert service.responsible == cast.partner
    assert service.minimum_age == 18
    assert service.maximum_age is None
    response = client.post(
        f"{BASE}services/{service.public_id}/edit/",
        form_post(name_ru="", city="Chełm", postal_code="22-100", responsible="partner.shelter"),
    )
    assert response.status_code == 302
    rows = sorted(
        MetadataChange.objects.filter(last_action_type="update").values_list(
            "field_name", "previous_value", "replacement_value", "updated_by"
        )
    )
    assert rows == [
        ("city", "Lublin", "Chełm", "supervisor.a"),
        ("name.ru", "Юридическая клиника", "", "supervisor.a"),
        ("postal_code", "20-950", "22-100", "supervisor.a"),
    ]
    event = AuditEvent.objects.get(action="directory.service_changed")
    assert event.detail["fields"] == ["address.city", "address.postal_code", "name.ru"]
    # The page in Russian falls back visibly, and shows the history.
    page = client.get(f"/ru/app/directory/services/{service.public_id}/").content.decode()
    assert '<span lang="pl">Poradnia prawna</span>' in page
    assert "Юридическая клиника" in page  # the old value in the change history
    assert "Chełm" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"minimum_age": "30", "maximum_age": "20"}, "maximum_age"),
        ({"voivodeship": "99"}, "voivodeship"),
        ({"opens_MO": "17:00", "closes_MO": "09:00"}, "closes_MO"),
        ({"opens_TU": "09:00"}, "closes_TU"),
        ({"capacity_available": "-1", "capacity_maximum": "10"}, "capacity_available"),
        ({"capacity_maximum": "-5", "capacity_available": "0"}, "capacity_maximum"),
        ({"name_en": "", "name_pl": "", "name_uk": "", "name_ru": ""}, "name_en"),
        ({"service_types": ["nonsense"]}, "service_types"),
        ({"languages": ["xx"]}, "languages"),
        ({"email": "not-an-address"}, "email"),
        ({"minimum_age": "abc"}, "minimum_age"),
        ({"responsible": "caseworker.a"}, "responsible"),
    ],
)
def test_bad_input_on_the_page_names_the_field_and_nothing_is_written(
    login: Any, cast: Cast, changes: dict[str, Any], field: str
) -> None:
    service = _service(cast)
    client = login(cast.supervisor_a)
    before = counts()
    response = client.post(f"{BASE}services/{service.public_id}/edit/", form_post(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Nothing has been saved yet" in response.content.decode()
    assert counts() == before


def test_verify_page_marks_today(login: Any, cast: Cast) -> None:
    service = _service(cast)
    Service.objects.filter(pk=service.pk).update(assured_date=datetime.date(2024, 1, 1))
    client = login(cast.supervisor_a)
    page = client.get(f"{BASE}services/{service.public_id}/").content.decode()
    assert "Not verified for 6 months" in page
    assert client.get(f"{BASE}services/{service.public_id}/verify/").status_code == 405
    response = client.post(f"{BASE}services/{service.public_id}/verify/")
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate()
    page = client.get(f"{BASE}services/{service.public_id}/").content.decode()
    assert "Not verified for 6 months" not in page


def test_list_filters_by_voivodeship_type_and_text(login: Any, cast: Cast) -> None:
    lublin = _service(
        cast,
        name={"pl": "Poradnia w Lublinie"},
        city="Lublin",
        postal_code="20-950",
        voivodeship="06",
        area="06",
        service_types=["legal_aid"],
    )
    rzeszow = _service(cast, name={"pl": "Schronisko Rzeszów"}, service_types=["shelter"])
    national = _service(
        cast,
        name={"en": "National line"},
        street="",
        city="",
        postal_code="",
        voivodeship="",
        area="",
        service_types=["hotline"],
    )
    client = login(cast.caseworker_a)

    def names(query: str) -> list[str]:
        page = client.get(f"{BASE}?{query}").context["page"]
        return sorted(s.public_id.hex for s in page)

    assert names("") == sorted(s.public_id.hex for s in (lublin, rzeszow, national))
    assert names("voivodeship=06") == [lublin.public_id.hex]
    assert names("service_type=shelter") == [rzeszow.public_id.hex]
    assert names("text=national") == [national.public_id.hex]
    assert names("text=lublin") == [lublin.public_id.hex]
    assert client.get(f"{BASE}?voivodeship=99").status_code == 200  # ignored, not an error


def test_the_list_reads_a_fixed_number_of_queries(login: Any, cast: Cast) -> None:
    for _ in range(2):
        _service(cast)
    client = login(cast.caseworker_a)
    client.get(BASE)  # the first request of a session reads a few things once
    with CaptureQueriesContext(connection) as few:
        assert client.get(BASE).status_code == 200
    for _ in range(5):
        _service(cast)
    with CaptureQueriesContext(connection) as many:
        assert client.get(BASE).status_code == 200
    assert len(many) == len(few) == 12


def test_providers_are_added_and_edited_by_a_supervisor(login: Any, cast: Cast) -> None:
    client = login(cast.supervisor_a)
    response = client.post(
        f"{BASE}providers/", {"name_pl": "Fundacja Nowa", "organisation": "SHELTER"}
    )
    org = DirectoryOrganization.objects.get()
    assert response.status_code == 302
    assert org.organisation == cast.partner_org
    response = client.post(f"{BASE}providers/", {"name_pl": "Fundacja", "organisation": "NOPE"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"organisation"}
    response = client.post(f"{BASE}providers/", {"name_pl": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name_en"}
    assert DirectoryOrganization.objects.count() == 1
    response = client.post(
        f"{BASE}providers/{org.public_id}/edit/",
        {"name_pl": "Fundacja Nowa", "name_en": "New Foundation"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == {"pl": "Fundacja Nowa", "en": "New Foundation"}
    assert org.organisation is None


def test_a_partners_save_keeps_the_responsible_person_an_administrator_chose(
    login: Any, cast: Cast
) -> None:
    own = _service(cast, provider("Shelter", organisation=cast.partner_org))
    Service.objects.filter(pk=own.pk).update(responsible=cast.supervisor_a)
    client = login(cast.partner)
    response = client.post(
        f"{BASE}services/{own.public_id}/edit/",
        form_post(responsible=cast.supervisor_a.username),
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.responsible == cast.supervisor_a
