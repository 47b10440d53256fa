"""`safepath directory`: the directory in and out as Open Referral HSDS 3.0 JSON.

    safepath directory import FILE [--language en|pl|uk|ru]
    safepath directory export --output FILE [--language en|pl|uk|ru]
    safepath directory flag-unverified

`import` reads one fully nested service, a list of them, a page envelope with
`contents` or an organization with `services` (`safepath.directory.hsds_import`). All
or nothing: every error on stderr (service index and id, JSON pointer, message) and
exit status 1, nothing written. Otherwise one JSON line on stdout counting services:
`{"created": n, "updated": n, "unchanged": n}`; a second import of the same file
answers only "unchanged". Plain-string texts are stored as `--language` (default en).

`export` writes every public service (active or temporarily closed), fully nested as
`GET /hsds/services/{id}` answers it, as one UTF-8 JSON list, with texts in
`--language` plus every translation (`translations`), so it imports back whole. One
JSON line on stdout: `{"services": n}`.

`flag-unverified` (daily from cron; also the task `flag_unverified_services`) reminds
the responsible person of every service not verified for 6 months, at most once a
month per service: `{"flagged": n}`. See docs/directory.md.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepath.directory import hsds_import, quality
from safepath.directory.hsds import Writer
from safepath.directory.hsds_selectors import service_metadata, whole_directory
from safepath.directory.i18n import LANGUAGE_CODES

INVALID = 1


def export_services(*, language: str) -> list[dict[str, Any]]:
    """The whole public directory as a list of fully nested HSDS services."""
    writer = Writer(language=language, translations=True)
    services = list(whole_directory())
    changes = service_metadata(services)
    return [writer.service(item, metadata=changes.get(item.public_id, [])) for item in services]


class Command(BaseCommand):
    help = "The service directory in and out as HSDS 3.0 JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        imports = subcommands.add_parser("import", help="import an HSDS dataset (JSON)")
        imports.add_argument("file", metavar="FILE")
        imports.add_argument("--language", default="en", choices=LANGUAGE_CODES)
        export = subcommands.add_parser("export", help="write the public directory as HSDS JSON")
        export.add_argument("--output", required=True, metavar="FILE")
        export.add_argument("--language", default="en", choices=LANGUAGE_CODES)
        subcommands.add_parser(
            "flag-unverified", help="remind the owners of services not verified for 6 months"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self._import(options["file"], language=options["language"])
        elif options["subcommand"] == "flag-unverified":
            self.stdout.write(json.dumps({"flagged": quality.flag_unverified()}))
        else:
            self._export(options["output"], language=options["language"])

    def _import(self, file: str, *, language: str) -> None:
        try:
            summary = hsds_import.import_file(file, language=language)
        except hsds_import.ImportFailed as failure:
            for line in hsds_import.errors_text(failure.problems):
                self.stderr.write(line)
            raise CommandError(
                f"nothing imported: {len(failure.problems)} error(s)", returncode=INVALID
            ) from None
        self.stdout.write(json.dumps(summary.as_dict()))

    def _export(self, output: str, *, language: str) -> None:
        services = export_services(language=language)
        try:
            Path(output).write_text(
                json.dumps(services, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror}") from None
        self.stdout.write(json.dumps({"services": len(services)}))
