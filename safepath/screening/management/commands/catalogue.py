"""`safepath catalogue`: the indicator catalogues, and loading a new version from a file.

    safepath catalogue list
    safepath catalogue load FILE --catalogue CODE --version VERSION --provenance TEXT --as USERNAME

`load` checks the whole file first (docs/screening.md, "Loading a new catalogue
version"); on any problem it prints each one on stderr, stores nothing and exits with
status 1. `--as` names the administrator who loads it (recorded, and audited). A version
that is already there with the same indicators is reported and left as it is.
"""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepath.accounts.models import User
from safepath.screening import catalogue_services
from safepath.screening.catalogues import registry

BAD_INPUT = 2
REJECTED = 1


class Command(BaseCommand):
    help = "Indicator catalogues: list them, or load a new version from a CSV file."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        subcommands.add_parser("list", help="the catalogues and their versions, as JSON lines")
        load = subcommands.add_parser("load", help="load a new catalogue version from a CSV file")
        load.add_argument("file", metavar="FILE")
        load.add_argument("--catalogue", required=True, metavar="CODE")
        load.add_argument("--version", required=True, metavar="VERSION")
        load.add_argument("--provenance", required=True, metavar="TEXT")
        load.add_argument("--as", dest="actor", required=True, metavar="USERNAME")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            self._list()
        else:
            self._load(options)

    def _list(self) -> None:
        current = registry()
        for code in current.codes():
            versions = current.versions(code)
            for version in versions:
                catalogue = current.get(code, version)
                line = {
                    "catalogue": code,
                    "version": version,
                    "current": version == versions[-1],
                    "population": catalogue.population,
                    "indicators": len(catalogue.indicators),
                    "provenance": catalogue.provenance,
                }
                self.stdout.write(json.dumps(line, ensure_ascii=False))

    def _load(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=BAD_INPUT)
        actor = User.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {options['actor']!r}", returncode=BAD_INPUT)
        try:
            loaded = catalogue_services.catalogue_load(
                actor=actor,
                content=path.read_bytes(),
                file_name=path.name,
                code=options["catalogue"],
                version=options["version"],
                provenance=options["provenance"],
            )
        except PermissionDenied as exc:
            raise CommandError(
                f"{actor.get_username()} may not load catalogues (administrators only)",
                returncode=BAD_INPUT,
            ) from exc
        except catalogue_services.CatalogueRejected as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            count = len(exc.problems)
            why = f"{count} problem{'' if count == 1 else 's'}" if count else str(exc)
            raise CommandError(f"{path}: not loaded: {why}", returncode=REJECTED) from exc
        catalogue = loaded.catalogue
        verb = "Loaded" if loaded.created else "Already loaded:"
        self.stdout.write(
            f"{verb} catalogue {catalogue.code} version {catalogue.version} "
            f"({len(catalogue.indicators)} indicators)."
        )
