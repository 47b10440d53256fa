"""Synthetic screenings for the demo: some of the demo people screened with their
consent, and anonymous screenings at the border, in shelters and on the info line."""

import random
from collections.abc import Sequence

from django.utils import timezone

from safepath.accounts.models import User
from safepath.people.models import AgeBand, ConsentMethod, Person
from safepath.screening import vulnerability
from safepath.screening.catalogues import registry
from safepath.screening.indicators.catalogue import Catalogue
from safepath.screening.models import Screening, SiteType
from safepath.screening.services import ConsentGiven, Location, screening_create

CHILD_BANDS = (AgeBand.A0_4, AgeBand.A5_11, AgeBand.A12_17)
SITES = [site for site, _label in SiteType.choices]
LANGUAGES = ("uk", "uk", "uk", "ru", "pl", "en")


def _codes(rng: random.Random, catalogue: Catalogue, dimension: str, count: int) -> list[str]:
    codes = [c for c, i in catalogue.indicators.items() if i.dimension == dimension]
    return rng.sample(codes, min(count, len(codes)))


def _indicators(rng: random.Random, catalogue: Catalogue) -> list[str]:
    """About one in eight meets the rule; the rest have a few scattered indicators."""
    if rng.random() < 0.125:
        chosen = []
        for dimension in ("DR", "EX", "CD"):
            chosen += _codes(rng, catalogue, dimension, 3)
        return chosen
    every = list(catalogue.indicators)
    return rng.sample(every, rng.randint(0, 3))


def _screen(
    rng: random.Random, actor: User, person: Person | None, *, child: bool, voivodeship: str
) -> Screening:
    catalogue = registry().get("CL" if child else "AL")
    factors = rng.sample([f.code for f in vulnerability.FACTORS], rng.randint(0, 4))
    if child:
        factors.append("child")
    needs = rng.sample(list(vulnerability.NEED_CODES), rng.randint(0, 2))
    return screening_create(
        actor=actor,
        person=person,
        catalogue=catalogue.code,
        indicators=_indicators(rng, catalogue),
        act=child and rng.random() < 0.5,
        factors=factors,
        needs=needs,
        consent=(
            ConsentGiven(ConsentMethod.ORAL_WITNESSED, timezone.localdate())
            if person is not None
            else None
        ),
        location=Location(site_type=rng.choice(SITES), voivodeship=voivodeship),
        interview_language=rng.choice(LANGUAGES),
        via="demo",
    )


def create_screenings(
    *, people: Sequence[Person], anonymous_by: Sequence[User], seed: int = 2022
) -> list[Screening]:
    """Screen about 40% of `people` (by whoever registered them, with their consent),
    plus one anonymous screening for every five people (none without people, so that
    `demo --people 0`, which the benchmarks use, adds nothing)."""
    rng = random.Random(seed)
    created: list[Screening] = []
    for person in people:
        if rng.random() < 0.4 and person.created_by is not None:
            created.append(
                _screen(
                    rng,
                    person.created_by,
                    person,
                    child=person.age_band in CHILD_BANDS,
                    voivodeship=person.voivodeship,
                )
            )
    for number in range(len(people) // 5):
        actor = anonymous_by[number % len(anonymous_by)]
        voivodeship = actor.team.voivodeship if actor.team is not None else ""
        created.append(_screen(rng, actor, None, child=rng.random() < 0.2, voivodeship=voivodeship))
    return created
