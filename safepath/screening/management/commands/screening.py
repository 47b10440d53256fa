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
(CSV) export them and stores each as a screening of the organisation, created by `--as`
(default: the organisation's first active supervisor); a submission with consent and a
name, phone or date of birth also registers the person and their consent. A file is
all-or-nothing: every row is checked first, and if any is invalid nothing is written,
each problem is printed on stderr (row, field, reason) and the exit status is 1. A
submission already imported (same instance id in the organisation) is skipped. On
success one JSON line `{"created": n, "duplicates_skipped": n}` goes to stdout. The work
is done by `safepath.screening.import_service`. See docs/screening.md, "Importing
submissions".
"""

import json
import os
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from openpyxl import Workbook
from pyxform.xls2xform import convert

from safepath.screening import import_service
from safepath.screening.catalogues import registry
from safepath.screening.imports import ImportFileError
from safepath.screening.indicators.catalogue import Catalogue, UnknownCatalogue
from safepath.screening.xlsform import FORM_ID, FormError, XLSForm, build_form

BAD_INPUT = 2
INVALID_ROWS = 1
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
        self.verbosity = int(options["verbosity"])
        if options["subcommand"] == "xlsform":
            self._xlsform(Path(options["output"]), options["catalogue"])
        elif options["subcommand"] == "import":
            self._import(Path(options["file"]), options["organisation"], options["actor"])

    def _import(self, path: Path, organisation_code: str, username: str | None) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=BAD_INPUT)
        # The whole file is checked first, before the organisation is looked up: a bad
        # file is reported without the database.
        try:
            with import_service.checked(path) as file:
                if file.errors:
                    self._report(file.errors)
                try:
                    actor = import_service.resolve_actor(organisation_code, username)
                except import_service.ActorError as exc:
                    raise CommandError(str(exc), returncode=BAD_INPUT) from exc
                progress = self._progress if self.verbosity >= 2 else None
                try:
                    result = import_service.import_checked(file, actor=actor, progress=progress)
                except PermissionDenied as exc:
                    raise CommandError(
                        f"user {actor.username!r} may not create screenings (or people): {exc}",
                        returncode=BAD_INPUT,
                    ) from exc
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=INVALID_ROWS) from exc
        self.stdout.write(json.dumps(result.summary()))

    def _report(self, errors: list[import_service.RowError]) -> NoReturn:
        for error in errors:
            self.stderr.write(str(error))
        limit = import_service.MAX_ERRORS
        more = f" (stopped after the first {limit})" if len(errors) >= limit else ""
        noun = "problem" if len(errors) == 1 else "problems"
        raise CommandError(f"{len(errors)} {noun}{more}: nothing imported", returncode=INVALID_ROWS)

    def _progress(self, handled: int) -> None:
        self.stderr.write(f"{handled} submissions imported or skipped")

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
