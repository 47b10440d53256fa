"""Loading a catalogue version from a file: validated, stored, used at once.

An administrator loads a new version of a catalogue (or a new catalogue, such as a
national identification list) from a CSV file with the columns of the built-in ones
(docs/screening.md, "Loading a new catalogue version"). Every problem of the file is
reported at once and nothing is stored; a version already there is never replaced.
"""

import io
from dataclasses import dataclass
from typing import Final

from django.db import transaction

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.audit.events import record
from safepath.screening import catalogues
from safepath.screening.indicators.catalogue import (
    Catalogue,
    CatalogueError,
    CatalogueProblem,
    parse_catalogue,
)
from safepath.screening.models import CatalogueVersion

MAX_BYTES: Final = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Loaded:
    catalogue: Catalogue
    created: bool  # False: this exact version was already there


class CatalogueRejected(ValueError):
    """The file does not make a catalogue version; `problems` says why, row by row."""

    def __init__(self, problems: list[CatalogueProblem] | None = None, message: str = "") -> None:
        self.problems = problems or []
        super().__init__(message or "; ".join(str(p) for p in self.problems))


@transaction.atomic
def catalogue_load(
    *,
    actor: User,
    content: bytes,
    file_name: str,
    code: str,
    version: str,
    provenance: str,
) -> Loaded:
    policies.require(actor, "catalogue.manage")
    if len(content) > MAX_BYTES:
        raise CatalogueRejected(message=f"the file is larger than {MAX_BYTES // 1024} KB")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueRejected(message="the file is not UTF-8 text") from exc
    code = code.strip().upper()
    try:
        catalogue = parse_catalogue(
            io.StringIO(text, newline=""),
            version=version.strip(),
            provenance=provenance.strip(),
            catalogue=code,
            source=file_name,
        )
    except CatalogueError as exc:
        raise CatalogueRejected(list(exc.problems)) from exc
    except ValueError as exc:  # a bad version or an empty provenance
        raise CatalogueRejected(message=str(exc)) from exc
    if not catalogue.indicators:
        raise CatalogueRejected(message="the file has no indicators")

    current = catalogues.registry()
    if catalogue.version in current.versions(catalogue.code):
        if current.get(catalogue.code, catalogue.version).digest == catalogue.digest:
            return Loaded(catalogue, created=False)
        raise CatalogueRejected(
            message=f"catalogue {catalogue.code} version {catalogue.version} is already "
            "there with other indicators; give the new list a new version"
        )
    CatalogueVersion.objects.create(
        code=catalogue.code,
        version=catalogue.version,
        provenance=catalogue.provenance,
        population=catalogue.population,
        indicator_count=len(catalogue.indicators),
        source_name=file_name[:200],
        content=text,
        digest=catalogue.digest,
        loaded_by=actor,
    )
    record(
        actor=actor,
        action="catalogue.loaded",
        object_type="catalogue",
        object_id=f"{catalogue.code}@{catalogue.version}",
        detail={"count": len(catalogue.indicators)},
    )
    # Now for this process; again after the commit, so that a registry built inside the
    # transaction is not kept if it rolls back.
    catalogues.invalidate()
    transaction.on_commit(catalogues.invalidate)
    return Loaded(catalogue, created=True)
