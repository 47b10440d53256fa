"""Cases as HTCDS fields (IOM's Human Trafficking Case Data Standard 2.0), as CSV.

One row per case the user may see. Columns are HTCDS field names where the standard has
the field, and `safepath_...` for the record ids it leaves to each system. Multiselect
picklists are joined with `;` (as the standard's Salesforce origin exports them). The
values are the standard's value names: safepath stores them as such.

Identity columns (`prs_FirstName`, `prs_SecondName`, `prs_Birthdate`,
`prs_MobilePhone`) are written only when asked for, and only for a user allowed to see
identity (the web asks for a re-authentication first); otherwise they are not in the
file at all. Text a spreadsheet would run as a formula is made inert
(`safepath.core.spreadsheet`). Every export is audited with its row count and whether
identity was in it.
"""

import csv
import io
from collections.abc import Iterator
from typing import Final

import pycountry
from django.db.models import QuerySet
from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.audit.events import record
from safepath.cases.models import Case
from safepath.cases.selectors import visible_cases
from safepath.core.spreadsheet import inert

GENDER: Final = {"female": "Feminine", "male": "Masculine"}  # others: NonSpecifiedUnknown
BASE_COLUMNS: Final = (
    "safepath_case_id",
    "safepath_person_code",
    "safepath_organisation",
    "prs_Gender",
    "prs_Citizenship",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "safepath_trafficking_status_date",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_MethodsOfControl",
    "vic_MethodOfRecruitment",
    "vic_RelationshipToTrafficker",
    "cas_Status",
    "cas_CaseOwner",
    "safepath_opened_on",
    "safepath_closed_on",
)
IDENTITY_COLUMNS: Final = ("prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_MobilePhone")


def _citizenship(alpha3: str) -> str:
    country = pycountry.countries.get(alpha_3=alpha3) if alpha3 else None
    return str(country.alpha_2) if country is not None else ""


def _row(case: Case, *, identity: bool) -> list[str]:
    person = case.person
    row = [
        str(case.public_id),
        person.code,
        case.organisation.code,
        GENDER.get(person.sex, "NonSpecifiedUnknown"),
        _citizenship(person.nationality),
        case.trafficking_status,
        case.trafficking_status_decided_by,
        case.trafficking_status_date.isoformat() if case.trafficking_status_date else "",
        ";".join(case.exploitation_types),
        ";".join(case.forced_labour_industries),
        ";".join(case.means_of_control),
        ";".join(case.recruitment_methods),
        case.relationship_to_trafficker,
        case.status,
        case.owner.get_username(),
        timezone.localdate(case.created_at).isoformat(),
        timezone.localdate(case.closed_at).isoformat() if case.closed_at else "",
    ]
    if identity:
        row += [
            person.given_name,
            person.family_name,
            person.date_of_birth.isoformat() if person.date_of_birth else "",
            person.phone,
        ]
    return row


def may_include_identity(actor: User) -> bool:
    return policies.can(actor, "person.view_identity")


def export_rows(actor: User, *, identity: bool, via: str) -> Iterator[list[str]]:
    """The header, then one row per case in reach (identity only if allowed and asked).
    The export is audited before the first row, with the number of rows it holds."""
    identity = identity and may_include_identity(actor)
    cases = visible_cases(actor).order_by("id")
    record(
        actor=actor,
        action="case.exported",
        object_type="case",
        detail={
            "count": cases.count(),
            "via": via,
            "target": "htcds",
            "fields": list(IDENTITY_COLUMNS) if identity else [],
        },
    )
    return _rows(actor, cases, identity=identity)


def _rows(actor: User, cases: "QuerySet[Case]", *, identity: bool) -> Iterator[list[str]]:
    yield [*BASE_COLUMNS, *(IDENTITY_COLUMNS if identity else ())]
    for case in cases.iterator(chunk_size=1000):
        if identity and not policies.in_scope(actor, "person.view_identity", case.person):
            yield _row(case, identity=False) + [""] * len(IDENTITY_COLUMNS)
        else:
            yield _row(case, identity=identity)


def as_csv_lines(rows: Iterator[list[str]]) -> Iterator[str]:
    for row in rows:
        buffer = io.StringIO()
        csv.writer(buffer).writerow([inert(cell) for cell in row])
        yield buffer.getvalue()
