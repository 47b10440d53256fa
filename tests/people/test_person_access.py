"""Need-to-know access to people: the outsider gets 404 and nothing is logged as read."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from safepath.accounts.models import User
from safepath.accounts.services import token_issue
from safepath.audit.models import AuditEvent
from safepath.people.models import Person
from tests.conftest import Cast

type LoginAs = Callable[[User], Client]


def test_owner_team_sees_person_page_and_read_is_audited(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    response = login(cast.caseworker_a2).get(person_a.get_absolute_url())
    assert response.status_code == 200
    assert "Oksana" in response.content.decode()
    viewed = AuditEvent.objects.filter(action="person.viewed", object_id=str(person_a.public_id))
    assert viewed.count() == 1
    event = viewed.get()
    assert event.actor_username == "caseworker2.a"
    assert event.organisation_code == "ORGA"
    assert event.role == "caseworker"
    assert "Oksana" not in str(event.detail)


def test_outsider_gets_404_on_page_and_no_viewed_event(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    response = login(cast.caseworker_b).get(person_a.get_absolute_url())
    assert response.status_code == 404
    assert "Oksana" not in response.content.decode()
    assert AuditEvent.objects.filter(action="person.viewed").count() == 0


def test_hidden_and_missing_person_answer_identically(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    client = login(cast.caseworker_b)
    hidden = client.get(person_a.get_absolute_url())
    missing_id = "00000000-0000-4000-8000-000000000000"
    missing = client.get(reverse("people:detail", kwargs={"person_id": missing_id}))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_outsider_gets_404_in_api_and_no_viewed_event(
    client: Client, cast: Cast, person_a: Person
) -> None:
    raw, _token = token_issue(user=cast.caseworker_b)
    response = client.get(
        f"/api/v1/people/{person_a.public_id}", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert AuditEvent.objects.filter(action="person.viewed").count() == 0


def test_analyst_sees_record_without_identity(login: LoginAs, cast: Cast, person_a: Person) -> None:
    response = login(cast.analyst).get(person_a.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert person_a.code in body
    assert "Oksana" not in body
    assert "+48601234567" not in body


@pytest.mark.parametrize("role", ["partner", "trainer", "caseworker_a_other_team"])
def test_roles_without_reach_get_404(
    login: LoginAs, cast: Cast, person_a: Person, role: str
) -> None:
    response = login(getattr(cast, role)).get(person_a.get_absolute_url())
    assert response.status_code == 404


def test_outsider_cannot_edit_and_nothing_changes(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    url = reverse("people:edit", kwargs={"person_id": person_a.public_id})
    response = login(cast.caseworker_b).post(url, {"given_name": "Hacked", "sex": "male"})
    assert response.status_code == 404
    person = Person.objects.get(pk=person_a.pk)
    assert person.given_name == "Oksana"
    assert person.version == 1
    assert AuditEvent.objects.filter(action="person.changed").count() == 0
