"""Builders shared by the CTDC export tests (`test_ctdc.py`, `test_ctdc_synthetic.py`):
a consented person's case filled in through the services, the codebook's age band of
an age computed by hand, and the written CSV read back."""

import csv
import datetime
from pathlib import Path
from typing import Any

from safepath.cases.history_services import trafficking_event_add
from safepath.cases.models import Case
from safepath.cases.services import case_open, case_update
from safepath.people.services import consent_record, person_create
from tests.conftest import Cast

TODAY = datetime.date(2026, 11, 30)


def ctdc_case(
    cast: Cast,
    *,
    sex: str = "female",
    nationality: str = "UKR",
    birth: datetime.date | None = datetime.date(1995, 5, 1),
    exploited_in: str = "",
    data: dict[str, Any] | None = None,
    name: str = "Oksana",
    year: int | None = None,
) -> Case:
    """A consented person of team A and their case, opened and filled in by the
    services; `year` moves the case's registration into an earlier year."""
    actor = cast.caseworker_a
    person = person_create(
        actor=actor,
        data={
            "given_name": name,
            "family_name": "Melnyk",
            "phone": "+48601234567",
            "sex": sex,
            "nationality": nationality,
            "date_of_birth": birth,
        },
    )
    consent_record(
        actor=actor,
        person=person,
        purpose="data_processing",
        given=True,
        method="written",
        date=TODAY,
    )
    case = case_open(actor=actor, person=person)
    if data:
        case = case_update(actor=actor, case=case, data=data, expected_version=case.version)
    if exploited_in:
        trafficking_event_add(
            actor=actor,
            case=case,
            kind="Exploitation",
            country=exploited_in,
            place="Farm near Grójec",
            description="Worked 16 hours a day",
        )
    if year is not None:
        opened = case.created_at
        created = opened.replace(year=year, day=min(opened.day, 28))  # 29 February too
        Case.objects.filter(pk=case.pk).update(created_at=created)
    return case


def age_band(age: int) -> str:
    """The codebook's band of an age, by hand."""
    for lowest, highest in ((0, 8), (9, 17), (18, 20), (21, 23), (24, 26), (27, 29), (30, 38)):
        if lowest <= age <= highest:
            return f"{lowest:02d}--{highest:02d}"
    return "39--47" if age <= 47 else "48+"


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows
