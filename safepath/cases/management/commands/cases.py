"""`safepath cases`: maintenance of cases.

    safepath cases retention [--dry-run]
    safepath cases purge-exports
    safepath cases export-htcds --output FILE.csv --as USERNAME [--identity]
    safepath cases import-htcds FILE --organisation CODE [--as USERNAME]
        [--consent-method oral_witnessed|written|guardian]

`retention` anonymises every case closed more than `SAFEPATH_CASE_RETENTION_DAYS` ago
(default 1826, five years) and not anonymised yet, and the people no longer needed
(`safepath.cases.retention_services`, the same code as the background task
`safepath.cases.tasks.anonymise_expired_cases`). Run it daily from cron. Each case is
one transaction: a case that fails is left as it was, named by its id on stderr, and
the exit status is 1; the others are done. A second run finds nothing to do.
`--dry-run` counts the cases and people it would anonymise and writes nothing. Either
way one JSON line goes to stdout: `{"cases": n, "people": n, "failed": n, "values": n,
"dry_run": false}`. See docs/cases.md, "Retention and erasure".

`purge-exports` deletes the files of exports (caseload CSV/XLSX, case PDF) that are past
their expiry (`SAFEPATH_EXPORT_EXPIRY_DAYS` after they were ready, default 7) and marks
them expired, each audited (`safepath.cases.export_services.purge_expired_exports`; the
worker also runs it before each export). Run it daily from cron. One JSON line:
`{"purged": n}`.

`export-htcds` writes the cases `--as` may see as HTCDS CSV (`safepath.cases.htcds_export`,
the same rows as the web download). `--identity` adds the identity columns when that user
may see identity; it is for operators with shell access to the server, who need no
re-authentication. The export is audited. See docs/cases.md, "Export in HTCDS fields".

`import-htcds` imports the submissions of IOM's HTCDS Core XLSForm as KoboToolbox and ODK
export them (`safepath.cases.htcds_import`): a person, their consent to data processing
and a case each. All or nothing: every bad row on stderr and exit status 1, nothing
written; a submission already imported is skipped. On success one JSON line:
`{"created": n, "duplicates_skipped": n}`. An unknown organisation or user, or a user
who may not open cases, ends with exit status 2. See docs/cases.md, "HTCDS import".
"""

import json
from pathlib import Path
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepath.accounts.models import User
from safepath.cases import export_services, htcds_export, htcds_import, retention_services
from safepath.people.models import ConsentMethod
from safepath.screening.import_service import MAX_ERRORS, ActorError, resolve_actor

FAILED = 1
INVALID_ROWS = 1
BAD_INPUT = 2


class Command(BaseCommand):
    help = "Maintenance of cases: anonymise cases past their retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        retention = subcommands.add_parser(
            "retention", help="anonymise the cases closed longer ago than the retention period"
        )
        retention.add_argument(
            "--dry-run",
            action="store_true",
            help="count what would be anonymised; change nothing",
        )
        subcommands.add_parser("purge-exports", help="delete the files of expired exports")
        export = subcommands.add_parser("export-htcds", help="write the cases as HTCDS CSV")
        export.add_argument("--output", required=True, metavar="FILE", help="the .csv to write")
        export.add_argument("--as", dest="actor", required=True, metavar="USERNAME")
        export.add_argument(
            "--identity", action="store_true", help="include names, birth date and phone"
        )

        imports = subcommands.add_parser(
            "import-htcds", help="import submissions of the HTCDS Core XLSForm (Kobo, ODK)"
        )
        imports.add_argument("file", metavar="FILE", help="a KoboToolbox or ODK export (JSON, CSV)")
        imports.add_argument("--organisation", required=True, metavar="CODE")
        imports.add_argument(
            "--as",
            dest="actor",
            metavar="USERNAME",
            help="the user who opens the cases (default: the organisation's first active "
            "supervisor)",
        )
        imports.add_argument(
            "--consent-method",
            choices=ConsentMethod.values,
            default=ConsentMethod.ORAL_WITNESSED,
            help="how the consent recorded by con_Consent was given (the form does not ask)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import-htcds":
            self._import(
                Path(options["file"]),
                options["organisation"],
                options["actor"],
                options["consent_method"],
            )
            return
        if options["subcommand"] == "purge-exports":
            purged = export_services.purge_expired_exports(via="command")
            self.stdout.write(json.dumps({"purged": purged}))
            return
        if options["subcommand"] == "export-htcds":
            self._export(Path(options["output"]), options["actor"], options["identity"])
            return
        result = retention_services.run_retention(dry_run=options["dry_run"], via="command")
        self.stdout.write(json.dumps(result.as_dict()))
        if result.failed:
            self.stderr.write(
                f"{result.failed} case(s) could not be anonymised and were left unchanged; "
                "see the log."
            )
            raise SystemExit(FAILED)

    def _export(self, output: Path, username: str, identity: bool) -> None:
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {username!r}", returncode=BAD_INPUT)
        if identity and not htcds_export.may_include_identity(actor):
            raise CommandError(f"{username} may not see identity", returncode=BAD_INPUT)
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent}: no such directory", returncode=BAD_INPUT)
        rows = htcds_export.export_rows(actor, identity=identity, via="command")
        count = -1  # the header
        with output.open("w", encoding="utf-8", newline="") as handle:
            for line in htcds_export.as_csv_lines(rows):
                handle.write(line)
                count += 1
        self.stdout.write(json.dumps({"cases": count, "output": str(output)}))

    def _import(
        self, path: Path, organisation_code: str, username: str | None, consent_method: str
    ) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=BAD_INPUT)
        try:
            # The whole file is checked before the organisation is looked up.
            if errors := htcds_import.check_file(path):
                self._report(errors)
            try:
                actor = resolve_actor(organisation_code, username)
            except ActorError as exc:
                raise CommandError(str(exc), returncode=BAD_INPUT) from exc
            try:
                result = htcds_import.import_file(path, actor=actor, consent_method=consent_method)
            except htcds_import.ImportInvalid as exc:
                self._report(exc.errors)
            except PermissionDenied as exc:
                raise CommandError(
                    f"user {actor.username!r} may not register people or open cases: {exc}",
                    returncode=BAD_INPUT,
                ) from exc
        except htcds_import.ImportFileError as exc:
            raise CommandError(str(exc), returncode=INVALID_ROWS) from exc
        self.stdout.write(json.dumps(result.summary()))

    def _report(self, errors: list[htcds_import.RowError]) -> NoReturn:
        for error in errors:
            self.stderr.write(str(error))
        more = f" (stopped after the first {MAX_ERRORS})" if len(errors) >= MAX_ERRORS else ""
        noun = "problem" if len(errors) == 1 else "problems"
        raise CommandError(f"{len(errors)} {noun}{more}: nothing imported", returncode=INVALID_ROWS)
