"""The two ways in: `import_file` and `import_data`. Check all, then write all (or nothing)."""

from pathlib import Path
from typing import Any

from django.db import IntegrityError

from safepath.directory import i18n
from safepath.directory.hsds_import.objects import Plan
from safepath.directory.hsds_import.problems import ImportFailed, Problem
from safepath.directory.hsds_import.reading import read_file, services_in
from safepath.directory.hsds_import.writing import Summary, write


def import_data(data: Any, *, language: str = "en") -> Summary:
    """Check all of `data`, then write all of it in one transaction (or nothing)."""
    if language not in i18n.LANGUAGE_CODES:
        raise ImportFailed([Problem(None, "", "", f"unknown language {language!r}")])
    items = services_in(data)
    plan = Plan(language)
    for index, item in enumerate(items):
        plan.add_service(index, item)
    plan.check_rows()
    if plan.problems:
        raise ImportFailed(plan.problems)
    try:
        return write(plan, len(items))
    except IntegrityError as exc:
        # A rule of the database the checks above do not repeat (the same service at
        # the same place twice, the same term twice): nothing was written.
        raise ImportFailed(
            [
                Problem(
                    None,
                    "",
                    "",
                    "the file names the same pair twice (a service at one location, or "
                    "one taxonomy term on one service); nothing was imported",
                )
            ]
        ) from exc


def import_file(path: str | Path, *, language: str = "en") -> Summary:
    return import_data(read_file(path), language=language)
