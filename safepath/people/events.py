"""Audit events about people. Never the identity values themselves."""

from typing import TYPE_CHECKING

from safepath.audit.events import record

if TYPE_CHECKING:
    from safepath.accounts.models import User
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
