"""Synthetic people for the demo, with the distributions the field reports.

IOM Poland's field presentation (shared/context): about 83% women, many with
children, some elderly people and persons with disabilities, mostly Ukrainian
nationals with some third-country nationals and Roma, in the four operational
voivodeships. Names come from Faker's Ukrainian and Polish locales.
"""

import datetime
import random
from collections.abc import Sequence

from django.utils import timezone
from faker import Faker

from safepath.accounts.models import Team, User
from safepath.people import services
from safepath.people.models import Person

OPERATIONAL_VOIVODESHIPS = ("14", "18", "12", "06")
THIRD_COUNTRIES = ("BLR", "MDA", "GEO", "UZB", "TJK", "AZE", "IND", "NGA", "VNM")


def _age_years(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.30:
        return rng.randint(0, 17)
    if roll < 0.88:
        return rng.randint(18, 59)
    return rng.randint(60, 88)


def _wg(rng: random.Random, disabled: bool) -> dict[str, str]:
    domains = [
        "wg_seeing",
        "wg_hearing",
        "wg_walking",
        "wg_remembering",
        "wg_selfcare",
        "wg_communicating",
    ]
    if rng.random() < 0.25:  # not asked
        return {}
    answers = {d: rng.choice(["no", "no", "no", "some"]) for d in domains}
    if disabled:
        answers[rng.choice(domains)] = rng.choice(["a_lot", "cannot"])
    return answers


def _document_number(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
    return f"{letters}{rng.randint(100000, 999999)}"


def person_data(
    rng: random.Random, fakers: dict[str, Faker], today: datetime.date
) -> dict[str, object]:
    female = rng.random() < 0.83
    age = _age_years(rng)
    third_country = rng.random() < 0.10
    roma = not third_country and rng.random() < 0.05
    nationality = rng.choice(THIRD_COUNTRIES) if third_country else "UKR"
    fake = fakers["pl"] if rng.random() < 0.05 else fakers["uk"]
    given = fake.first_name_female() if female else fake.first_name_male()
    family = fake.last_name_female() if female else fake.last_name_male()
    birth = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
    languages = ["uk", "ru"] if nationality == "UKR" else ["ru"]
    if roma:
        languages.append("rom")
    if rng.random() < 0.15:
        languages.append("pl")
    child = age < 18
    data: dict[str, object] = {
        "given_name": given,
        "family_name": family,
        "date_of_birth": birth,
        "phone": f"+48{rng.choice('5678')}{rng.randint(10_000_000, 99_999_999)}"
        if not child
        else "",
        "document_number": _document_number(rng),
        "sex": "female" if female else "male",
        "nationality": nationality,
        "languages": languages,
        "voivodeship": rng.choice(OPERATIONAL_VOIVODESHIPS),
        "arrival_date": today - datetime.timedelta(days=rng.randint(3, 1200)),
        "protection_status": "temporary_protection"
        if nationality == "UKR"
        else rng.choice(["asylum_seeker", "undocumented", "residence_permit"]),
        "child_status": rng.choice(["unaccompanied", "separated"])
        if child and rng.random() < 0.08
        else "",
        **_wg(rng, disabled=rng.random() < (0.25 if age >= 60 else 0.07)),
    }
    return data


def create_people(
    *, count: int, actors: Sequence[tuple[User, Team | None]], seed: int = 2022
) -> list[Person]:
    rng = random.Random(seed)
    fakers = {"uk": Faker("uk_UA"), "pl": Faker("pl_PL")}
    fakers["uk"].seed_instance(seed)
    fakers["pl"].seed_instance(seed + 1)
    today = timezone.localdate()
    people = []
    for _ in range(count):
        actor, team = rng.choice(actors)
        data = person_data(rng, fakers, today)
        home_team = team or actor.team
        if home_team is not None and home_team.voivodeship:
            data["voivodeship"] = home_team.voivodeship  # people are met where the team works
        people.append(services.person_create(actor=actor, data=data, via="demo", team=team))
    return people
