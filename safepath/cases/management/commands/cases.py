"""`safepath cases`: maintenance of cases.

    safepath cases retention [--dry-run]
    safepath cases export-htcds --output FILE.csv --as USERNAME [--identity]

`retention` anonymises every case closed more than `SAFEPATH_CASE_RETENTION_DAYS` ago
(default 1826, five years) and not anonymised yet, and the people no longer needed
(`safepath.cases.retention_services`, the same code as the background task
`safepath.cases.tasks.anonymise_expired_cases`). Run it daily from cron. Each case is
one transaction: a case that fails is left as it was, named by its id on stderr, and
the exit status is 1; the others are done. A second run finds nothing to do.
`--dry-run` counts the cases and people it would anonymise and writes nothing. Either
way one JSON line goes to stdout: `{"cases": n, "people": n, "failed": n, "values": n,
"dry_run": false}`. See docs/cases.md, "Retention and erasure".

`export-htcds` writes the cases `--as` may see as HTCDS CSV (`safepath.cases.htcds_export`,
the same rows as the web download). `--identity` adds the identity columns when that user
may see identity; it is for operators with shell access to the server, who need no
re-authentication. The export is audited. See docs/cases.md, "Export in HTCDS fields".
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepath.accounts.models import User
from safepath.cases import htcds_export, retention_services

FAILED = 1
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
        export = subcommands.add_parser("export-htcds", help="write the cases as HTCDS CSV")
        export.add_argument("--output", required=True, metavar="FILE", help="the .csv to write")
        export.add_argument("--as", dest="actor", required=True, metavar="USERNAME")
        export.add_argument(
            "--identity", action="store_true", help="include names, birth date and phone"
        )

    def handle(self, *args: Any, **options: Any) -> None:
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
