"""`safepath assess`: assess trafficking indicators on the command line (scripts, partners).

    safepath assess --catalogue AL --indicators AL-DR-01,AL-EX-01,AL-CD-02 \\
        [--act] [--language en|pl|uk|ru] [--format text|json]

`--format text` (the default) prints the explanation and a table of the six dimensions;
`--format json` prints one JSON object with exactly the keys `catalogue`,
`catalogue_version`, `rule_version`, `population`, `dimensions`, `trafficking_indicated`,
`status`, `missing` and `explanation`. `--indicators` is a comma-separated list (spaces
around codes are ignored, a repeated code counts once, `""` is a valid empty screening).

An unknown catalogue, language or format, or any indicator code that is not in the
catalogue, ends with exit status 2 and a message on stderr naming every bad value;
nothing is written to stdout. See docs/screening.md.
"""

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from safepath.screening import catalogues
from safepath.screening.explanations import assessment_json, explain
from safepath.screening.indicators.catalogue import (
    DIMENSIONS,
    CatalogueRegistry,
    UnknownCatalogue,
)
from safepath.screening.indicators.rules import Assessment, UnknownIndicators, assess

FORMATS = ("text", "json")
BAD_INPUT = 2  # the exit status of the contract for bad input (argparse's, too)


def languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


class Command(BaseCommand):
    help = (
        "Assess observed trafficking indicators with the rules of the ILO/EC 2009 "
        "operational indicators, and explain the outcome."
    )
    # A pure computation called by scripts: the system checks would only slow it down.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--catalogue", required=True, help="catalogue code, for example AL or CL"
        )
        parser.add_argument(
            "--indicators",
            required=True,
            help='observed indicator codes, comma-separated (may be "")',
        )
        parser.add_argument(
            "--act",
            action="store_true",
            help="an act (recruitment, transport, transfer, harbouring or receipt) took place",
        )
        # Checked in handle(), not by argparse `choices`, so that a bad value ends with
        # status 2 both from the shell and from call_command.
        parser.add_argument(
            "--language",
            default="en",
            help=f"language of the explanation: {', '.join(languages())} (default en)",
        )
        parser.add_argument(
            "--format", default="text", help="text (the default) or json: the output format"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        language: str = options["language"]
        output_format: str = options["format"]
        if language not in languages():
            raise CommandError(
                f"unknown language {language!r}; use one of {', '.join(languages())}",
                returncode=BAD_INPUT,
            )
        if output_format not in FORMATS:
            raise CommandError(
                f"unknown format {output_format!r}; use one of {', '.join(FORMATS)}",
                returncode=BAD_INPUT,
            )
        registry = catalogues.registry()
        try:
            catalogue = registry.get(options["catalogue"])
        except UnknownCatalogue as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        codes = [code.strip() for code in options["indicators"].split(",") if code.strip()]
        try:
            assessment = assess(catalogue, codes, act=options["act"])
        except UnknownIndicators as exc:
            raise CommandError(
                _unknown_message(exc, registry, catalogue.version), returncode=BAD_INPUT
            ) from exc

        if output_format == "json":
            output = json.dumps(assessment_json(assessment, language=language), ensure_ascii=False)
        else:
            explanation = explain(assessment, language=language)
            with translation.override(language):
                output = f"{explanation}\n\n{_table(assessment)}"
        # One write, after everything has succeeded: an error never leaves half an answer.
        self.stdout.write(output)


def _unknown_message(exc: UnknownIndicators, registry: CatalogueRegistry, version: str) -> str:
    elsewhere = [
        f"{code} is in catalogue {', '.join(found)}"
        for code in exc.codes
        if (found := registry.catalogues_with(code))
    ]
    hint = f" ({'; '.join(elsewhere)})" if elsewhere else ""
    return (
        f"{len(exc.codes)} indicator code(s) not in catalogue {exc.catalogue} version "
        f"{version}: {', '.join(exc.codes)}{hint}"
    )


def _table(assessment: Assessment) -> str:
    """A short table of the six dimensions, headed in the active language."""
    header = [_("Dimension"), _("Positive"), _("Strong"), _("Medium"), _("Weak"), _("Indicators")]
    rows = [header]
    for dimension in DIMENSIONS:
        result = assessment.dimensions[dimension]
        rows.append(
            [
                dimension,
                _("yes") if result.positive else _("no"),
                str(result.strong),
                str(result.medium),
                str(result.weak),
                ", ".join(result.indicators) or "-",
            ]
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header) - 1)]
    return "\n".join(
        "  ".join(
            [
                *(
                    cell.rjust(width) if 1 < column < 5 else cell.ljust(width)
                    for column, (cell, width) in enumerate(zip(row, widths, strict=False))
                ),
                row[-1],
            ]
        )
        for row in rows
    )
