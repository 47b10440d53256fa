"""The catalogues screenings are assessed with: the built-in ones (package data,
`indicators/data/`) and the versions administrators loaded (`CatalogueVersion`, see
`catalogue_services`). Every caller asks `registry()`.

The registry is built once per process and rebuilt when the loaded versions change. A
process checks for a change at most every `REFRESH_SECONDS`, with one small query; the
process that loads a version sees it at once (`invalidate`). Loaded versions are added
after the built-in ones, in the order they were loaded, so the last loaded version of a
catalogue is its current one.
"""

import io
import logging
import threading
import time
from typing import Final

from django.db import DatabaseError
from django.db.models import Count, Max

from safepath.screening.indicators.catalogue import (
    CatalogueRegistry,
    builtin_catalogues,
    parse_catalogue,
)

REFRESH_SECONDS: Final = 5.0

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_registry: CatalogueRegistry | None = None
_generation: tuple[int, int | None] | None = None
_checked_at = 0.0


def registry() -> CatalogueRegistry:
    global _registry, _generation, _checked_at
    now = time.monotonic()
    current = _registry
    if current is not None and now - _checked_at < REFRESH_SECONDS:
        return current
    with _lock:
        generation = _loaded_generation()
        if _registry is None or generation != _generation:
            _registry = _build(loaded=generation is not None)
            _generation = generation
        _checked_at = now
        return _registry


def invalidate() -> None:
    """Forget the registry: the next `registry()` call builds it again."""
    global _registry, _generation
    with _lock:
        _registry = None
        _generation = None


def _loaded_generation() -> tuple[int, int | None] | None:
    """(count, last id) of the loaded versions; None when the database cannot say (not
    migrated yet, or down): then only the built-in catalogues are known, so that
    `safepath assess` and the checks of an import work without a database."""
    from safepath.screening.models import CatalogueVersion

    try:
        stats = CatalogueVersion.objects.aggregate(count=Count("id"), last=Max("id"))
    except DatabaseError:
        logger.debug("loaded catalogue versions unavailable; using the built-in ones only")
        return None
    return stats["count"], stats["last"]


def _build(*, loaded: bool) -> CatalogueRegistry:
    from safepath.screening.models import CatalogueVersion

    built = CatalogueRegistry(builtin_catalogues())
    if not loaded:
        return built
    for stored in CatalogueVersion.objects.order_by("id"):
        built.add(
            parse_catalogue(
                io.StringIO(stored.content, newline=""),
                version=stored.version,
                provenance=stored.provenance,
                catalogue=stored.code,
                source=stored.source_name,
            )
        )
    return built
