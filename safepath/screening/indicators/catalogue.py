"""Indicator catalogues: what they hold, how a file becomes one, and where they are kept.

A catalogue is a list of indicators (ILO/EC "operational indicators of trafficking in
human beings", or a national list), each with a stable code such as `AL-DR-01`, the
dimension it belongs to and its strength. A catalogue has a code (`AL`), a version
(`2009-09`) and a provenance line, and is immutable: a changed catalogue is a new
version, so a screening assessed with an old version can be re-read exactly.

A catalogue file is CSV (UTF-8, a header row) with the columns of
`shared/reference/ilo_ec_2009_indicators.csv`:
`code,catalogue,population,exploitation,dimension,strength,label_en`. The language
columns `label_pl`, `label_uk`, `label_ru` (the label translated) and `question_en`,
`question_pl`, `question_uk`, `question_ru` (a plain-language question to read aloud) are
optional; when a file has one, every row needs a value in it. Other columns are allowed
and ignored. `load_catalogue` validates a file and reports every problem
at once, each with its row number (the header is row 1, as a spreadsheet shows it).

The built-in catalogues (AL and CL, version 2009-09) are package data in `data/`,
listed in `data/catalogues.toml`; `data/PROVENANCE.md` says where they come from.

Pure Python: nothing here imports Django, so the engine runs in scripts and benchmarks.
Storing the versions an administrator uploads (in the database, with who and when)
comes with the screening models; they will be loaded through `parse_catalogue` and
held in a `CatalogueRegistry` like the built-in ones.
"""

import csv
import hashlib
import io
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Final

DIMENSIONS: Final = ("DR", "CR", "AV", "EX", "CD", "VD")
STRENGTHS: Final = ("strong", "medium", "weak")
POPULATIONS: Final = ("adult", "child")
COLUMNS: Final = (
    "code",
    "catalogue",
    "population",
    "exploitation",
    "dimension",
    "strength",
    "label_en",
)

LANGUAGES: Final = ("en", "pl", "uk", "ru")
# Optional columns: the label in the other languages, the question in every language.
LANGUAGE_COLUMNS: Final = (
    *(f"label_{language}" for language in LANGUAGES[1:]),
    *(f"question_{language}" for language in LANGUAGES),
)

CATALOGUE_CODE: Final = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")
VERSION: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
# Any indicator code, before its catalogue and dimension are known to be valid.
ANY_CODE: Final = re.compile(r"^[A-Z][A-Z0-9]{1,15}-[A-Z]{2}-\d{2}$")

DATA_PACKAGE: Final = "safepath.screening.indicators"
MANIFEST: Final = "catalogues.toml"


_NO_TEXTS: Final[Mapping[str, str]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator of a catalogue. `code` never changes meaning; `strength` may in a new
    version.

    `labels` and `questions` map a language code (`en`, `pl`, `uk`, `ru`) to text: the
    catalogue label, and a plain-language yes/no question to read aloud. `labels["en"]` is
    always `label_en`. Use `label(language)` and `question(language)`, which fall back to
    English.
    """

    code: str
    catalogue: str
    population: str
    exploitation: str
    dimension: str
    strength: str
    label_en: str
    labels: Mapping[str, str] = field(default=_NO_TEXTS, hash=False)
    questions: Mapping[str, str] = field(default=_NO_TEXTS, hash=False)

    def __post_init__(self) -> None:
        labels = {**self.labels, "en": self.label_en}
        object.__setattr__(self, "labels", MappingProxyType({k: v for k, v in labels.items() if v}))
        object.__setattr__(
            self, "questions", MappingProxyType({k: v for k, v in self.questions.items() if v})
        )

    def label(self, language: str) -> str:
        """The catalogue label in `language`, or in English when it has none."""
        return self.labels.get(language) or self.label_en

    def question(self, language: str) -> str:
        """The question in `language`; else the English question; else the label (in
        `language`, else English), for a catalogue that has no questions."""
        return self.questions.get(language) or self.questions.get("en") or self.label(language)


@dataclass(frozen=True)
class Catalogue:
    """One version of a catalogue. Build it with `parse_catalogue` or `load_catalogue`.

    `indicators` maps each code to its indicator, in file order. The constructor checks
    that every indicator agrees with the catalogue (code, population, known dimension
    and strength), because the engine relies on it.
    """

    code: str
    version: str
    provenance: str
    population: str
    indicators: Mapping[str, Indicator]
    # For the engine: code -> (index in DIMENSIONS, index in STRENGTHS). Precomputed
    # once per catalogue so that an assessment is a few dictionary lookups.
    index: Mapping[str, tuple[int, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        indicators = MappingProxyType(dict(self.indicators))
        for code, indicator in indicators.items():
            if (
                code != indicator.code
                or indicator.catalogue != self.code
                or indicator.population != self.population
                or indicator.dimension not in DIMENSIONS
                or indicator.strength not in STRENGTHS
            ):
                raise ValueError(f"indicator {code!r} does not fit catalogue {self.code}")
        object.__setattr__(self, "indicators", indicators)
        object.__setattr__(
            self,
            "index",
            {
                code: (DIMENSIONS.index(i.dimension), STRENGTHS.index(i.strength))
                for code, i in indicators.items()
            },
        )

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the indicators (not of version or provenance): equal content, equal
        digest. A stored screening can keep it to prove which list it was assessed with."""
        text = "\n".join(
            "\t".join(
                (
                    i.code,
                    i.catalogue,
                    i.population,
                    i.exploitation,
                    i.dimension,
                    i.strength,
                    i.label_en,
                    *_text_fields(i),
                )
            )
            for i in sorted(self.indicators.values(), key=lambda i: i.code)
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text_fields(indicator: Indicator) -> list[str]:
    """The translations and questions, for the digest. Empty without them, so that the
    digest of a catalogue with `label_en` only is what it was before languages came."""
    return [
        f"{kind}_{language}={text}"
        for kind, texts in (("label", indicator.labels), ("question", indicator.questions))
        for language, text in sorted(texts.items())
        if not (kind == "label" and language == "en")
    ]


# --- reading and validating a file --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogueProblem:
    """One problem in a catalogue file. `row` 1 is the header, 0 the file as a whole."""

    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = "file" if self.row == 0 else f"row {self.row}"
        return f"{where}, {self.field}: {self.reason}"


class CatalogueError(ValueError):
    """A catalogue file is not valid. `problems` lists every problem found, in row order."""

    def __init__(self, problems: Iterable[CatalogueProblem], *, source: str = "") -> None:
        self.problems = tuple(problems)
        self.source = source
        heading = f"{source}: " if source else ""
        count = len(self.problems)
        super().__init__(
            f"{heading}{count} problem{'s' if count != 1 else ''} in the catalogue:\n"
            + "\n".join(f"  {problem}" for problem in self.problems)
        )


def _check_version(version: str) -> None:
    if not VERSION.match(version):
        raise ValueError(
            f"version {version!r} is not valid: 1 to 32 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )


def parse_catalogue(
    lines: Iterable[str],
    *,
    version: str,
    provenance: str,
    catalogue: str | None = None,
    source: str = "",
    require_languages: bool = False,
) -> Catalogue:
    """Validate CSV text (an iterable of lines, such as an open file) and return the catalogue.

    Every problem is collected before failing, so one upload shows all of them. With
    `catalogue`, every row must belong to that catalogue code. A language column
    (`LANGUAGE_COLUMNS`) is optional unless `require_languages` (the built-in catalogues);
    when present, an empty cell in it is a problem. Raises `CatalogueError`.
    """
    _check_version(version)
    if not provenance.strip():
        raise ValueError("a catalogue needs a provenance: where its indicators come from")
    problems: list[CatalogueProblem] = []
    reader = csv.reader(lines)
    try:
        header = [name.strip() for name in next(reader, [])]
        rows = list(reader)
    except UnicodeDecodeError as exc:
        raise CatalogueError(
            [CatalogueProblem(0, "file", f"not UTF-8 text ({exc.reason}): save the file as UTF-8")],
            source=source,
        ) from exc
    except csv.Error as exc:
        raise CatalogueError(
            [CatalogueProblem(0, "file", f"not readable as CSV: {exc}")], source=source
        ) from exc
    required = (*COLUMNS, *LANGUAGE_COLUMNS) if require_languages else COLUMNS
    missing = [name for name in required if name not in header]
    if missing:
        raise CatalogueError(
            [CatalogueProblem(1, name, "missing column") for name in missing],
            source=source,
        )
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        raise CatalogueError(
            [CatalogueProblem(1, name, "column appears more than once") for name in duplicated],
            source=source,
        )
    position = {name: header.index(name) for name in COLUMNS}
    languages = {name: header.index(name) for name in LANGUAGE_COLUMNS if name in header}

    indicators: dict[str, Indicator] = {}
    first_row_of: dict[str, int] = {}
    catalogue_code = catalogue
    population: str | None = None
    for number, raw in enumerate(rows, start=2):
        if not any(value.strip() for value in raw):
            continue  # a blank line, as spreadsheets leave at the end
        if len(raw) != len(header):
            problems.append(
                CatalogueProblem(
                    number, "row", f"has {len(raw)} fields, the header has {len(header)}"
                )
            )
            continue
        values = {name: raw[position[name]].strip() for name in COLUMNS}
        texts = {name: raw[index].strip() for name, index in languages.items()}
        row_problems = _row_problems(number, values)
        row_problems.extend(
            CatalogueProblem(number, name, "empty") for name, text in texts.items() if not text
        )

        code_of_row = values["catalogue"]
        if CATALOGUE_CODE.match(code_of_row):
            if catalogue_code is None:
                catalogue_code = code_of_row
            elif code_of_row != catalogue_code:
                row_problems.append(
                    CatalogueProblem(
                        number,
                        "catalogue",
                        f"{code_of_row!r} differs from {catalogue_code!r}: "
                        "a file holds one catalogue",
                    )
                )
        if values["population"] in POPULATIONS:
            if population is None:
                population = values["population"]
            elif values["population"] != population:
                row_problems.append(
                    CatalogueProblem(
                        number,
                        "population",
                        f"{values['population']!r} differs from {population!r}: "
                        "a catalogue is for one population",
                    )
                )
        code = values["code"]
        if code in first_row_of:
            row_problems.append(
                CatalogueProblem(
                    number, "code", f"duplicate code {code} (first on row {first_row_of[code]})"
                )
            )
        elif code:
            first_row_of[code] = number
        problems.extend(row_problems)
        if not row_problems:
            indicators[code] = Indicator(
                **values,
                labels={
                    language: texts[f"label_{language}"]
                    for language in LANGUAGES[1:]
                    if f"label_{language}" in texts
                },
                questions={
                    language: texts[f"question_{language}"]
                    for language in LANGUAGES
                    if f"question_{language}" in texts
                },
            )

    if problems:
        raise CatalogueError(problems, source=source)
    if catalogue_code is None or population is None:
        raise CatalogueError([CatalogueProblem(0, "file", "no indicators")], source=source)
    return Catalogue(
        code=catalogue_code,
        version=version,
        provenance=provenance.strip(),
        population=population,
        indicators=indicators,
    )


def _row_problems(number: int, values: Mapping[str, str]) -> list[CatalogueProblem]:
    """The problems of one row taken alone (not the ones across rows)."""
    problems: list[CatalogueProblem] = []
    catalogue = values["catalogue"]
    dimension = values["dimension"]
    code = values["code"]
    if not catalogue:
        problems.append(CatalogueProblem(number, "catalogue", "empty"))
    elif not CATALOGUE_CODE.match(catalogue):
        problems.append(
            CatalogueProblem(
                number,
                "catalogue",
                f"{catalogue!r} is not a catalogue code "
                "(2 to 16 capital letters or digits, starting with a letter)",
            )
        )
    if values["population"] not in POPULATIONS:
        problems.append(
            CatalogueProblem(
                number,
                "population",
                f"unknown population {values['population']!r} (one of {', '.join(POPULATIONS)})",
            )
        )
    if not values["exploitation"]:
        problems.append(CatalogueProblem(number, "exploitation", "empty"))
    if dimension not in DIMENSIONS:
        problems.append(
            CatalogueProblem(
                number,
                "dimension",
                f"unknown dimension {dimension!r} (one of {', '.join(DIMENSIONS)})",
            )
        )
    if values["strength"] not in STRENGTHS:
        problems.append(
            CatalogueProblem(
                number,
                "strength",
                f"unknown strength {values['strength']!r} (one of {', '.join(STRENGTHS)})",
            )
        )
    if not code:
        problems.append(CatalogueProblem(number, "code", "empty"))
    elif CATALOGUE_CODE.match(catalogue) and dimension in DIMENSIONS:
        if not re.fullmatch(rf"{catalogue}-{dimension}-\d{{2}}", code):
            problems.append(
                CatalogueProblem(
                    number,
                    "code",
                    f"{code!r} does not match {catalogue}-{dimension}-NN "
                    "(catalogue, dimension, two digits)",
                )
            )
    elif not ANY_CODE.match(code):
        problems.append(
            CatalogueProblem(
                number, "code", f"{code!r} does not match CATALOGUE-DIMENSION-NN, e.g. AL-DR-01"
            )
        )
    if not values["label_en"]:
        problems.append(CatalogueProblem(number, "label_en", "empty"))
    return problems


def load_catalogue(
    path: Path | str, *, version: str, provenance: str, catalogue: str | None = None
) -> Catalogue:
    """Validate a CSV file and return the catalogue it holds (see `parse_catalogue`).

    This is how a new version of a catalogue, or a new catalogue (a national list, the
    sexual-exploitation lists), comes in without a code change.
    """
    path = Path(path)
    # utf-8-sig: spreadsheet programs often save UTF-8 with a byte-order mark.
    with path.open(encoding="utf-8-sig", newline="") as lines:
        return parse_catalogue(
            lines, version=version, provenance=provenance, catalogue=catalogue, source=path.name
        )


# --- where catalogues are kept ------------------------------------------------------------


class UnknownCatalogue(LookupError):
    """No catalogue with this code (or no such version of it) is registered."""

    def __init__(self, code: str, version: str | None, known: Iterable[str]) -> None:
        self.code = code
        self.version = version
        self.known = tuple(known)
        what = f"catalogue {code!r}" if version is None else f"version {version!r} of {code!r}"
        super().__init__(f"unknown {what}; known: {', '.join(self.known) or 'none'}")


class CatalogueConflict(ValueError):
    """A catalogue version is already registered with other indicators: versions never change."""


class CatalogueRegistry:
    """The catalogues available to the engine, each in one or more versions.

    `get(code)` gives the current version: the one added last. `get(code, version)` gives
    exactly that version, which is how a stored screening is re-read. Adding a version
    that is already there with the same indicators does nothing; with other indicators
    it raises `CatalogueConflict`.
    """

    def __init__(self, catalogues: Iterable[Catalogue] = ()) -> None:
        self._versions: dict[str, dict[str, Catalogue]] = {}
        for catalogue in catalogues:
            self.add(catalogue)

    def add(self, catalogue: Catalogue) -> None:
        versions = self._versions.setdefault(catalogue.code, {})
        existing = versions.get(catalogue.version)
        if existing is not None:
            if existing.digest != catalogue.digest:
                raise CatalogueConflict(
                    f"catalogue {catalogue.code} version {catalogue.version} is already "
                    "registered with other indicators; give the new list a new version"
                )
            return
        versions[catalogue.version] = catalogue

    def get(self, code: str, version: str | None = None) -> Catalogue:
        versions = self._versions.get(code)
        if not versions:
            raise UnknownCatalogue(code, None, self.codes())
        if version is None:
            return versions[next(reversed(versions))]
        try:
            return versions[version]
        except KeyError:
            raise UnknownCatalogue(code, version, versions) from None

    def codes(self) -> tuple[str, ...]:
        return tuple(sorted(self._versions))

    def versions(self, code: str) -> tuple[str, ...]:
        """The versions of a catalogue in the order they were added (the last is current)."""
        return tuple(self._versions.get(code, ()))

    def catalogues_with(self, indicator_code: str) -> tuple[str, ...]:
        """The codes of the catalogues that have this indicator code in some version."""
        return tuple(
            code
            for code in self.codes()
            if any(indicator_code in c.indicators for c in self._versions[code].values())
        )


@cache
def builtin_catalogues() -> tuple[Catalogue, ...]:
    """The catalogues shipped as package data, as listed in `data/catalogues.toml`."""
    data = resources.files(DATA_PACKAGE).joinpath("data")
    manifest = tomllib.loads(data.joinpath(MANIFEST).read_text(encoding="utf-8"))
    catalogues = []
    for entry in manifest["catalogue"]:
        text = data.joinpath(entry["file"]).read_text(encoding="utf-8")
        catalogues.append(
            parse_catalogue(
                io.StringIO(text, newline=""),
                version=entry["version"],
                provenance=entry["provenance"],
                catalogue=entry["code"],
                source=entry["file"],
                require_languages=True,
            )
        )
    return tuple(catalogues)


def builtin_registry() -> CatalogueRegistry:
    """A new registry holding the built-in catalogues (the registry itself is not shared)."""
    return CatalogueRegistry(builtin_catalogues())
