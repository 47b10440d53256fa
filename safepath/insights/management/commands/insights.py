"""`safepath insights`: standard exports of the monitoring data, and the weekly alerts.

    safepath insights export-ctdc --output FILE.csv [--k 11] [--max-suppression 0.05]
        [--as USERNAME]
    safepath insights export-ctdc-synthetic --output FILE.csv [--k 11]
        [--max-suppression 0.05] [--as USERNAME]
    safepath insights export-hxl --output FILE.csv [--from YYYY-MM-DD] [--to YYYY-MM-DD]
    safepath insights alerts [--week YYYY-MM-DD]
    safepath insights rollups [--rebuild]
    safepath insights trends-pdf --month YYYY-MM [--language en|pl] --output FILE.pdf

`trends-pdf` writes the monthly trends report for the working group
(`safepath.insights.trends_pdf`: every organisation, each table a logged partner
release) under a temporary name next to FILE, readable by its owner only, renamed when
complete, and prints one JSON line `{"month": "YYYY-MM", "language": …, "output": FILE}`.
A month that is not one, before 2000 or not begun, another language, or an output that
cannot be written: exit status 2, nothing written or released.

`alerts` detects the unusual rises of a week (`safepath.insights.alerts`: the week
holding the date given, default the last complete week) and prints one JSON line
`{"week": MONDAY, "alerts": n, "new": m}` (the week's alerts, and how many were new).
A date that is not one, or in a week not yet over, is refused with exit status 2.

`rollups` brings the rollup tables up to date (`safepath.insights.rollups.build`): it
recounts the slices whose records changed since the last run (cron, every few
minutes; the first run rebuilds), or with `--rebuild` recounts everything (nightly).
It prints one JSON line `{"rows": n, "slices": n, "records": n}`: the rollup rows
written, the slices (an organisation's week or month) recounted and the records counted.

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

`export-ctdc-synthetic` writes the same cases, k-anonymised the same way, in the 27
columns of the CTDC synthetic-data codebook v2 (`safepath.insights.ctdc_synthetic`;
safepath generates no synthetic data). Same options, file handling and report; audited
as `insights.ctdc_synthetic_exported`.

`export-hxl` writes the weekly screening figures per voivodeship of every organisation
as an HXL-tagged CSV for the working group (`safepath.insights.hxl`): the weeks holding
`--from` and `--to` and those between (default: the last 12 complete weeks), every
figure a logged partner release. Same file handling; the report (rows, figures
published and withheld) goes to stdout as one JSON line. Audited as
`insights.hxl_exported`.

Exit status 2 for bad input (k under 2, a share outside 0..1, an unknown user or one
who may not view cases, a date that is not one, a period that ends after it starts, in
a week not over yet or longer than 104 weeks, an output that cannot be written);
nothing is written then. See docs/insights.md, "CTDC export".
"""

import datetime
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.insights import alerts, ctdc, ctdc_synthetic, export_services, hxl, k_anonymity
from safepath.insights.rollups import build
from safepath.insights.rollups.build import week_start

BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Standard exports of the monitoring data (CTDC Global Dataset and codebook v2 "
        "columns, k-anonymised; weekly HXL figures), "
        "and the weekly alerts of unusual rises."
    )

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
        synthetic = subcommands.add_parser(
            "export-ctdc-synthetic",
            help="write the cases in the CTDC synthetic-data codebook v2 columns, "
            "k-anonymised (CSV)",
        )
        synthetic.add_argument("--output", required=True, metavar="FILE", help="the .csv to write")
        synthetic.add_argument(
            "--k", type=int, default=k_anonymity.DEFAULT_K, help="as for export-ctdc (default 11)"
        )
        synthetic.add_argument(
            "--max-suppression",
            type=float,
            default=k_anonymity.DEFAULT_MAX_SUPPRESSION,
            metavar="SHARE",
            help="as for export-ctdc (default 0.05)",
        )
        synthetic.add_argument(
            "--as",
            dest="actor",
            metavar="USERNAME",
            help="export the cases this user may see (default: every case)",
        )
        weekly = subcommands.add_parser(
            "export-hxl",
            help="write the weekly figures per voivodeship for the working group (HXL CSV)",
        )
        weekly.add_argument("--output", required=True, metavar="FILE", help="the .csv to write")
        weekly.add_argument(
            "--from", dest="start", metavar="YYYY-MM-DD", help="a day of the first week"
        )
        weekly.add_argument(
            "--to",
            dest="end",
            metavar="YYYY-MM-DD",
            help="a day of the last week (default: the last complete week)",
        )
        trends = subcommands.add_parser(
            "trends-pdf", help="write the monthly trends report for the working group (PDF)"
        )
        trends.add_argument("--month", required=True, metavar="YYYY-MM", help="the month")
        trends.add_argument("--language", default="en", metavar="LANGUAGE", help="en or pl")
        trends.add_argument("--output", required=True, metavar="FILE", help="the .pdf to write")
        detect = subcommands.add_parser("alerts", help="detect the unusual rises of a week")
        detect.add_argument(
            "--week",
            metavar="YYYY-MM-DD",
            help="a day of the week to test (default: the last complete week)",
        )
        rollups = subcommands.add_parser("rollups", help="bring the rollup tables up to date")
        rollups.add_argument(
            "--rebuild", action="store_true", help="recount everything rather than what changed"
        )
        subcommands.add_parser(
            "purge-exports", help="delete the files of statistics exports past their expiry"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "trends-pdf":
            self._trends_pdf(options["month"], options["language"], Path(options["output"]))
            return
        if options["subcommand"] == "alerts":
            self._alerts(options["week"])
            return
        if options["subcommand"] == "rollups":
            report = build.rebuild() if options["rebuild"] else build.refresh()
            self.stdout.write(json.dumps(asdict(report)))
            return
        if options["subcommand"] == "purge-exports":
            purged = export_services.purge_expired_exports(via="command")
            self.stdout.write(json.dumps({"purged": purged}))
            return
        if options["subcommand"] == "export-hxl":
            self._export_hxl(Path(options["output"]), options["start"], options["end"])
            return
        write = (
            ctdc_synthetic.write_synthetic_v2
            if options["subcommand"] == "export-ctdc-synthetic"
            else ctdc.write_ctdc
        )
        self._export_ctdc(
            Path(options["output"]),
            options["k"],
            options["max_suppression"],
            options["actor"],
            write,
        )

    def _alerts(self, week: str | None) -> None:
        day = None
        if week is not None:
            try:
                day = datetime.date.fromisoformat(week)
            except ValueError as exc:
                raise CommandError(
                    f"--week {week!r}: not a date (YYYY-MM-DD)", returncode=BAD_INPUT
                ) from exc
            if week_start(day) > alerts.last_complete_week(timezone.localdate()):
                raise CommandError(
                    f"--week {week}: that week is not over yet", returncode=BAD_INPUT
                )
        self.stdout.write(json.dumps(alerts.detect(day).as_dict()))

    def _trends_pdf(self, month: str, language: str, output: Path) -> None:
        from safepath.insights import trends_pdf

        try:
            first = datetime.date.fromisoformat(f"{month}-01")
        except ValueError as exc:
            raise CommandError(
                f"--month {month!r}: not a month (YYYY-MM)", returncode=BAD_INPUT
            ) from exc
        if language not in trends_pdf.LANGUAGES:
            raise CommandError(
                f"--language {language!r}: one of {', '.join(trends_pdf.LANGUAGES)}",
                returncode=BAD_INPUT,
            )
        try:
            trends_pdf.report_month(first, timezone.localdate())
        except ValueError as exc:
            raise CommandError(f"--month {month}: {exc}", returncode=BAD_INPUT) from exc
        _write_file(
            output,
            lambda handle: handle.write(
                trends_pdf.build_trends_pdf(actor=None, month=first, language=language)
            ),
            binary=True,
        )
        self.stdout.write(
            json.dumps({"month": f"{first:%Y-%m}", "language": language, "output": str(output)})
        )

    def _export_ctdc(
        self,
        output: Path,
        k: int,
        max_suppression: float,
        username: str | None,
        write: Callable[..., dict[str, Any]] = ctdc.write_ctdc,
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
        report = _write_csv(
            output,
            lambda handle: write(
                handle, actor=actor, k=k, max_suppression=max_suppression, via="command"
            ),
        )
        self.stdout.write(json.dumps({**report, "output": str(output)}))

    def _export_hxl(self, output: Path, start: str | None, end: str | None) -> None:
        days = []
        for option, value in (("--from", start), ("--to", end)):
            try:
                days.append(datetime.date.fromisoformat(value) if value is not None else None)
            except ValueError as exc:
                raise CommandError(
                    f"{option} {value!r}: not a date (YYYY-MM-DD)", returncode=BAD_INPUT
                ) from exc
        try:
            first, after = hxl.period(days[0], days[1])
        except hxl.PeriodError as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        report = _write_csv(
            output,
            lambda handle: hxl.write_hxl(
                handle, actor=None, first=first, after=after, via="command"
            ),
        )
        self.stdout.write(json.dumps({**report, "output": str(output)}))


def _write_csv(output: Path, write: Callable[[TextIO], dict[str, Any]]) -> dict[str, Any]:
    """Write a CSV through `write` (see `_write_file`); returns its report."""
    return _write_file(output, write)


def _write_file[T](output: Path, write: Callable[[Any], T], *, binary: bool = False) -> T:
    """Write through `write` under a temporary name next to `output` (mode 0600,
    `mkstemp`'s), renamed to `output` once complete: a failure leaves nothing behind.
    Text is UTF-8 with newlines as written. Exit status 2 when `output` cannot be
    written there."""
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
        if binary:
            with os.fdopen(descriptor, "wb") as handle:
                result = write(handle)
        else:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
                result = write(handle)
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return result
