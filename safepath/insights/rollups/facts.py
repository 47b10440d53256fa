"""What each measure counts: one `Fact` per record, with its breakdown dimensions.

A fact carries the record's organisation, its day (Europe/Warsaw), voivodeship,
population (adult/child, "" when not known) and the (dimension, value) pairs it
counts under. A multi-valued field (indicators, types of exploitation, …) gives one
pair per value, so a breakdown by it counts a record once per value it has (the
dashboards say so). Only codes are read: never a name, a date of birth or free text.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Model, Q, QuerySet

from safepath.cases.models import Assistance, Case
from safepath.people.models import WG_DOMAINS, AgeBand, Difficulty
from safepath.referrals.models import Referral
from safepath.screening.models import Screening

type Pair = tuple[str, str]

UNKNOWN = "unknown"
CHILD_BANDS = frozenset({AgeBand.A0_4.value, AgeBand.A5_11.value, AgeBand.A12_17.value})
ADULT_BANDS = frozenset({AgeBand.A18_59.value, AgeBand.A60.value})
_WG_FIELDS = [name for name, _label in WG_DOMAINS]
_PERSON_FIELDS = ["sex", "age_band", "nationality", "voivodeship", *_WG_FIELDS]


@dataclass(frozen=True, slots=True)
class Fact:
    organisation_id: int
    day: datetime.date
    voivodeship: str
    population: str
    pairs: tuple[Pair, ...]


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure: its records, the day each counts on, and how a record becomes a fact."""

    code: str
    queryset: Callable[[], QuerySet[Any]]
    day_field: str
    """The field whose date places a record in a period (a datetime or a date)."""
    fields: tuple[str, ...]
    to_fact: Callable[[dict[str, Any]], Fact]
    dimensions: tuple[str, ...]
    """The breakdowns this measure offers, in the order dashboards list them."""
    person_path: str
    """The path from the record to its person ("" for the person's own fields)."""

    @property
    def model(self) -> type[Model]:
        return self.queryset().model


def local_day(value: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    return value


def disability(row: dict[str, Any], prefix: str) -> str:
    """Washington Group short set: "yes" with a lot of difficulty or worse in any domain,
    "no" when answered without, "unknown" when not asked."""
    answers = [row.get(prefix + name) or "" for name in _WG_FIELDS]
    if not any(answers):
        return UNKNOWN
    severe = (Difficulty.A_LOT.value, Difficulty.CANNOT.value)
    return "yes" if any(answer in severe for answer in answers) else "no"


def population_of(age_band: str | None) -> str:
    if age_band in CHILD_BANDS:
        return "child"
    if age_band in ADULT_BANDS:
        return "adult"
    return ""


def person_pairs(row: dict[str, Any], prefix: str) -> list[Pair]:
    """Sex, UNHCR age band, disability and nationality of the record's person."""
    if row.get(prefix + "sex") is None and row.get(prefix + "age_band") is None:
        # An anonymous record (a screening without a person).
        return [
            ("sex", UNKNOWN),
            ("age_band", UNKNOWN),
            ("disability", UNKNOWN),
            ("nationality", UNKNOWN),
        ]
    return [
        ("sex", row[prefix + "sex"] or UNKNOWN),
        ("age_band", row[prefix + "age_band"] or UNKNOWN),
        ("disability", disability(row, prefix)),
        ("nationality", row[prefix + "nationality"] or UNKNOWN),
    ]


def many(dimension: str, values: Iterable[str] | None) -> list[Pair]:
    codes = sorted({str(v) for v in values or () if v})
    return [(dimension, code) for code in codes] or [(dimension, UNKNOWN)]


PERSON_DIMENSIONS = ("sex", "age_band", "disability", "nationality")


def _person_fields(path: str) -> tuple[str, ...]:
    return tuple(f"{path}__{name}" for name in _PERSON_FIELDS)


def _screening_fact(row: dict[str, Any]) -> Fact:
    return Fact(
        organisation_id=row["organisation_id"],
        day=local_day(row["created_at"]),
        voivodeship=row["voivodeship"] or "",
        population=row["population"] if row["population"] in ("adult", "child") else "",
        pairs=(
            *person_pairs(row, "person__"),
            ("site_type", row["site_type"] or UNKNOWN),
            *many("indicator", row["indicators"]),
        ),
    )


_SCREENING_FIELDS = (
    "organisation_id",
    "created_at",
    "voivodeship",
    "population",
    "site_type",
    "indicators",
    *_person_fields("person"),
)
_SCREENING_DIMENSIONS = (*PERSON_DIMENSIONS, "site_type", "indicator")


def _possible_victims() -> QuerySet[Screening]:
    return Screening.objects.filter(Q(result__trafficking_indicated=True))


def _case_fact(row: dict[str, Any]) -> Fact:
    population = "child" if row["is_child"] else population_of(row["person__age_band"]) or "adult"
    return Fact(
        organisation_id=row["organisation_id"],
        day=local_day(row["created_at"]),
        voivodeship=row["person__voivodeship"] or "",
        population=population,
        pairs=(
            *person_pairs(row, "person__"),
            ("trafficking_status", row["trafficking_status"] or UNKNOWN),
            *many("exploitation_type", row["exploitation_types"]),
            *many("means_of_control", row["means_of_control"]),
            *many("industry", row["forced_labour_industries"]),
            *many("recruitment", row["recruitment_methods"]),
        ),
    )


_CASE_FIELDS = (
    "organisation_id",
    "created_at",
    "is_child",
    "trafficking_status",
    "exploitation_types",
    "means_of_control",
    "forced_labour_industries",
    "recruitment_methods",
    *_person_fields("person"),
)
_CASE_DIMENSIONS = (
    "trafficking_status",
    *PERSON_DIMENSIONS,
    "exploitation_type",
    "means_of_control",
    "industry",
    "recruitment",
)


def _assistance_fact(row: dict[str, Any]) -> Fact:
    return Fact(
        organisation_id=row["organisation_id"],
        day=local_day(row["given_on"]),
        voivodeship=row["person__voivodeship"] or "",
        population=population_of(row["person__age_band"]),
        pairs=(*person_pairs(row, "person__"), ("assistance_kind", row["kind"] or UNKNOWN)),
    )


_ASSISTANCE_FIELDS = ("organisation_id", "given_on", "kind", *_person_fields("person"))


def _referral_fact(row: dict[str, Any]) -> Fact:
    return Fact(
        organisation_id=row["organisation_id"],
        day=local_day(row["created_at"]),
        voivodeship=row["person__voivodeship"] or "",
        population=population_of(row["person__age_band"]),
        pairs=(
            *person_pairs(row, "person__"),
            ("referral_status", row["status"] or UNKNOWN),
            ("urgent", "yes" if row["urgent"] else "no"),
        ),
    )


_REFERRAL_FIELDS = ("organisation_id", "created_at", "status", "urgent", *_person_fields("person"))

MEASURES: dict[str, Measure] = {
    measure.code: measure
    for measure in (
        Measure(
            "screenings",
            lambda: Screening.objects.all(),
            "created_at",
            _SCREENING_FIELDS,
            _screening_fact,
            _SCREENING_DIMENSIONS,
            "person",
        ),
        Measure(
            "possible_victims",
            _possible_victims,
            "created_at",
            _SCREENING_FIELDS,
            _screening_fact,
            _SCREENING_DIMENSIONS,
            "person",
        ),
        Measure(
            "cases",
            lambda: Case.objects.all(),
            "created_at",
            _CASE_FIELDS,
            _case_fact,
            _CASE_DIMENSIONS,
            "person",
        ),
        Measure(
            "assistance",
            lambda: Assistance.objects.all(),
            "given_on",
            _ASSISTANCE_FIELDS,
            _assistance_fact,
            ("assistance_kind", *PERSON_DIMENSIONS),
            "person",
        ),
        Measure(
            "referrals",
            lambda: Referral.objects.all(),
            "created_at",
            _REFERRAL_FIELDS,
            _referral_fact,
            ("referral_status", "urgent", *PERSON_DIMENSIONS),
            "person",
        ),
    )
}
"""Every measure, by code. Info-line contacts join when safepath records them."""


def facts(measure: Measure, queryset: QuerySet[Any] | None = None) -> Iterator[Fact]:
    """The facts of a measure's records (of `queryset` when given), streamed."""
    rows = (queryset if queryset is not None else measure.queryset()).values(*measure.fields)
    for row in rows.order_by().iterator(chunk_size=5000):
        yield measure.to_fact(row)
