"""API shapes of direct assistance. The item codes are spelled out for the OpenAPI
schema; tests/cases check that they match the model's choices."""

import datetime
import uuid
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from safepath.cases.assistance_services import MAX_QUANTITY
from safepath.screening.schemas import PersonRef, Timestamp

AssistanceKindCode = Literal[
    "nfi_kit",
    "hygiene_kit",
    "food",
    "cash_voucher",
    "shelter_nights",
    "transport",
    "medical_care",
    "mhpss_session",
    "legal_counselling",
    "interpretation",
    "other",
]


class StockIssueIn(Schema):
    model_config = ConfigDict(extra="forbid")
    warehouse: uuid.UUID = Field(description="A warehouse of your organisation.")


class AssistanceIn(Schema):
    """What was given, how much, when, by whom; optionally issued from stock."""

    model_config = ConfigDict(extra="forbid")
    kind: AssistanceKindCode
    quantity: int = Field(
        ge=1,
        le=MAX_QUANTITY,
        description="In the kind's unit: kits, parcels, PLN, nights, journeys, visits, "
        "sessions or hours.",
    )
    given_on: datetime.date = Field(description="Not in the future.")
    provider: str | None = Field(
        None,
        min_length=1,
        max_length=32,
        description="The code of the organisation that gave it; yours when left out.",
    )
    stock_issue: StockIssueIn | None = Field(
        None,
        description="Issue the items (`nfi_kit`, `hygiene_kit`) from this warehouse in the "
        "same step. Not enough stock: 422 naming the item, and nothing is saved.",
    )


class StockIssueOut(Schema):
    warehouse: str
    balance_after: int


class AssistanceOut(Schema):
    id: str
    case: str | None
    person: PersonRef
    kind: str
    quantity: int
    given_on: datetime.date
    provider: str
    recorded_by: str
    recorded_at: Timestamp
    stock_issue: StockIssueOut | None


class AssistancePage(Schema):
    items: list[AssistanceOut]
    next_cursor: str | None
