"""Shapes of the cases API."""

import datetime
import uuid

from ninja import Schema
from pydantic import ConfigDict, Field

from safepath.screening.schemas import PersonRef, Timestamp


class CaseIn(Schema):
    """Open a case from a screening (of a person) or for a person."""

    model_config = ConfigDict(extra="forbid")
    screening: uuid.UUID | None = None
    person: uuid.UUID | None = None


class CasePatch(Schema):
    """The `version` read, and only the fields to change."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1)
    status: str | None = Field(None, max_length=32)
    trafficking_status: str | None = Field(None, max_length=40)
    trafficking_status_decided_by: str | None = Field(None, max_length=40)
    trafficking_status_date: datetime.date | None = None
    exploitation_types: list[str] | None = Field(None, max_length=20)
    forced_labour_industries: list[str] | None = Field(None, max_length=25)
    means_of_control: list[str] | None = Field(None, max_length=20)
    recruitment_methods: list[str] | None = Field(None, max_length=20)
    relationship_to_trafficker: str | None = Field(None, max_length=16)
    risk_level: str | None = Field(None, max_length=8)
    safety_concerns: str | None = Field(None, max_length=5000)
    is_child: bool | None = None
    guardian_status: str | None = Field(None, max_length=16)
    guardian_court: str | None = Field(None, max_length=200)
    guardian_appointed_on: datetime.date | None = None
    support_plan_type: str | None = Field(None, max_length=40)


class CaseOut(Schema):
    id: str
    person: PersonRef
    screening: str | None
    organisation: str
    team: str | None
    owner: str
    status: str
    trafficking_status: str
    trafficking_status_decided_by: str
    trafficking_status_date: datetime.date | None
    exploitation_types: list[str]
    forced_labour_industries: list[str]
    means_of_control: list[str]
    recruitment_methods: list[str]
    relationship_to_trafficker: str
    risk_level: str
    is_child: bool
    guardian_status: str
    guardian_court: str
    guardian_appointed_on: datetime.date | None
    support_plan_type: str
    # Only for roles that may see identity; otherwise null.
    safety_concerns: str | None
    version: int
    created_at: Timestamp
    updated_at: Timestamp
    closed_at: Timestamp | None


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None
