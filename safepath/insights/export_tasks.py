"""Background work of the statistics exports, run by the worker (`safepath db_worker`).

`build_statistics_export` makes an export's file (`safepath.insights.export_services`).
It first purges the expired exports, then claims the export with one UPDATE from queued
to running, so a task delivered twice does nothing the second time. The CTDC files
take the command's code path (`ctdc.write_ctdc`, `ctdc_synthetic.write_synthetic_v2`)
over the cases the requester may see; the HXL table `hxl.write_hxl` over the figures
of the requester's organisation; the trends report `trends_pdf.build_trends_pdf`. Each
of them audits what it wrote; the task audits the export once ready. Nothing of a
file's content is logged.
"""

import datetime
import io
import logging
from collections.abc import Callable
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.audit.events import record
from safepath.insights import ctdc, ctdc_synthetic, export_services, hxl
from safepath.insights.models import StatisticsExport
from safepath.insights.models.exports import StatisticsExportKind, StatisticsExportStatus

logger = logging.getLogger(__name__)
Kind = StatisticsExportKind
Status = StatisticsExportStatus


class ExportRefused(Exception):
    """The export can no longer be made; the message says why, in the user's language."""


@task
def build_statistics_export(export_id: int) -> None:
    export_services.purge_expired_exports(via="task")
    now = timezone.now()
    claimed = StatisticsExport.objects.filter(pk=export_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=now, updated_at=now
    )
    if not claimed:
        return
    export = StatisticsExport.objects.select_related("created_by").get(pk=export_id)
    with translation.override(export.language):
        _build(export)


def _csv(write: Callable[..., dict[str, Any]], **arguments: Any) -> tuple[bytes, dict[str, Any]]:
    handle = io.StringIO()
    report: dict[str, Any] = write(handle, via="task", **arguments)
    return handle.getvalue().encode("utf-8"), report


CTDC_WRITERS: Final[dict[str, Callable[..., dict[str, Any]]]] = {
    Kind.CTDC_GLOBAL: ctdc.write_ctdc,
    Kind.CTDC_SYNTHETIC_V2: ctdc_synthetic.write_synthetic_v2,
}
"""The record-level, k-anonymised exports: their writers take the same parameters."""


def _content(export: StatisticsExport) -> tuple[bytes, dict[str, Any]]:
    actor = export.created_by
    if not actor.is_active or not policies.can(actor, "insights.export"):
        raise ExportRefused(_("The user who asked for this export may no longer export."))
    parameters = export.parameters
    writer = CTDC_WRITERS.get(export.kind)
    if writer is not None:
        least = settings.SAFEPATH_STATS_PARTNER_MIN
        if parameters["k"] < least:
            # Asked for before the minimum was raised: built at today's rules or not at all.
            raise ExportRefused(
                _("k is now at least %(least)d: ask for this export again.") % {"least": least}
            )
        return _csv(
            writer, actor=actor, k=parameters["k"], max_suppression=parameters["max_suppression"]
        )
    if export.kind == Kind.HXL_WEEKLY:
        first = datetime.date.fromisoformat(parameters["from"])
        after = datetime.date.fromisoformat(parameters["to"]) + hxl.WEEK
        return _csv(hxl.write_hxl, actor=actor, first=first, after=after)
    from safepath.insights.trends_pdf import build_trends_pdf

    month = datetime.date.fromisoformat(f"{parameters['month']}-01")
    try:
        data = build_trends_pdf(actor=actor, month=month, language=parameters["language"])
    except PermissionDenied as exc:
        raise ExportRefused(_("The user who asked for this export may no longer export.")) from exc
    return data, {"month": parameters["month"], "language": parameters["language"]}


def _build(export: StatisticsExport) -> None:
    try:
        data, report = _content(export)
        export_services.store(export, data)
    except ExportRefused as exc:
        _fail(export, str(exc))
        return
    except Exception as exc:
        logger.error("statistics export %s failed: %s", export.public_id, type(exc).__name__)
        _fail(export, _("The export failed. Try again, or ask an administrator."))
        return
    now = timezone.now()
    with transaction.atomic():
        finished = StatisticsExport.objects.filter(pk=export.pk, status=Status.RUNNING).update(
            status=Status.READY,
            report=report,
            size_bytes=len(data),
            finished_at=now,
            expires_at=export_services.expiry_of(now),
            updated_at=now,
        )
        if not finished:  # withdrawn while it was built
            transaction.on_commit(lambda: export_services.discard(export))
            return
        record(
            actor=export.created_by,
            action="insights.exported",
            object_type="statistics_export",
            object_id=str(export.public_id),
            purpose="export",
            detail={"via": "task", "target": export.kind},
        )


def _fail(export: StatisticsExport, message: str) -> None:
    export_services.discard(export)
    StatisticsExport.objects.filter(pk=export.pk).update(
        status=Status.FAILED, message=message, finished_at=timezone.now()
    )
