"""Import of submissions of the offline screening form (KoboToolbox and ODK exports).

`read_submissions(path)` yields `(row label, fields)` for each submission of a file:
KoboToolbox JSON (the `/api/v2/assets/{uid}/data/?format=json` response with `results`,
or a plain list), KoboToolbox CSV (`;` or `,` separated, with or without group prefixes
like `AL_DR/AL_DR_01`) or ODK Central CSV (`meta-instanceID`, `site-voivodeship`). Field
names are reduced to the form's own names (`safepath.screening.xlsform`): the form's
names are unique and contain no `/` and no `-`, so everything up to the last `/` (and,
in ODK Central CSV, the last `-`) is a group prefix.

`parse_submission(fields)` turns one submission into a `Submission` ready for
`screening_create`, or the list of what is wrong with it. CSV is read row by row; JSON
is loaded whole (see docs/screening.md, "Importing submissions").
"""

import csv
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from safepath.core.geography import VOIVODESHIP_CODES
from safepath.people.models import SPOKEN_LANGUAGES
from safepath.screening import vulnerability
from safepath.screening.catalogues import registry
from safepath.screening.indicators.catalogue import UnknownCatalogue
from safepath.screening.models import SiteType
from safepath.screening.xlsform import (
    ACT,
    CONSENT,
    DONT_KNOW,
    FACTORS_FIELD,
    NEEDS_FIELD,
    NO,
    YES,
    indicator_code,
)

SOURCE: Final = "xlsform"
# Where the tools put the instance id, in order of preference (after prefixes are dropped).
INSTANCE_ID_FIELDS: Final = ("instanceID", "KEY", "_uuid")
# An indicator field: the code of a catalogue indicator with `_` for `-` (`AL_DR_01`).
INDICATOR_FIELD: Final = re.compile(r"^[A-Z]{2}_[A-Z]{2}_\d{2}$")
ANSWERS: Final = (YES, NO, DONT_KNOW)
MULTIPLE: Final = (FACTORS_FIELD, NEEDS_FIELD)


class ImportFileError(ValueError):
    """The file cannot be read as an export of the form at all."""


@dataclass(frozen=True, slots=True)
class RowError:
    row: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.row}: {self.field}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Submission:
    instance_id: str
    catalogue: str
    indicators: tuple[str, ...]
    act: bool
    factors: tuple[str, ...]
    needs: tuple[str, ...]
    site_type: str
    voivodeship: str
    interview_language: str


def field_name(column: str, *, odk_central: bool = False) -> str | None:
    """The form's field name of an export column, or None for a column of the split
    answers of a select_multiple (`vulnerability/factors/child`), which the
    space-separated column (`factors`) already holds."""
    parts = column.replace("-", "/").split("/") if odk_central else column.split("/")
    if len(parts) >= 2 and parts[-2] in MULTIPLE:
        return None
    return parts[-1]


def normalise_instance_id(value: str) -> str:
    value = value.strip()
    return value[len("uuid:") :] if value.startswith("uuid:") else value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # a select_multiple some tools give as a list
        return " ".join(str(item) for item in value)
    return str(value).strip()


def _fields(raw: Mapping[str, Any], *, odk_central: bool) -> dict[str, str]:
    fields: dict[str, str] = {}
    for column, value in raw.items():
        name = field_name(str(column), odk_central=odk_central)
        if name is None:
            continue
        text = _text(value)
        # Keep the first non-empty value of a name (`meta/instanceID` and `instanceID`).
        if not fields.get(name):
            fields[name] = text
    return fields


def detect_format(path: Path) -> str:
    """`json` or `csv`: by the extension, else by the first character."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".txt"):
        return "csv"
    with path.open(encoding="utf-8-sig") as handle:
        start = handle.read(1024).lstrip()
    return "json" if start[:1] in ("{", "[") else "csv"


def read_submissions(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """`(row label, fields)` for each submission. Raises `ImportFileError`."""
    if detect_format(path) == "json":
        yield from _read_json(path)
    else:
        yield from _read_csv(path)


def _read_json(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    # Loaded whole: the KoboToolbox API pages its results, so a page is bounded.
    try:
        with path.open(encoding="utf-8-sig") as handle:
            text = handle.read()
        data = json.loads(text) if text.strip() else []
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileError(f"{path}: not JSON: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("results")
    if not isinstance(data, list):
        raise ImportFileError(f'{path}: expected a list of submissions or {{"results": [...]}}')
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ImportFileError(f"{path}: submission {number} is not an object")
        yield f"submission {number}", _fields(item, odk_central=False)


def _read_csv(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
            if not first.strip():
                return
            delimiter = ";" if first.count(";") > first.count(",") else ","
            header = next(csv.reader([first], delimiter=delimiter))
            odk_central = "KEY" in header or any(c.startswith("meta-") for c in header)
            for number, values in enumerate(csv.reader(handle, delimiter=delimiter), start=2):
                if not any(value.strip() for value in values):
                    continue
                if len(values) != len(header):
                    raise ImportFileError(
                        f"{path}: row {number} has {len(values)} columns, the header {len(header)}"
                    )
                raw = dict(zip(header, values, strict=True))
                yield f"row {number}", _fields(raw, odk_central=odk_central)
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text: {exc}") from exc
    except csv.Error as exc:
        raise ImportFileError(f"{path}: not CSV: {exc}") from exc


def instance_id(fields: Mapping[str, str]) -> str:
    for name in INSTANCE_ID_FIELDS:
        if value := fields.get(name, ""):
            return normalise_instance_id(value)
    return ""


def parse_submission(fields: Mapping[str, str]) -> Submission | list[tuple[str, str]]:
    """The submission, or `(field, reason)` for each problem."""
    errors: list[tuple[str, str]] = []
    instance = instance_id(fields)
    if not instance:
        errors.append(("meta/instanceID", "no instance id (meta/instanceID, _uuid or KEY)"))

    catalogue_code = fields.get("catalogue", "")
    catalogue = None
    try:
        catalogue = registry().get(catalogue_code) if catalogue_code else None
    except UnknownCatalogue:
        errors.append(("catalogue", f"unknown catalogue {catalogue_code!r}"))
    else:
        if catalogue is None:
            errors.append(("catalogue", "empty: the age was not answered"))
        elif (version := fields.get("catalogue_version", "")) and version != catalogue.version:
            errors.append(
                (
                    "catalogue_version",
                    f"the form has {catalogue.code} {version}, safepath "
                    f"{catalogue.version}: export the form again",
                )
            )

    indicators: list[str] = []
    for name, value in fields.items():
        if not INDICATOR_FIELD.match(name) or not value:
            continue
        code = indicator_code(name)
        if value not in ANSWERS:
            errors.append((name, f"answer {value!r}: expected yes, no or dont_know"))
        elif not registry().catalogues_with(code):
            errors.append((name, f"unknown indicator {code}"))
        elif catalogue is not None and code not in catalogue.indicators:
            errors.append((name, f"{code} is not in catalogue {catalogue.code}"))
        elif value == YES:
            indicators.append(code)

    act = fields.get(ACT, "")
    if act and act not in ANSWERS:
        errors.append((ACT, f"answer {act!r}: expected yes, no or dont_know"))

    site_type = fields.get("site_type", "")
    if site_type not in SiteType.values:
        errors.append(
            ("site_type", f"{site_type!r} is not one of {', '.join(SiteType.values)}")
            if site_type
            else ("site_type", "required")
        )
    voivodeship = fields.get("voivodeship", "")
    if voivodeship and voivodeship not in VOIVODESHIP_CODES:
        errors.append(("voivodeship", f"{voivodeship!r} is not a TERYT code (02 ... 32)"))
    language = fields.get("interview_language", "")
    if language and language not in dict(SPOKEN_LANGUAGES):
        errors.append(("interview_language", f"unknown language {language!r}"))
    factors = tuple(fields.get(FACTORS_FIELD, "").split())
    if bad := vulnerability.unknown_factors(factors):
        errors.append((FACTORS_FIELD, f"unknown factors: {', '.join(bad)}"))
    needs = tuple(fields.get(NEEDS_FIELD, "").split())
    if bad := vulnerability.unknown_needs(needs):
        errors.append((NEEDS_FIELD, f"unknown needs: {', '.join(bad)}"))
    consent = fields.get(CONSENT, "")
    if consent and consent not in (YES, NO):
        errors.append((CONSENT, f"answer {consent!r}: expected yes or no"))

    if errors or catalogue is None:
        return errors
    return Submission(
        instance_id=instance,
        catalogue=catalogue.code,
        indicators=tuple(sorted(indicators)),
        act=act == YES,
        factors=factors,
        needs=needs,
        site_type=site_type,
        voivodeship=voivodeship,
        interview_language=language,
    )
