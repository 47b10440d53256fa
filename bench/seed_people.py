"""Synthetic people for the benchmarks, built in memory and stored in bulk by the caller.

A person is built as the demo builds one (`safepath.people.demo.person_data`: its
distributions of sex, age, nationality, Washington Group answers), with its identity
fields set through `safepath.people.services._apply`, so the encrypted fields and blind
indexes hold what the ORM stores; the caller inserts the people with COPY
(`safepath.core.bulk.insert_many`). Used by bench/cases.py and bench/insights.py.

Import it after `django.setup()`: it reads safepath's models when called.
"""

import datetime
import random
from typing import TYPE_CHECKING

from faker import Faker

if TYPE_CHECKING:
    from safepath.accounts.models import Organisation, Team, User
    from safepath.people.models import Person


def fakers_for(seed: int) -> dict[str, Faker]:
    """The Ukrainian and Polish name generators `person_data` draws from, seeded."""
    fakers = {"uk": Faker("uk_UA"), "pl": Faker("pl_PL")}
    fakers["uk"].seed_instance(seed)
    fakers["pl"].seed_instance(seed + 1)
    return fakers


def new_person(
    rng: random.Random,
    fakers: dict[str, Faker],
    today: datetime.date,
    *,
    organisation: "Organisation",
    team: "Team | None",
    created_by: "User",
    codes: set[str],
    overrides: dict[str, object] | None = None,
) -> "Person":
    """One unsaved person with a person code not in `codes` (added to it), the demo's
    synthetic data, and `overrides` (for example another voivodeship) on top."""
    from safepath.people import services
    from safepath.people.demo import person_data
    from safepath.people.models import Person, new_person_code

    code = new_person_code()
    while code in codes:  # 30**6 codes: a few collisions are expected in 250,000
        code = new_person_code()
    codes.add(code)
    person = Person(organisation=organisation, team=team, created_by=created_by, code=code)
    data = person_data(rng, fakers, today)
    if overrides:
        data.update(overrides)
    services._apply(person, data)
    return person
