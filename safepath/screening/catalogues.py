"""The catalogues screenings are assessed with.

For now the built-in catalogues only (`indicators/data/`). Uploaded versions, stored in
the database, will be added to this registry when they land; every caller asks here.
"""

from safepath.screening.indicators.catalogue import CatalogueRegistry, builtin_registry


def registry() -> CatalogueRegistry:
    return builtin_registry()
