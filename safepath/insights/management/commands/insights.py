"""`safepath insights`: standard exports of the monitoring data.

    safepath insights export-ctdc --output FILE.csv [--k 11] [--max-suppression 0.05]
        [--as USERNAME]

`export-ctdc` writes the cases as the CTDC Global Dataset (the older k-anonymised
standard, codebook v6 columns and codes; `safepath.insights.ctdc`), k-anonymised on
gender, ageBroad, citizenship, CountryOfExploitation and yearOfRegistration
(`safepath.insights.k_anonymity`). It reads the cases in chunks and holds only counts
and one small profile per case. With `--as` it exports the cases that user may see;
without it, every case: it is the administrator's export, run by someone with shell
access to the server (who can read the database anyway). The file is written next to
FILE under a temporary name, readable by its owner only, and renamed to FILE when
complete: a failed export leaves nothing behind. The report (what was generalised,
how many records were suppressed) goes to stdout as one JSON line. Audited as
`insights.ctdc_exported` with counts and k only.

Exit status 2 for bad input (k under 2, a share outside 0..1, an unknown user or one
who may not view cases, an output that cannot be written); nothing is written then.
See docs/insights.md, "CTDC export".
"""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.insights import ctdc, k_anonymity

BAD_INPUT = 2


class Command(BaseCommand):
    help = "Standard exports of the monitoring data (CTDC Global Dataset, k-anonymised)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        export = subcommands.add_parser(
            "export-ctdc", help="write the cases as the k-anonymised CTDC Global Dataset (CSV)"
        )
        export.add_argument("--output", required=True, metavar="FILE", help="the .csv to write")
        export.add_argument(
            "--k",
            type=int,
            default=k_anonymity.DEFAULT_K,
            help="every combination of quasi-identifiers occurs at least k times (default 11)",
        )
        export.add_argument(
            "--max-suppression",
            type=float,
            default=k_anonymity.DEFAULT_MAX_SUPPRESSION,
            metavar="SHARE",
            help="the share of records that may be suppressed rather than generalise "
            "further (default 0.05)",
        )
        export.add_argument(
            "--as",
            dest="actor",
            metavar="USERNAME",
            help="export the cases this user may see (default: every case)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._export_ctdc(
            Path(options["output"]), options["k"], options["max_suppression"], options["actor"]
        )

    def _export_ctdc(
        self, output: Path, k: int, max_suppression: float, username: str | None
    ) -> None:
        try:
            k_anonymity.check_parameters(k, max_suppression)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        actor = None
        if username is not None:
            actor = User.objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {username!r}", returncode=BAD_INPUT)
            if not policies.can(actor, "case.view"):
                raise CommandError(f"user {username!r} may not view cases", returncode=BAD_INPUT)
        if output.is_dir():
            raise CommandError(f"{output}: is a directory", returncode=BAD_INPUT)
        try:
            descriptor, partial = tempfile.mkstemp(
                dir=output.parent, prefix=f".{output.name}.", suffix=".partial"
            )
        except OSError as exc:
            raise CommandError(
                f"{output}: cannot write there ({exc.strerror})", returncode=BAD_INPUT
            ) from exc
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
                report = ctdc.write_ctdc(
                    handle, actor=actor, k=k, max_suppression=max_suppression, via="command"
                )
            os.replace(partial, output)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        self.stdout.write(json.dumps({**report, "output": str(output)}))
