"""A caseload as a spreadsheet (CSV or XLSX): one row per case the user may see.

The rows are the case list's, in the export's language: headers and labels are
translated, dates are ISO dates (real dates in XLSX). Identity columns (given name,
family name, date of birth, phone) are there only when the export has identity, and
stay empty on a row whose person the user may not see. Cases are read in chunks of
1,000 with what a row needs joined or annotated (open tasks, next due date), so the
number of queries does not grow with the rows.

A text cell that a spreadsheet would take for a formula (it starts with `=`, `+`, `-`,
`@`, a tab or a carriage return) gets a leading apostrophe, in CSV and XLSX alike.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterator
from typing import Final

from django.db.models import Count, IntegerField, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases.models import Case, CaseTask
from safepath.cases.selectors import visible_cases
from safepath.core.spreadsheet import inert

type Cell = str | int | datetime.date | None
PROGRESS_EVERY: Final = 1000

COLUMNS: Final = (
    _lazy("Case id"),
    _lazy("Person code"),
    _lazy("Organisation"),
    _lazy("Team"),
    _lazy("Caseworker"),
    _lazy("Status"),
    _lazy("Risk level"),
    _lazy("Trafficking status"),
    _lazy("Opened on"),
    _lazy("Closed on"),
    _lazy("Child"),
    _lazy("Unaccompanied or separated child"),
    _lazy("Open tasks"),
    _lazy("Next task due"),
)
IDENTITY_COLUMNS: Final = (
    _lazy("Given name"),
    _lazy("Family name"),
    _lazy("Date of birth"),
    _lazy("Phone"),
)
# Only their names go into the audit: which identity fields left the system.
IDENTITY_FIELDS: Final = ["given_name", "family_name", "date_of_birth", "phone"]


def guard(value: Cell) -> Cell:
    """A cell a spreadsheet will not run as a formula (`safepath.core.spreadsheet`)."""
    return inert(value)


def cases_for(actor: User, *, status: str) -> QuerySet[Case]:
    """The cases of the export, with their open tasks counted and next due date, in id
    order (stable for a file)."""
    open_tasks = CaseTask.objects.filter(case=OuterRef("pk"), done_at__isnull=True)
    cases = visible_cases(actor).select_related("person", "owner", "organisation", "team")
    if status:
        cases = cases.filter(status=status)
    return cases.annotate(
        open_tasks=Coalesce(
            Subquery(
                open_tasks.values("case").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
        next_due=Subquery(open_tasks.values("case").annotate(d=Min("due_on")).values("d")),
    ).order_by("id")


def header(*, identity: bool) -> list[Cell]:
    return [str(label) for label in (*COLUMNS, *(IDENTITY_COLUMNS if identity else ()))]


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def row(case: Case, *, identity: bool, may_see_person: bool) -> list[Cell]:
    person = case.person
    cells: list[Cell] = [
        str(case.public_id),
        person.code,
        case.organisation.code,
        case.team.name if case.team else "",
        case.owner.get_username(),
        case.get_status_display(),
        case.get_risk_level_display(),
        case.get_trafficking_status_display(),
        timezone.localdate(case.created_at),
        timezone.localdate(case.closed_at) if case.closed_at else None,
        _yes_no(case.is_child),
        _yes_no(bool(person.child_status)),
        int(getattr(case, "open_tasks", 0)),
        getattr(case, "next_due", None),
    ]
    if identity:
        if may_see_person:
            cells += [person.given_name, person.family_name, person.date_of_birth, person.phone]
        else:
            cells += [None] * len(IDENTITY_COLUMNS)
    return [guard(cell) for cell in cells]


def rows(
    actor: User,
    cases: QuerySet[Case],
    *,
    identity: bool,
    progress: Callable[[int], None],
) -> Iterator[list[Cell]]:
    """The header, then one row per case; `progress(n)` every 1,000 rows and at the end."""
    yield header(identity=identity)
    done = 0
    for case in cases.iterator(chunk_size=1000):
        may_see = identity and policies.in_scope(actor, "person.view_identity", case.person)
        yield row(case, identity=identity, may_see_person=may_see)
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done)
    progress(done)


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell)


def as_csv(lines: Iterator[list[Cell]]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads the letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in lines:
        writer.writerow([_text(cell) for cell in line])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def as_xlsx(lines: Iterator[list[Cell]], *, title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for line in lines:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
