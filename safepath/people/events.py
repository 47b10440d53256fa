"""Audit events about people. Never the identity values themselves."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from safepath.audit.events import record, record_many

if TYPE_CHECKING:
    from safepath.accounts.models import Organisation, User
    from safepath.people.models import Consent, Person


def person_viewed(*, actor: "User", person: "Person", purpose: str, via: str) -> None:
    record(
        actor=actor,
        action="person.viewed",
        object_type="person",
        object_id=str(person.public_id),
        purpose=purpose,
        detail={"via": via},
    )


def people_listed(*, actor: "User", count: int, via: str, filters: list[str]) -> None:
    record(
        actor=actor,
        action="person.listed",
        object_type="person",
        detail={"count": count, "via": via, "filters": filters},
    )


def people_searched(*, actor: "User", count: int, via: str, method: str) -> None:
    record(
        actor=actor,
        action="person.searched",
        object_type="person",
        detail={"count": count, "via": via, "method": method},
    )


def person_created(*, actor: "User", person: "Person", via: str) -> None:
    record(
        actor=actor,
        action="person.created",
        object_type="person",
        object_id=str(person.public_id),
        detail={"via": via},
    )


def person_changed(*, actor: "User", person: "Person", fields: list[str], via: str) -> None:
    record(
        actor=actor,
        action="person.changed",
        object_type="person",
        object_id=str(person.public_id),
        detail={"fields": sorted(fields), "via": via},
    )


def consent_recorded(*, actor: "User", consent: "Consent") -> None:
    record(
        actor=actor,
        action="consent.given" if consent.given else "consent.withdrawn",
        object_type="person",
        object_id=str(consent.person.public_id),
        purpose=consent.purpose,
        detail={"target": consent.recipient.code if consent.recipient else ""},
    )


def people_created(*, actor: "User", people: Sequence["Person"], via: str) -> int:
    """`person.created` for each of many people (a bulk import)."""
    return record_many(
        actor=actor,
        action="person.created",
        object_type="person",
        object_ids=[str(person.public_id) for person in people],
        detail={"via": via},
    )


def consents_recorded(
    *,
    actor: "User",
    people: Sequence["Person"],
    purpose: str,
    given: bool,
    recipient: "Organisation | None",
) -> int:
    """What `consent_recorded` writes, for the same decision of many people."""
    return record_many(
        actor=actor,
        action="consent.given" if given else "consent.withdrawn",
        object_type="person",
        object_ids=[str(person.public_id) for person in people],
        purpose=purpose,
        detail={"target": recipient.code if recipient else ""},
    )
