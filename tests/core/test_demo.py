"""`safepath demo` loads a usable world: accounts, people, and their screenings."""

from io import StringIO

import pytest
from django.core.management import call_command

from safepath.cases.models import Case
from safepath.people.models import Person
from safepath.screening.models import Screening


@pytest.mark.django_db
def test_demo_loads_people_and_screenings_once() -> None:
    call_command("demo", "--people", "40", stdout=StringIO())
    assert Person.objects.count() == 40
    screened = Screening.objects.filter(person__isnull=False)
    assert screened.exists()
    for screening in screened:
        # A screening of a person rests on the person's recorded consent.
        consent = screening.consent
        assert consent is not None
        assert consent.person_id == screening.person_id
        assert consent.given
    assert Screening.objects.filter(person__isnull=True).count() == 8  # one per five people
    assert Screening.objects.filter(result__trafficking_indicated=True).exists()
    # Every screened person whose screening indicated trafficking has a case.
    for screening in screened.filter(result__trafficking_indicated=True):
        assert Case.objects.filter(person=screening.person, screening=screening).exists()

    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "demo not loaded again" in out.getvalue()
    assert Person.objects.count() == 40


@pytest.mark.django_db
def test_demo_without_people_adds_no_screenings() -> None:
    call_command("demo", "--people", "0", stdout=StringIO())
    assert not Screening.objects.exists()
