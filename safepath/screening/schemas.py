"""API shapes for screenings. Codes (indicators, factors, needs) are checked by the
service, which names every bad code; the closed lists here are spelled out for the
OpenAPI schema (tests/screening check they match the model choices)."""

import datetime
import uuid
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, PlainSerializer, field_validator, model_validator

from safepath.people import validators
from safepath.people.schemas import SpokenLanguageCode

SiteTypeCode = Literal[
    "border_crossing",
    "reception_point",
    "collective_shelter",
    "transit_point",
    "info_line",
    "outreach",
    "other",
]
ConsentMethodCode = Literal["oral_witnessed", "written", "guardian"]
Code = Annotated[str, Field(min_length=1, max_length=32)]
# One spelling of a time on every door: the create answer is stored as JSON for
# Idempotency-Key replays, the reads are rendered by ninja; both must say the same.
Timestamp = Annotated[
    datetime.datetime,
    PlainSerializer(lambda value: value.isoformat().replace("+00:00", "Z"), return_type=str),
]


class LocationIn(Schema):
    site_type: SiteTypeCode
    voivodeship: Annotated[str, Field(max_length=2)] = ""

    @field_validator("voivodeship")
    @classmethod
    def _voivodeship(cls, value: str) -> str:
        try:
            return validators.validate_voivodeship(value)
        except DjangoValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from exc


class VulnerabilityIn(Schema):
    factors: list[Code] = Field(default_factory=list, max_length=50)


class ConsentIn(Schema):
    """Consent to data processing given now. `{}`, null or `given: false`: none given
    in this request (a screening of a person then needs a valid consent on record)."""

    given: bool
    method: ConsentMethodCode | None = None
    date: datetime.date | None = None
    expires_on: datetime.date | None = None

    @field_validator("date")
    @classmethod
    def _date(cls, value: datetime.date | None) -> datetime.date | None:
        try:
            return validators.validate_not_future(value)
        except DjangoValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from exc

    @model_validator(mode="after")
    def _complete(self) -> "ConsentIn":
        if self.given and (self.method is None or self.date is None):
            raise ValueError(_("Say how and when consent was given (method and date)."))
        return self


class ScreeningIn(Schema):
    person: uuid.UUID | None = None
    catalogue: Annotated[str, Field(min_length=1, max_length=16)]
    indicators: list[Code] = Field(default_factory=list, max_length=200)
    # Questions answered "don't know": neither present nor ruled out.
    indicators_unknown: list[Code] = Field(default_factory=list, max_length=200)
    act: bool = False
    vulnerability: VulnerabilityIn = Field(default_factory=VulnerabilityIn)
    needs: list[Code] = Field(default_factory=list, max_length=20)
    consent: ConsentIn | None = None
    location: LocationIn
    interview_language: Literal[SpokenLanguageCode, ""] = ""

    @field_validator("consent", mode="before")
    @classmethod
    def _empty_consent(cls, value: Any) -> Any:
        return None if value == {} else value


class DimensionOut(Schema):
    positive: bool
    strong: int
    medium: int
    weak: int
    indicators: list[str]


class AssessmentOut(Schema):
    """Exactly the keys of `safepath assess --format json`."""

    catalogue: str
    catalogue_version: str
    rule_version: str
    population: str
    dimensions: dict[str, DimensionOut]
    trafficking_indicated: bool
    status: str | None
    missing: list[str]
    explanation: str


class PersonRef(Schema):
    """The person, pseudonymously: never a name or any identity field."""

    id: str
    code: str


class ConsentOut(Schema):
    id: str
    method: str
    date: datetime.date
    expires_on: datetime.date | None


class VulnerabilityOut(Schema):
    factors: list[str]


class PriorityOut(Schema):
    level: str
    reasons: list[str]
    rule_version: str


class LocationOut(Schema):
    voivodeship: str
    site_type: str


class ScreeningOut(Schema):
    id: str
    person: PersonRef | None
    organisation: str
    team: str | None
    created_at: Timestamp
    catalogue: str
    catalogue_version: str
    rule_version: str
    indicators: list[str]
    indicators_unknown: list[str]
    act: bool
    vulnerability: VulnerabilityOut
    needs: list[str]
    priority: PriorityOut
    flags: list[str]
    consent: ConsentOut | None
    location: LocationOut
    interview_language: str
    assessment: AssessmentOut


class ScreeningPage(Schema):
    items: list[ScreeningOut]
    next_cursor: str | None
