"""`safepath screening`: the screening for offline field collection (KoboToolbox, ODK).

    safepath screening xlsform --output screening.xlsx [--catalogue AL|CL]
    safepath screening import FILE --organisation CODE [--as USERNAME]

`xlsform` writes the screening as an XLSForm (sheets survey, choices, settings) in the
four languages. Without `--catalogue` the form has the adult (AL) and the child (CL)
path, chosen in the form by age; with it, only that catalogue's path. The form is
built by `safepath.screening.xlsform` and checked with pyxform before the file is put
in place: on any error nothing is written and the exit status is 2. See
docs/screening.md, "Offline: XLSForm for KoboToolbox and ODK".

`import` reads the submissions of this form as KoboToolbox (JSON, CSV) and ODK Central
(CSV) export them and stores each as an anonymous screening of the organisation, created
by `--as` (default: the organisation's first active supervisor). A file is
all-or-nothing: every row is checked first, and if any is invalid nothing is written,
each problem is printed on stderr (row, field, reason) and the exit status is 1. A
submission already imported (same instance id in the organisation) is skipped. On
success one JSON line `{"created": n, "duplicates_skipped": n}` goes to stdout. See
docs/screening.md, "Importing submissions".
"""

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from openpyxl import Workbook
from pyxform.xls2xform import convert

from safepath.accounts.models import Organisation, Role, User
from safepath.screening import imports
from safepath.screening.catalogues import registry
from safepath.screening.indicators.catalogue import Catalogue, UnknownCatalogue
from safepath.screening.models import Screening
from safepath.screening.services import Location, ScreeningInvalid, screening_create
from safepath.screening.xlsform import FORM_ID, FormError, XLSForm, build_form

BAD_INPUT = 2
INVALID_ROWS = 1
MAX_ERRORS = 1000
BATCH = 500
DEFAULT_CATALOGUES = ("AL", "CL")


class Command(BaseCommand):
    help = "The screening for offline field collection in KoboToolbox and ODK."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        xlsform = subcommands.add_parser(
            "xlsform", help="write the screening form as an XLSForm (.xlsx)"
        )
        xlsform.add_argument(
            "--output", required=True, metavar="FILE", help="the .xlsx file to write"
        )
        # Checked in handle(), not by argparse `choices`, so that a bad value ends with
        # status 2 both from the shell and from call_command.
        xlsform.add_argument(
            "--catalogue",
            default=None,
            help="only this catalogue's path, for example AL or CL "
            "(default: AL and CL, chosen in the form by age)",
        )

        import_ = subcommands.add_parser(
            "import", help="import submissions of the form (KoboToolbox JSON/CSV, ODK CSV)"
        )
        import_.add_argument("file", metavar="FILE", help="the exported submissions")
        import_.add_argument(
            "--organisation", required=True, metavar="CODE", help="the organisation's code"
        )
        import_.add_argument(
            "--as",
            dest="actor",
            default=None,
            metavar="USERNAME",
            help="the user who creates the screenings "
            "(default: the organisation's first active supervisor)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "xlsform":
            self._xlsform(Path(options["output"]), options["catalogue"])
        elif options["subcommand"] == "import":
            self._import(Path(options["file"]), options["organisation"], options["actor"])

    def _import(self, path: Path, organisation_code: str, username: str | None) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=BAD_INPUT)
        try:
            errors = _check(path)
        except imports.ImportFileError as exc:
            raise CommandError(str(exc), returncode=INVALID_ROWS) from exc
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            more = f" (stopped after the first {MAX_ERRORS})" if len(errors) >= MAX_ERRORS else ""
            noun = "problem" if len(errors) == 1 else "problems"
            raise CommandError(
                f"{len(errors)} {noun}{more}: nothing imported", returncode=INVALID_ROWS
            )
        # The file is checked first: a bad file is reported without the database.
        actor = _actor(organisation_code, username)
        try:
            created, duplicates = _create_all(path, actor)
        except ScreeningInvalid as exc:  # checked above; kept for safety
            raise CommandError(f"{exc}: nothing imported", returncode=INVALID_ROWS) from exc
        self.stdout.write(json.dumps({"created": created, "duplicates_skipped": duplicates}))

    def _xlsform(self, output: Path, catalogue_code: str | None) -> None:
        codes = (catalogue_code,) if catalogue_code is not None else DEFAULT_CATALOGUES
        catalogues: list[Catalogue] = []
        for code in codes:
            try:
                catalogues.append(registry().get(code))
            except UnknownCatalogue as exc:
                raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        try:
            form = build_form(catalogues)
        except FormError as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        if output.suffix.lower() != ".xlsx":
            raise CommandError(f"{output}: the output must be an .xlsx file", returncode=BAD_INPUT)
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent}: no such directory", returncode=BAD_INPUT)
        version = form.settings[0]["version"]
        write_checked(form, output)
        self.stdout.write(f"Wrote {output} (form {FORM_ID}, version {version}).")


def write_checked(form: XLSForm, output: Path) -> None:
    """Write the workbook beside `output`, convert it with pyxform, and only then move it
    into place: a form pyxform refuses is never left behind."""
    handle, name = tempfile.mkstemp(suffix=".xlsx", dir=output.parent, prefix=".screening-")
    os.close(handle)
    temporary = Path(name)
    try:
        workbook(form).save(temporary)
        try:
            convert(xlsform=str(temporary), warnings=[])
        except Exception as exc:  # pyxform raises several error types
            raise CommandError(f"the form does not convert with pyxform: {exc}") from exc
        temporary.replace(output)
    finally:
        temporary.unlink(missing_ok=True)


def workbook(form: XLSForm) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for sheet_name, (header, rows) in form.sheets().items():
        sheet = book.create_sheet(sheet_name)
        sheet.append(list(header))
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    return book


def _actor(organisation_code: str, username: str | None) -> User:
    organisation = Organisation.objects.filter(code=organisation_code, is_active=True).first()
    if organisation is None:
        raise CommandError(f"no active organisation {organisation_code!r}", returncode=BAD_INPUT)
    if username is not None:
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {username!r}", returncode=BAD_INPUT)
        if actor.organisation_id != organisation.pk:
            raise CommandError(
                f"user {username!r} is not in organisation {organisation_code!r}",
                returncode=BAD_INPUT,
            )
        return actor
    supervisor = (
        User.objects.filter(organisation=organisation, role=Role.SUPERVISOR, is_active=True)
        .order_by("id")
        .first()
    )
    if supervisor is None:
        raise CommandError(
            f"organisation {organisation_code!r} has no active supervisor: name a user with --as",
            returncode=BAD_INPUT,
        )
    return supervisor


def _label(row: str, instance: str) -> str:
    return f"{row} ({instance})" if instance else row


def _check(path: Path) -> list[imports.RowError]:
    """Every problem of the file, up to MAX_ERRORS; nothing is written."""
    errors: list[imports.RowError] = []
    for row, fields in imports.read_submissions(path):
        parsed = imports.parse_submission(fields)
        if isinstance(parsed, list):
            label = _label(row, imports.instance_id(fields))
            errors.extend(imports.RowError(label, field, reason) for field, reason in parsed)
            if len(errors) >= MAX_ERRORS:
                return errors[:MAX_ERRORS]
    return errors


def _batches(path: Path) -> Iterator[list[imports.Submission]]:
    batch: list[imports.Submission] = []
    for _row, fields in imports.read_submissions(path):
        parsed = imports.parse_submission(fields)
        if isinstance(parsed, list):  # the file changed since it was checked
            raise ScreeningInvalid([])
        batch.append(parsed)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@transaction.atomic
def _create_all(path: Path, actor: User) -> tuple[int, int]:
    created = duplicates = 0
    seen: set[str] = set()
    for batch in _batches(path):
        existing = set(
            Screening.objects.filter(
                organisation=actor.organisation,
                source_instance_id__in=[s.instance_id for s in batch],
            ).values_list("source_instance_id", flat=True)
        )
        for submission in batch:
            if submission.instance_id in existing or submission.instance_id in seen:
                duplicates += 1
                continue
            seen.add(submission.instance_id)
            screening_create(
                actor=actor,
                person=None,
                catalogue=submission.catalogue,
                indicators=submission.indicators,
                act=submission.act,
                factors=submission.factors,
                needs=submission.needs,
                consent=None,
                location=Location(
                    site_type=submission.site_type, voivodeship=submission.voivodeship
                ),
                interview_language=submission.interview_language,
                via=imports.SOURCE,
                source=imports.SOURCE,
                source_instance_id=submission.instance_id,
            )
            created += 1
    return created, duplicates
