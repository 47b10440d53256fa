"""The one writer of audit events.

`detail` may hold ids, counts and names of fields that changed; never the
values of identity fields, search words or free text. Callers pass only
what is safe; `record` refuses keys that look like values.
"""

from typing import TYPE_CHECKING, Any

from safepath.audit.models import AuditEvent
from safepath.core.request_context import current_request_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from safepath.accounts.models import User

_SAFE_DETAIL_KEYS = frozenset(
    {"count", "fields", "filters", "reason", "method", "via", "token_prefix", "language", "target"}
)


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
    detail = detail or {}
    unknown = set(detail) - _SAFE_DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit detail keys not allowed: {sorted(unknown)}")
    real_actor = actor if actor is not None and actor.is_authenticated else None
    organisation = getattr(real_actor, "organisation", None)
    return AuditEvent.objects.create(
        actor_id=real_actor.pk if real_actor else None,
        actor_username=real_actor.get_username() if real_actor else username[:150],
        organisation_code=organisation.code if organisation else "",
        role=getattr(real_actor, "role", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        purpose=purpose,
        request_id=current_request_id(),
        outcome=outcome,
        detail=detail,
    )
