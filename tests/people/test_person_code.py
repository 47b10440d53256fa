"""Person codes: the readable format, and a taken code never fails a registration."""

import re
from typing import Any

import pytest
from django.db import IntegrityError

from safepath.people import models, services
from safepath.people.models import Person
from tests.conftest import Cast

CODE = re.compile(r"^SP-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{2}$")


def test_codes_have_the_readable_format(cast: Cast) -> None:
    person = services.person_create(actor=cast.caseworker_a, data={"sex": "female"})
    assert CODE.match(person.code)


def test_a_taken_code_is_drawn_again(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    first = services.person_create(actor=cast.caseworker_a, data={"sex": "female"})
    # Every new Person first gets the taken code, then the service draws a fresh one.
    # (Field.get_default reads the cached `_get_default`, not `default`.)
    monkeypatch.setattr(models.Person._meta.get_field("code"), "_get_default", lambda: first.code)
    second = services.person_create(actor=cast.caseworker_a, data={"sex": "male"})
    assert second.code != first.code
    assert CODE.match(second.code)
    assert Person.objects.count() == 2


def test_gives_up_after_repeated_collisions(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    first = services.person_create(actor=cast.caseworker_a, data={"sex": "female"})

    def always_taken(*args: Any) -> str:
        return first.code

    monkeypatch.setattr(models.Person._meta.get_field("code"), "_get_default", always_taken)
    monkeypatch.setattr(services, "new_person_code", always_taken)
    with pytest.raises(IntegrityError):
        services.person_create(actor=cast.caseworker_a, data={"sex": "male"})
    assert Person.objects.count() == 1
