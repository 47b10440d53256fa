"""Long lists count at most `COUNT_CAP` rows: past it they say "more than" instead of
counting every case (safepath.core.pagination). The cap is lowered here to 2."""

import datetime
from typing import Any

import pytest

from safepath.cases.models import Case
from safepath.cases.services import case_open
from safepath.core import pagination
from safepath.people.services import consent_record, person_create
from tests.conftest import Cast


@pytest.fixture
def three_cases(cast: Cast) -> list[Case]:
    people = [
        person_create(
            actor=cast.caseworker_a,
            data={"given_name": "Anna", "family_name": f"Long{n}", "sex": "female"},
        )
        for n in range(3)
    ]
    for person in people:
        consent_record(
            actor=cast.caseworker_a,
            person=person,
            purpose="data_processing",
            given=True,
            method="written",
            date=datetime.date(2026, 11, 30),
        )
    return [case_open(actor=cast.caseworker_a, person=person) for person in people]


def test_count_at_most_stops_after_the_cap(three_cases: list[Case]) -> None:
    cases = Case.objects.all()
    assert pagination.count_at_most(cases, 5) == 3
    assert pagination.count_at_most(cases, 3) == 3
    assert pagination.count_at_most(cases, 2) == 3  # cap + 1: "more than 2"
    assert pagination.count_at_most(cases, 1) == 2


def test_the_case_list_and_my_work_say_more_than_the_cap(
    cast: Cast, three_cases: list[Case], login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = login(cast.caseworker_a)
    page = client.get("/en/app/cases/").content.decode()
    assert "More than" not in page
    assert all(case.person.code in page for case in three_cases)

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    page = client.get("/en/app/cases/").content.decode()
    assert "More than 2: the pages hold the newest 2." in page
    newest, older = three_cases[2], three_cases[0]
    assert newest.person.code in page
    assert older.person.code not in page
    work = client.get("/en/app/cases/my-work/").content.decode()
    assert "newest of more than 2." in work
