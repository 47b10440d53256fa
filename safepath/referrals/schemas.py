"""Shapes of the referrals API."""

import uuid

from ninja import Schema
from pydantic import ConfigDict, Field

from safepath.screening.schemas import PersonRef, Timestamp


class ReferralIn(Schema):
    """Refer a person: to a directory service (`service`, its HSDS id), an organisation
    in safepath (`organisation`, its code) or a recipient outside safepath
    (`external_recipient`, then `sent_via` says how it went). `share`: the fields sent
    (the code always); identity fields need the person's consent or a `legal_ground`."""

    model_config = ConfigDict(extra="forbid")
    person: uuid.UUID
    case: uuid.UUID | None = None
    screening: uuid.UUID | None = None
    service: uuid.UUID | None = None
    organisation: str | None = Field(None, max_length=50)
    external_recipient: str | None = Field(None, max_length=200)
    purpose: str = Field(max_length=2000)
    urgent: bool = False
    share: list[str] = Field(default_factory=list, max_length=40)
    legal_ground: str = Field("", max_length=24)
    sent_via: str = Field("", max_length=16, description="Empty: in safepath.")
    recipient_language: str = Field("", max_length=8)


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field("", max_length=5000)


class OutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    outcome: str = Field(max_length=5000)


class UpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=5000)


class SharedFieldOut(Schema):
    """A field as shared, in the reader's language; `hidden` when the reader may not
    see its value."""

    name: str
    label: str
    value: str
    hidden: bool = False


class RecipientOut(Schema):
    service: str | None
    organisation: str | None
    external: str | None
    sent_via: str
    language: str


class UpdateOut(Schema):
    id: str
    author: str
    text: str
    created_at: Timestamp


class ReferralOut(Schema):
    """A referral. The sender sees the person (pseudonymously), case and screening; the
    receiver sees none of them: only `shared`, the fields sent."""

    id: str
    status: str
    urgent: bool
    respond_by: Timestamp
    overdue: bool
    purpose: str
    from_organisation: str
    recipient: RecipientOut
    legal_ground: str
    legal_ground_approved: bool
    shared: list[SharedFieldOut]
    decline_reason: str
    outcome: str
    updates: list[UpdateOut] | None = Field(None, description="In one referral only, not in lists.")
    person: PersonRef | None = None
    case: str | None = None
    screening: str | None = None
    created_at: Timestamp
    status_changed_at: Timestamp
    answered_at: Timestamp | None
    completed_at: Timestamp | None
    version: int


class ReferralCreated(Schema):
    """The answer to creating a referral: ids, state and the names of the fields shared,
    never their values (it is kept 24 hours for `Idempotency-Key` retries, and identity
    is never stored in the clear). `GET /referrals/{id}` reads the whole referral."""

    id: str
    status: str
    urgent: bool
    respond_by: Timestamp
    person: PersonRef
    shared_fields: list[str]


class ReferralPage(Schema):
    items: list[ReferralOut]
    next_cursor: str | None
