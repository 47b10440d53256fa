"""API shapes for people. Validation reuses safepath.people.validators."""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Schema
from pydantic import Field, field_validator

from safepath.people import validators
from safepath.people.models import (
    AgeBand,
    ChildStatus,
    Difficulty,
    ProtectionStatus,
)

SexCode = Literal["female", "male", "other", "unknown"]
# Spelled out for the OpenAPI schema; tests/people check they match the model choices.
AgeBandCode = Literal["0-4", "5-11", "12-17", "18-59", "60+", "unknown"]
ProtectionCode = Literal[
    "temporary_protection",
    "asylum_seeker",
    "refugee",
    "subsidiary_protection",
    "residence_permit",
    "citizen",
    "undocumented",
    "other",
    "unknown",
]
ChildStatusCode = Literal["", "unaccompanied", "separated"]
DifficultyCode = Literal["no", "some", "a_lot", "cannot"]
SpokenLanguageCode = Literal["uk", "ru", "pl", "en", "be", "rom", "other"]
CHOICE_LITERALS = {
    AgeBand: AgeBandCode,
    ProtectionStatus: ProtectionCode,
    ChildStatus: ChildStatusCode,
    Difficulty: DifficultyCode,
}
# One Literal, not a union: a union makes pydantic report each member as a separate error.
DifficultyOrBlank = Literal[DifficultyCode, ""]
ShortText = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=10000)]


class PersonIn(Schema):
    given_name: ShortText = ""
    family_name: ShortText = ""
    date_of_birth: datetime.date | None = None
    phone: Annotated[str, Field(max_length=32)] = ""
    document_number: ShortText = ""
    address: Annotated[str, Field(max_length=1000)] = ""
    notes: LongText = ""
    sex: SexCode = "unknown"
    age_band: AgeBandCode = "unknown"
    nationality: Annotated[str, Field(max_length=3)] = ""
    languages: list[SpokenLanguageCode] = Field(default_factory=list, max_length=10)
    voivodeship: Annotated[str, Field(max_length=2)] = ""
    arrival_date: datetime.date | None = None
    protection_status: ProtectionCode = "unknown"
    child_status: ChildStatusCode = ""
    wg_seeing: DifficultyOrBlank = ""
    wg_hearing: DifficultyOrBlank = ""
    wg_walking: DifficultyOrBlank = ""
    wg_remembering: DifficultyOrBlank = ""
    wg_selfcare: DifficultyOrBlank = ""
    wg_communicating: DifficultyOrBlank = ""

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _run(validators.normalise_phone, value)

    @field_validator("nationality")
    @classmethod
    def _nationality(cls, value: str) -> str:
        return _run(validators.validate_nationality, value)

    @field_validator("voivodeship")
    @classmethod
    def _voivodeship(cls, value: str) -> str:
        return _run(validators.validate_voivodeship, value)

    @field_validator("date_of_birth")
    @classmethod
    def _birth(cls, value: datetime.date | None) -> datetime.date | None:
        return _run(validators.validate_birth_date, value)

    @field_validator("arrival_date")
    @classmethod
    def _arrival(cls, value: datetime.date | None) -> datetime.date | None:
        return _run(validators.validate_not_future, value)


def _run[T](check: "validators.Check[T]", value: T) -> T:
    try:
        return check(value)
    except DjangoValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from exc


class PersonCreated(Schema):
    id: str
    code: str


class PersonIdentity(Schema):
    given_name: str
    family_name: str
    date_of_birth: datetime.date | None
    phone: str
    document_number: str
    address: str
    notes: str


class PersonOut(Schema):
    id: str
    code: str
    sex: str
    age_band: str
    nationality: str
    languages: list[str]
    voivodeship: str
    arrival_date: datetime.date | None
    protection_status: str
    child_status: str
    disability: bool | None
    organisation: str
    team: str | None
    version: int
    created_at: datetime.datetime
    identity: PersonIdentity | None = None


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None
