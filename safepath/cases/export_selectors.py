"""Reads of exports. An export belongs to the user who asked for it: anyone else gets
404, as for one that does not exist."""

import uuid

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases.models import CaseExport, ExportKind, ExportStatus
from safepath.cases.selectors import visible_cases


def my_exports(actor: User) -> QuerySet[CaseExport]:
    return CaseExport.objects.filter(created_by=actor).select_related("case", "case__person")


def access_export(*, actor: User, export_id: uuid.UUID | str) -> CaseExport:
    try:
        key = uuid.UUID(str(export_id))
    except ValueError as exc:
        raise Http404 from exc
    export = my_exports(actor).filter(public_id=key).first()
    if export is None:
        raise Http404
    return export


def downloadable(actor: User, export: CaseExport) -> bool:
    """Ready, not expired, and still within the user's reach: a case PDF only while the
    case is, identity only while the role may see it."""
    if export.status != ExportStatus.READY:
        return False
    if export.expires_at is None or export.expires_at <= timezone.now():
        return False
    if export.identity and not policies.can(actor, "person.view_identity"):
        return False
    if export.kind == ExportKind.CASE_PDF:
        return (
            export.case_id is not None and visible_cases(actor).filter(pk=export.case_id).exists()
        )
    return True
