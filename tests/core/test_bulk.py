"""`insert_many` and `insert_copies`: rows stored exactly as the ORM stores them (COPY on
PostgreSQL, bulk_create elsewhere)."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from pytest_django import DjangoAssertNumQueries

from safepath.audit.models import AuditEvent
from safepath.core.bulk import insert_copies, insert_many
from safepath.people.models import Consent, Person
from safepath.people.selectors import name_index_for
from tests.conftest import Cast


def _raw(table: str, column: str, pk: int) -> object:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM "  # noqa: S608
            f"{connection.ops.quote_name(table)} WHERE id = %s",
            [pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return row[0]


def test_insert_many_stores_what_save_stores(cast: Cast) -> None:
    people = [
        Person(
            organisation=cast.org_a,
            team=cast.team_a,
            created_by=cast.caseworker_a,
            given_name="Olena",
            family_name=f"Bondar{number}",
            date_of_birth=f"1990-01-0{number + 1}",
            name_index=name_index_for("Olena", f"Bondar{number}"),
            languages=["uk", "pl"],
        )
        for number in range(3)
    ]
    saved = Person(
        organisation=cast.org_a,
        team=cast.team_a,
        created_by=cast.caseworker_a,
        given_name="Olena",
        family_name="Saved",
        date_of_birth="1990-01-09",
        languages=["uk", "pl"],
    )
    saved.save()

    insert_many(Person, people)

    assert all(person.pk is not None and not person._state.adding for person in people)
    assert len({person.pk for person in people} | {saved.pk}) == 4
    for number, person in enumerate(people):
        stored = Person.objects.get(pk=person.pk)
        assert (stored.given_name, stored.family_name) == ("Olena", f"Bondar{number}")
        assert stored.date_of_birth == datetime.date(1990, 1, number + 1)
        assert stored.languages == ["uk", "pl"]
        assert stored.code == person.code
        assert stored.public_id == person.public_id
        assert stored.created_at is not None
        assert stored.updated_at is not None
        assert stored.name_index == name_index_for("Olena", f"Bondar{number}")
        # Encrypted at rest, as save() stores it.
        assert _raw("people_person", "family_name", person.pk) != f"Bondar{number}"
        assert _raw("people_person", "given_name", person.pk) != "Olena"
    # The ids are real: other rows refer to them.
    consent = Consent(
        public_id=people[0].public_id,
        person=people[0],
        purpose="data_processing",
        given=True,
        method="written",
        recorded_by=cast.caseworker_a,
        date=datetime.date(2025, 11, 30),
    )
    insert_many(Consent, [consent])
    assert Consent.objects.get().person_id == people[0].pk


def test_insert_many_reports_a_constraint_as_django_does(cast: Cast) -> None:
    first = Person(organisation=cast.org_a, created_by=cast.caseworker_a)
    insert_many(Person, [first])
    twin = Person(organisation=cast.org_a, created_by=cast.caseworker_a, code=first.code)
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_many(Person, [twin])
    assert Person.objects.count() == 1


def test_insert_many_refuses_an_unsaved_related_object(cast: Cast) -> None:
    person = Person(organisation=cast.org_a, created_by=cast.caseworker_a)
    consent = Consent(
        public_id=person.public_id,
        person=person,
        purpose="data_processing",
        given=True,
        method="written",
        recorded_by=cast.caseworker_a,
        date=datetime.date(2025, 11, 30),
    )
    with pytest.raises(ValueError, match="unsaved related object 'person'"):
        insert_many(Consent, [consent])
    assert Consent.objects.count() == 0


def test_insert_many_of_nothing_does_nothing(
    db: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        insert_many(Person, [])


def test_insert_copies_varies_one_field(cast: Cast) -> None:
    prototype = AuditEvent(
        actor_id=cast.caseworker_a.pk,
        actor_username="caseworker.a",
        organisation_code="ORGA",
        role="caseworker",
        action="screening.created",
        object_type="screening",
        detail={"via": "xlsform"},
    )

    assert insert_copies(prototype, "object_id", ["a", "b", "c"]) == 3
    assert insert_copies(prototype, "object_id", []) == 0

    events = list(AuditEvent.objects.order_by("id"))
    assert [event.object_id for event in events] == ["a", "b", "c"]
    for event in events:
        assert (event.actor_id, event.actor_username, event.organisation_code, event.role) == (
            cast.caseworker_a.pk,
            "caseworker.a",
            "ORGA",
            "caseworker",
        )
        assert (event.action, event.object_type, event.detail) == (
            "screening.created",
            "screening",
            {"via": "xlsform"},
        )
        assert (event.outcome, event.purpose, event.request_id) == ("success", "", "")
        assert event.at is not None
    assert prototype.pk is None
