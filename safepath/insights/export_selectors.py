"""Reads of statistics exports. An export belongs to the user who asked for it: anyone
else gets 404, as for one that does not exist."""

import uuid

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.insights.models import StatisticsExport
from safepath.insights.models.exports import StatisticsExportStatus


def my_exports(actor: User) -> QuerySet[StatisticsExport]:
    return StatisticsExport.objects.filter(created_by=actor)


def access_export(*, actor: User, export_id: uuid.UUID | str) -> StatisticsExport:
    try:
        key = uuid.UUID(str(export_id))
    except ValueError as exc:
        raise Http404 from exc
    export = my_exports(actor).filter(public_id=key).first()
    if export is None:
        raise Http404
    return export


def downloadable(actor: User, export: StatisticsExport) -> bool:
    """Ready, not expired, and the user may still export statistics for the
    organisation it was made for (a user moved elsewhere takes no file along)."""
    if export.status != StatisticsExportStatus.READY:
        return False
    if export.organisation_id != actor.organisation_id:
        return False
    if export.expires_at is None or export.expires_at <= timezone.now():
        return False
    return policies.can(actor, "insights.export")
