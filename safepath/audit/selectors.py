"""Reading the audit trail (administrators only)."""

import datetime

from django.db.models import QuerySet

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.audit.models import AuditEvent


def audit_events(
    actor: User,
    *,
    username: str = "",
    action: str = "",
    object_id: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    # Only administrators hold audit.view, and they hold it for every organisation.
    if policies.scope_for(actor, "audit.view") is not policies.ALL:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if username:
        events = events.filter(actor_username=username)
    if action:
        events = events.filter(action__startswith=action)
    if object_id:
        events = events.filter(object_id=object_id)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events
