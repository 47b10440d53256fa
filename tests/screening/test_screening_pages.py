"""The screenings list and result pages: who sees what. A screening out of reach answers
404 like a missing one and leaves no "viewed" event."""

import datetime
import uuid
from typing import Any

from django.test import Client

from safepath.audit.models import AuditEvent
from safepath.people.models import Person
from safepath.screening.models import Screening
from safepath.screening.services import ConsentGiven, Location, screening_create
from tests.conftest import Cast

INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]


def _screening(cast: Cast, person: Person | None = None) -> Screening:
    return screening_create(
        actor=cast.caseworker_a,
        person=person,
        catalogue="AL",
        indicators=INDICATED,
        act=False,
        factors=["travelling_alone"],
        needs=["safety"],
        consent=ConsentGiven("oral_witnessed", datetime.date(2026, 11, 30)) if person else None,
        location=Location(site_type="border_crossing", voivodeship="06"),
    )


def _url(screening: Screening) -> str:
    return f"/en/app/screenings/{screening.public_id}/"


def test_the_result_page_explains_and_is_audited(cast: Cast, person_a: Person, login: Any) -> None:
    screening = _screening(cast, person_a)
    page = login(cast.caseworker_a2).get(_url(screening)).content.decode()
    assert "Possible victim of trafficking" in page
    assert "Urgent" in page
    assert "Immediate action" not in page
    assert "A case is required: trafficking is indicated" in page
    assert person_a.code in page
    assert AuditEvent.objects.filter(
        action="screening.viewed",
        object_id=str(screening.public_id),
        actor_id=cast.caseworker_a2.pk,
    ).exists()


def test_outsider_gets_404_on_the_result_page_and_no_viewed_event(
    cast: Cast, person_a: Person, login: Any
) -> None:
    screening = _screening(cast, person_a)
    for user in (cast.caseworker_b, cast.caseworker_a_other_team):
        client = login(user)
        response = client.get(_url(screening))
        missing = client.get(f"/en/app/screenings/{uuid.uuid4()}/")
        assert response.status_code == missing.status_code == 404
        assert response.content == missing.content
    assert not AuditEvent.objects.filter(action="screening.viewed").exists()


def test_roles_without_screening_view_get_404_on_list_and_result(cast: Cast, login: Any) -> None:
    screening = _screening(cast)
    for user in (cast.partner, cast.trainer, cast.admin):
        client = login(user)
        assert client.get("/en/app/screenings/").status_code == 404
        assert client.get(_url(screening)).status_code == 404
    assert not AuditEvent.objects.filter(
        action__in=["screening.viewed", "screening.listed"]
    ).exists()


def test_outsider_list_shows_none_of_organisation_a(cast: Cast, login: Any) -> None:
    screening = _screening(cast)
    page = login(cast.caseworker_b).get("/en/app/screenings/").content.decode()
    assert str(screening.public_id) not in page
    assert "No screenings yet." in page
    page = login(cast.caseworker_a).get("/en/app/screenings/").content.decode()
    assert str(screening.public_id) in page


def test_analyst_reads_the_result_without_identity(
    cast: Cast, person_a: Person, login: Any
) -> None:
    screening = _screening(cast, person_a)
    page = login(cast.analyst).get(_url(screening)).content.decode()
    assert "Possible victim of trafficking" in page
    for word in ("Oksana", "Melnyk", "601234567"):
        assert word not in page


def test_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_logged(
    client: Client, cast: Cast
) -> None:
    screening = _screening(cast)
    response = client.get(_url(screening))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action="screening.viewed").exists()
