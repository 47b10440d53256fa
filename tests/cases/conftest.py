"""Fixtures of the case tests: a consented person of team A and their screening."""

import datetime

import pytest

from safepath.cases.models import Case
from safepath.cases.services import case_open
from safepath.people.models import Person
from safepath.screening.models import Screening
from safepath.screening.services import ConsentGiven, Location, screening_create
from tests.conftest import Cast

INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]


@pytest.fixture
def screening_a(cast: Cast, person_a: Person) -> Screening:
    """Caseworker A screened person A with their consent: trafficking indicated."""
    return screening_create(
        actor=cast.caseworker_a,
        person=person_a,
        catalogue="AL",
        indicators=INDICATED,
        act=False,
        factors=[],
        needs=[],
        consent=ConsentGiven("oral_witnessed", datetime.date(2026, 11, 30)),
        location=Location(site_type="border_crossing", voivodeship="18"),
    )


@pytest.fixture
def case_a(cast: Cast, screening_a: Screening) -> Case:
    return case_open(actor=cast.caseworker_a, screening=screening_a)


def approve_closure(cast: Cast, case: Case) -> None:
    """Caseworker A asks to close the case and supervisor A approves."""
    from safepath.cases.workflow_services import approval_decide, approval_request

    approval = approval_request(actor=cast.caseworker_a, case=case, kind="closure")
    approval_decide(actor=cast.supervisor_a, approval=approval, approve=True)
