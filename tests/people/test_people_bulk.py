"""`person_create_many` and `consent_record_many`: what the single services do, for many."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone

from safepath.audit.models import AuditEvent
from safepath.people import models, services
from safepath.people.models import Consent, Person
from safepath.people.selectors import name_index_for, phone_index_for
from tests.conftest import Cast

DATA: list[dict[str, Any]] = [
    {
        "given_name": "Olena",
        "family_name": "Shevchuk",
        "phone": "+380671234567",
        "date_of_birth": datetime.date(2010, 5, 1),
        "sex": "female",
    },
    {"given_name": "Taras", "family_name": "", "phone": "", "date_of_birth": None},
]


def _fields(person: Person) -> dict[str, Any]:
    return {
        name: getattr(person, name)
        for name in (*services.EDITABLE_FIELDS, "name_index", "phone_index", "team_id")
    }


def test_people_are_created_as_person_create_creates_them(cast: Cast) -> None:
    people = services.person_create_many(actor=cast.caseworker_a, data=DATA, via="xlsform")
    singles = [
        services.person_create(actor=cast.caseworker_a, data=data, via="xlsform") for data in DATA
    ]

    assert Person.objects.count() == 4
    for person, single in zip(people, singles, strict=True):
        assert _fields(Person.objects.get(pk=person.pk)) == _fields(single)
    olena = Person.objects.get(pk=people[0].pk)
    assert olena.age_band == "12-17"
    assert olena.name_index == name_index_for("Olena", "Shevchuk")
    assert olena.phone_index == phone_index_for("+380671234567")
    assert olena.created_by == cast.caseworker_a
    events = AuditEvent.objects.filter(action="person.created").order_by("id")
    assert [(e.object_id, e.detail) for e in events] == [
        (str(p.public_id), {"via": "xlsform"}) for p in (*people, *singles)
    ]


def test_taken_codes_are_drawn_again(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    first = services.person_create(actor=cast.caseworker_a, data={"sex": "female"})
    codes = iter(["SP-2222-22", "SP-3333-33"])
    # Every new Person first gets the taken code; then fresh ones are drawn.
    monkeypatch.setattr(models.Person._meta.get_field("code"), "_get_default", lambda: first.code)
    monkeypatch.setattr(services, "new_person_code", lambda: next(codes))

    people = services.person_create_many(
        actor=cast.caseworker_a, data=[{"sex": "male"}, {"sex": "other"}], via="xlsform"
    )

    assert sorted(person.code for person in people) == ["SP-2222-22", "SP-3333-33"]
    assert Person.objects.count() == 3


def test_gives_up_after_repeated_collisions(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    first = services.person_create(actor=cast.caseworker_a, data={"sex": "female"})
    monkeypatch.setattr(models.Person._meta.get_field("code"), "_get_default", lambda: first.code)
    monkeypatch.setattr(services, "new_person_code", lambda: first.code)
    with pytest.raises(IntegrityError, match="could not draw free person codes"):
        services.person_create_many(actor=cast.caseworker_a, data=[{"sex": "male"}], via="x")
    assert Person.objects.count() == 1


def test_consents_are_recorded_as_consent_record_records_them(cast: Cast) -> None:
    people = services.person_create_many(actor=cast.caseworker_a, data=DATA, via="xlsform")
    decisions = [
        services.ConsentDecision(
            person=people[0], method="guardian", date=datetime.date(2025, 11, 3)
        ),
        services.ConsentDecision(
            person=people[1], method="written", date=datetime.date(2025, 11, 4)
        ),
    ]

    consents = services.consent_record_many(
        actor=cast.caseworker_a, purpose="data_processing", given=True, decisions=decisions
    )

    stored = list(Consent.objects.order_by("id"))
    assert [c.pk for c in consents] == [c.pk for c in stored]
    assert [(c.person_id, c.method, c.date, c.given, c.purpose) for c in stored] == [
        (people[0].pk, "guardian", datetime.date(2025, 11, 3), True, "data_processing"),
        (people[1].pk, "written", datetime.date(2025, 11, 4), True, "data_processing"),
    ]
    assert {c.recorded_by for c in stored} == {cast.caseworker_a}
    assert len({c.public_id for c in stored}) == 2
    events = AuditEvent.objects.filter(action="consent.given").order_by("id")
    assert [(e.object_id, e.purpose, e.detail) for e in events] == [
        (str(p.public_id), "data_processing", {"target": ""}) for p in people
    ]


def test_who_may_not_create_people_creates_none(cast: Cast) -> None:
    for actor in (cast.analyst, cast.partner, cast.admin):
        with pytest.raises(PermissionDenied):
            services.person_create_many(actor=actor, data=DATA, via="xlsform")
    assert Person.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_consent_for_a_person_out_of_scope_is_refused(cast: Cast) -> None:
    people = services.person_create_many(actor=cast.caseworker_a, data=DATA, via="xlsform")
    decision = services.ConsentDecision(
        person=people[0], method="written", date=timezone.localdate()
    )
    with pytest.raises(PermissionDenied):
        services.consent_record_many(
            actor=cast.caseworker_b, purpose="data_processing", given=True, decisions=[decision]
        )
    assert Consent.objects.count() == 0
