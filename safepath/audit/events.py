"""The one writer of audit events.

`detail` may hold ids, counts and names of fields that changed; never the
values of identity fields, search words or free text. Callers pass only
what is safe; `record` refuses keys that look like values.

`record` writes one event. `record_many` writes the same action about many
objects at once (a bulk import), built exactly as `record` builds one.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from safepath.audit.models import AuditEvent
from safepath.core.bulk import insert_copies
from safepath.core.request_context import current_request_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from safepath.accounts.models import User

_SAFE_DETAIL_KEYS = frozenset(
    {"count", "fields", "filters", "reason", "method", "via", "token_prefix", "language", "target"}
)


def _checked(detail: dict[str, Any] | None) -> dict[str, Any]:
    detail = detail or {}
    unknown = set(detail) - _SAFE_DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit detail keys not allowed: {sorted(unknown)}")
    return detail


def _who(actor: "User | AnonymousUser | None", username: str) -> dict[str, Any]:
    """The actor columns of an event."""
    real_actor = actor if actor is not None and actor.is_authenticated else None
    organisation = getattr(real_actor, "organisation", None)
    return {
        "actor_id": real_actor.pk if real_actor else None,
        "actor_username": real_actor.get_username() if real_actor else username[:150],
        "organisation_code": organisation.code if organisation else "",
        "role": getattr(real_actor, "role", "") or "",
    }


def record(
    *,
    actor: "User | AnonymousUser | None",
    action: str,
    object_type: str = "",
    object_id: str = "",
    purpose: str = "",
    outcome: str = "success",
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    detail = _checked(detail)
    return AuditEvent.objects.create(
        **_who(actor, username),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        purpose=purpose,
        request_id=current_request_id(),
        outcome=outcome,
        detail=detail,
    )


def record_many(
    *,
    actor: "User | None",
    action: str,
    object_type: str,
    object_ids: Iterable[str],
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> int:
    """One event per object id, all with the same action, purpose and detail (and time),
    written together (`safepath.core.bulk.insert_copies`). The detail keys follow the
    same allow-list as `record`. Returns the number of events written."""
    detail = _checked(detail)
    prototype = AuditEvent(
        **_who(actor, ""),
        action=action,
        object_type=object_type,
        object_id="",
        purpose=purpose,
        request_id=current_request_id(),
        outcome="success",
        detail=detail,
    )
    return insert_copies(prototype, "object_id", [str(object_id) for object_id in object_ids])
