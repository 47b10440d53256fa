"""Import of submissions of the offline screening form (KoboToolbox and ODK exports).

`read_submissions(path)` yields `(row label, fields)` for each submission of a file:
KoboToolbox JSON (the `/api/v2/assets/{uid}/data/?format=json` response with `results`,
or a plain list), KoboToolbox CSV (`;` or `,` separated, with or without group prefixes
like `AL_DR/AL_DR_01`) or ODK Central CSV (`meta-instanceID`, `site-voivodeship`). Field
names are reduced to the form's own names (`safepath.screening.xlsform`): the form's
names are unique and contain no `/` and no `-`, so everything up to the last `/` (and,
in ODK Central CSV, the last `-`) is a group prefix.

`parse_submission(fields)` turns one submission into a `Submission` ready to be
stored, or the list of what is wrong with it. Both formats are streamed: CSV row by
row, JSON submission by submission (with ijson), so a file of any length is read in
bounded memory (see docs/screening.md, "Importing submissions").

The identifying answers (name, phone, date of birth, sex) are read only when the
submission records consent (`consent` = `yes`); otherwise they are not even looked at.
Error messages name the field and never repeat an identifying value.
"""

import csv
import datetime
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Final

import ijson
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.core.geography import VOIVODESHIP_CODES
from safepath.people.models import SPOKEN_LANGUAGES, ConsentMethod, Sex
from safepath.people.validators import MAX_LENGTHS, normalise_phone, validate_birth_date
from safepath.screening import vulnerability
from safepath.screening.catalogues import registry
from safepath.screening.indicators.catalogue import CatalogueRegistry, UnknownCatalogue
from safepath.screening.models import SiteType
from safepath.screening.xlsform import (
    ACT,
    CONSENT,
    CONSENT_METHOD,
    DONT_KNOW,
    FACTORS_FIELD,
    IDENTIFYING_FIELDS,
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
SEX: Final = "sex"
CONSENT_METHODS: Final = frozenset(ConsentMethod.values)
SEXES: Final = frozenset(Sex.values)
SITE_TYPES: Final = frozenset(SiteType.values)
LANGUAGE_CODES: Final = frozenset(code for code, _label in SPOKEN_LANGUAGES)
# Where the date of the interview (and so of the consent) is, in order of preference:
# the form's `today`, `end` and `start`, then when the tool received the submission
# (KoboToolbox `_submission_time`, ODK Central `SubmissionDate`), which may be days later.
CONSENT_DATE_FIELDS: Final = ("today", "end", "start", "_submission_time", "SubmissionDate")
ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_PREFIX: Final = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$")
BOM: Final = b"\xef\xbb\xbf"
JSON_BUFFER: Final = 64 * 1024


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
class Identity:
    """Who a consented submission is about, and how and when they consented. The
    identifying values stay out of `repr`, so a traceback or a log line never shows them."""

    given_name: str = field(repr=False)
    family_name: str = field(repr=False)
    phone: str = field(repr=False)  # E.164, or empty
    date_of_birth: datetime.date | None = field(repr=False)
    sex: str  # a `Sex` value, or empty for unknown
    consent_method: str
    consent_date: datetime.date

    def __reduce__(self) -> tuple[type["Identity"], tuple[Any, ...]]:
        return _reduce(self)


@dataclass(frozen=True, slots=True)
class Submission:
    instance_id: str
    catalogue: str
    catalogue_version: str  # the version it was checked against
    indicators: tuple[str, ...]
    act: bool
    factors: tuple[str, ...]
    needs: tuple[str, ...]
    site_type: str
    voivodeship: str
    interview_language: str
    indicators_unknown: tuple[str, ...] = ()  # answered "don't know": never counted
    # With consent and at least one identifying answer: the person to register.
    identity: Identity | None = None

    def __reduce__(self) -> tuple[type["Submission"], tuple[Any, ...]]:
        return _reduce(self)


def _reduce[T](instance: T) -> tuple[type[T], tuple[Any, ...]]:
    """Pickle a frozen dataclass by its fields in order: a checked import keeps its
    submissions pickled, and the default of slotted dataclasses is several times slower."""
    names = _FIELD_NAMES.get(type(instance))
    if names is None:
        names = _FIELD_NAMES[type(instance)] = tuple(
            f.name
            for f in dataclass_fields(instance)  # type: ignore[arg-type]
        )
    return type(instance), tuple(getattr(instance, name) for name in names)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


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


# Column -> field name, per flavour: a file repeats the same columns on every row.
_NAMES: Final[dict[bool, dict[str, str | None]]] = {False: {}, True: {}}
_NAMES_LIMIT: Final = 10_000
_UNSEEN: Final = ""  # never a field name: `field_name` answers None or a non-empty name


def _fields(raw: Mapping[str, Any], *, odk_central: bool) -> dict[str, str]:
    names = _NAMES[odk_central]
    if len(names) > _NAMES_LIMIT:  # a file whose columns never repeat: keep memory bounded
        names.clear()
    fields: dict[str, str] = {}
    for column, value in raw.items():
        name = names.get(column, _UNSEEN)
        if name is _UNSEEN:
            name = names[column] = field_name(str(column), odk_central=odk_central)
        if name is None:
            continue
        # Keep the first non-empty value of a name (`meta/instanceID` and `instanceID`).
        if name not in fields or not fields[name]:
            fields[name] = value.strip() if type(value) is str else _text(value)
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


def _json_start(handle: IO[bytes]) -> bytes:
    """The first byte that is not blank (b"" for an empty file), with the handle left
    just after the byte order mark, if any, where the JSON text starts."""
    offset = len(BOM) if handle.read(len(BOM)) == BOM else 0
    handle.seek(offset)
    while chunk := handle.read(JSON_BUFFER):
        if stripped := chunk.lstrip():
            handle.seek(offset)
            return stripped[:1]
    return b""


def _json_reason(exc: Exception) -> str:
    """The parser's reason without the excerpt of the file it quotes (which may hold
    a name): `parse error: premature EOF`."""
    reason = exc.args[0] if exc.args else exc
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", errors="replace")
    return (str(reason).strip().splitlines() or ["malformed"])[0][:120]


def _results_kind(handle: IO[bytes]) -> str | None:
    """The parser event that starts the top-level `results` value (`start_array` for a
    list), or None when the object has no `results`. KoboToolbox puts `count`, `next`
    and `previous` first, so this stops after a few events."""
    for prefix, event, _value in ijson.parse(handle, buf_size=JSON_BUFFER):
        if prefix == "results":
            return str(event)
    return None


def _read_json(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """Streamed: one submission is in memory at a time, whatever the file's length."""
    expected = f"{path}: " + _('expected a list of submissions or {"results": [...]}')
    number = 0
    try:
        with path.open("rb") as handle:
            first = _json_start(handle)
            if not first:
                return
            if first == b"[":
                prefix = "item"
            elif first == b"{":
                if _results_kind(handle) != "start_array":
                    raise ImportFileError(expected)
                _json_start(handle)  # back to the start of the text
                prefix = "results.item"
            elif first in b'"-0123456789tfn':
                raise ImportFileError(expected)
            else:
                raise ImportFileError(f"{path}: " + _("not JSON (it does not start with [ or {)"))
            for item in ijson.items(handle, prefix, use_float=True, buf_size=JSON_BUFFER):
                number += 1
                if not isinstance(item, dict):
                    raise ImportFileError(
                        f"{path}: "
                        + _("submission %(number)d is not an object") % {"number": number}
                    )
                yield (
                    _("submission %(number)d") % {"number": number},
                    _fields(item, odk_central=False),
                )
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        values = {"number": number, "reason": _json_reason(exc)}
        message = (
            _("not valid JSON after submission %(number)d: %(reason)s")
            if number
            else _("not valid JSON before the first submission: %(reason)s")
        )
        raise ImportFileError(f"{path}: " + message % values) from exc


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
                    counts = {"row": number, "count": len(values), "header": len(header)}
                    raise ImportFileError(
                        f"{path}: "
                        + _("row %(row)d has %(count)d columns, the header %(header)d") % counts
                    )
                raw = dict(zip(header, values, strict=True))
                yield (
                    _("row %(number)d") % {"number": number},
                    _fields(raw, odk_central=odk_central),
                )
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{path}: " + _("not UTF-8 text: %(reason)s") % {"reason": exc}
        ) from exc
    except csv.Error as exc:
        raise ImportFileError(f"{path}: " + _("not CSV: %(reason)s") % {"reason": exc}) from exc


@lru_cache(maxsize=4096)
def _indicator_code(name: str) -> str | None:
    """The indicator code of a field name shaped like one (`AL_DR_01`), else None."""
    return indicator_code(name) if INDICATOR_FIELD.match(name) else None


def instance_id(fields: Mapping[str, str]) -> str:
    for name in INSTANCE_ID_FIELDS:
        if value := fields.get(name, ""):
            return normalise_instance_id(value)
    return ""


def _answer_error(value: str) -> str:
    return _("answer %(value)r: expected yes, no or dont_know") % {"value": value}


def _not_one_of(value: str, choices: Iterable[str]) -> str:
    return _("%(value)r is not one of %(choices)s") % {
        "value": value,
        "choices": ", ".join(choices),
    }


def parse_submission(
    fields: Mapping[str, str], *, catalogues: CatalogueRegistry | None = None
) -> Submission | list[tuple[str, str]]:
    """The submission, or `(field, reason)` for each problem. `catalogues` defaults to
    `registry()`; an import passes one registry for the whole file."""
    if catalogues is None:
        catalogues = registry()
    errors: list[tuple[str, str]] = []
    instance = instance_id(fields)
    if not instance:
        errors.append(("meta/instanceID", _("no instance id (meta/instanceID, _uuid or KEY)")))

    catalogue_code = fields.get("catalogue", "")
    catalogue = None
    try:
        catalogue = catalogues.get(catalogue_code) if catalogue_code else None
    except UnknownCatalogue:
        errors.append(("catalogue", _("unknown catalogue %(code)r") % {"code": catalogue_code}))
    else:
        if catalogue is None:
            errors.append(("catalogue", _("empty: the age was not answered")))
        elif (version := fields.get("catalogue_version", "")) and version != catalogue.version:
            errors.append(
                (
                    "catalogue_version",
                    _(
                        "the form has %(code)s %(version)s, safepath %(current)s: "
                        "export the form again"
                    )
                    % {"code": catalogue.code, "version": version, "current": catalogue.version},
                )
            )

    indicators: list[str] = []
    unknown: list[str] = []  # answered "don't know"
    known = catalogue.indicators if catalogue is not None else {}
    for name, value in fields.items():
        if not value or (code := _indicator_code(name)) is None:
            continue
        if value not in ANSWERS:
            errors.append((name, _answer_error(value)))
        elif code in known:
            if value == YES:
                indicators.append(code)
            elif value == DONT_KNOW:
                unknown.append(code)
        elif not catalogues.catalogues_with(code):
            errors.append((name, _("unknown indicator %(code)s") % {"code": code}))
        elif catalogue is not None:
            errors.append(
                (
                    name,
                    _("%(code)s is not in catalogue %(catalogue)s")
                    % {"code": code, "catalogue": catalogue.code},
                )
            )

    act = fields.get(ACT, "")
    if act and act not in ANSWERS:
        errors.append((ACT, _answer_error(act)))

    site_type = fields.get("site_type", "")
    if site_type not in SITE_TYPES:
        errors.append(
            ("site_type", _not_one_of(site_type, SiteType.values))
            if site_type
            else ("site_type", _("required"))
        )
    voivodeship = fields.get("voivodeship", "")
    if voivodeship and voivodeship not in VOIVODESHIP_CODES:
        errors.append(
            ("voivodeship", _("%(value)r is not a TERYT code (02 ... 32)") % {"value": voivodeship})
        )
    language = fields.get("interview_language", "")
    if language and language not in LANGUAGE_CODES:
        errors.append(("interview_language", _("unknown language %(value)r") % {"value": language}))
    factors = tuple(fields.get(FACTORS_FIELD, "").split())
    if bad := vulnerability.unknown_factors(factors):
        errors.append((FACTORS_FIELD, _("unknown factors: %(codes)s") % {"codes": ", ".join(bad)}))
    needs = tuple(fields.get(NEEDS_FIELD, "").split())
    if bad := vulnerability.unknown_needs(needs):
        errors.append((NEEDS_FIELD, _("unknown needs: %(codes)s") % {"codes": ", ".join(bad)}))
    consent = fields.get(CONSENT, "")
    identity = None
    if consent and consent not in (YES, NO):
        errors.append((CONSENT, _("answer %(value)r: expected yes or no") % {"value": consent}))
    elif consent == YES:
        identity = _identity(fields, errors)

    if errors or catalogue is None:
        return errors
    return Submission(
        instance_id=instance,
        catalogue=catalogue.code,
        catalogue_version=catalogue.version,
        indicators=tuple(sorted(indicators)),
        indicators_unknown=tuple(sorted(unknown)),
        act=act == YES,
        factors=factors,
        needs=needs,
        site_type=site_type,
        voivodeship=voivodeship,
        interview_language=language,
        identity=identity,
    )


def submission_date(value: str) -> datetime.date | None:
    """`2025-11-30`, or the date of `2025-11-30T10:15:00.000+01:00`; None if neither."""
    match = DATE_PREFIX.match(value)
    if match is None:
        return None
    try:
        return datetime.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _identity(fields: Mapping[str, str], errors: list[tuple[str, str]]) -> Identity | None:
    """The person a consented submission names, or None when it names nobody (then the
    screening stays anonymous). Problems go to `errors`, without the values."""
    if not any(fields.get(name, "") for name in IDENTIFYING_FIELDS):
        return None
    before = len(errors)
    names = {}
    for name in ("given_name", "family_name"):
        names[name] = fields.get(name, "")
        if len(names[name]) > MAX_LENGTHS[name]:
            errors.append(
                (name, _("longer than %(count)d characters") % {"count": MAX_LENGTHS[name]})
            )
    phone = ""
    try:
        phone = normalise_phone(fields.get("phone", ""))
    except ValidationError as exc:
        errors.append(("phone", " ".join(exc.messages)))
    date_of_birth = None
    if raw := fields.get("date_of_birth", ""):
        date_of_birth = submission_date(raw) if ISO_DATE.match(raw) else None
        if date_of_birth is None:
            errors.append(("date_of_birth", _("not a date (expected YYYY-MM-DD)")))
        else:
            try:
                validate_birth_date(date_of_birth)
            except ValidationError as exc:
                errors.append(("date_of_birth", " ".join(exc.messages)))
    method = fields.get(CONSENT_METHOD, "")
    if not method:
        errors.append((CONSENT_METHOD, _("required when consent is yes and the person is named")))
    elif method not in CONSENT_METHODS:
        errors.append((CONSENT_METHOD, _not_one_of(method, ConsentMethod.values)))
    sex = fields.get(SEX, "")
    if sex and sex not in SEXES:
        errors.append((SEX, _not_one_of(sex, Sex.values)))
    consent_date = None
    for name in CONSENT_DATE_FIELDS:
        if value := fields.get(name, ""):
            if (consent_date := submission_date(value)) is None:
                errors.append(
                    (name, _("%(value)r is not a date or a date and time") % {"value": value})
                )
            break
    if len(errors) > before:
        return None
    return Identity(
        given_name=names["given_name"],
        family_name=names["family_name"],
        phone=phone,
        date_of_birth=date_of_birth,
        sex=sex,
        consent_method=method,
        consent_date=consent_date or timezone.localdate(),
    )
