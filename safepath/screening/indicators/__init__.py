"""The indicator engine: catalogues of trafficking indicators and the rules that combine them.

Pure Python, with no Django import anywhere in this package (a test checks it), so that
scripts, benchmarks and offline tools can use it. See docs/screening.md.
"""

from safepath.screening.indicators.catalogue import (
    DIMENSIONS,
    LANGUAGE_COLUMNS,
    LANGUAGES,
    STRENGTHS,
    Catalogue,
    CatalogueConflict,
    CatalogueError,
    CatalogueProblem,
    CatalogueRegistry,
    Indicator,
    UnknownCatalogue,
    builtin_catalogues,
    builtin_registry,
    load_catalogue,
    parse_catalogue,
)
from safepath.screening.indicators.rules import (
    POSSIBLE_VICTIM,
    RULE_VERSION,
    Assessment,
    DimensionResult,
    UnknownIndicators,
    as_record,
    assess,
)

__all__ = [
    "DIMENSIONS",
    "LANGUAGES",
    "LANGUAGE_COLUMNS",
    "POSSIBLE_VICTIM",
    "RULE_VERSION",
    "STRENGTHS",
    "Assessment",
    "Catalogue",
    "CatalogueConflict",
    "CatalogueError",
    "CatalogueProblem",
    "CatalogueRegistry",
    "DimensionResult",
    "Indicator",
    "UnknownCatalogue",
    "UnknownIndicators",
    "as_record",
    "assess",
    "builtin_catalogues",
    "builtin_registry",
    "load_catalogue",
    "parse_catalogue",
]
