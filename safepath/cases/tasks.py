"""Background work of the cases app, run by the worker (`safepath db_worker`).

`anonymise_expired_cases` is the retention run (`safepath.cases.retention_services`):
the same code as `safepath cases retention`, which cron calls. Each case is its own
transaction and a case already anonymised is skipped, so a run delivered twice, or at
the same time as the command, anonymises nothing twice.

`build_case_export` makes an export's file (`safepath.cases.export_services`). It first
purges the expired exports, then claims the export with one UPDATE from queued to
running, so a task delivered twice does nothing the second time. It runs outside a long
transaction and writes its progress in small UPDATEs, so the page sees it move. The
file is written in the language of the export; nothing of its content is logged.
"""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.cases import (
    case_pdf,
    caseload_export,
    export_events,
    export_files,
    export_services,
    retention_services,
)
from safepath.cases.models import CaseExport, ExportKind, ExportStatus
from safepath.cases.selectors import visible_cases

logger = logging.getLogger(__name__)


@task
def anonymise_expired_cases() -> dict[str, int | bool]:
    """Anonymise every case closed longer ago than `SAFEPATH_CASE_RETENTION_DAYS`;
    answer the counts (cases, people, failed, values)."""
    return retention_services.run_retention(via="task").as_dict()


class ExportRefused(Exception):
    """The export can no longer be made; the message says why, in the user's language."""


@task
def build_case_export(export_id: int) -> None:
    export_services.purge_expired_exports(via="task")
    claimed = CaseExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return
    export = CaseExport.objects.select_related(
        "created_by", "created_by__organisation", "case", "case__person"
    ).get(pk=export_id)
    with translation.override(export.language):
        _build(export)


def _progress(export: CaseExport, done: int) -> None:
    CaseExport.objects.filter(pk=export.pk).update(done=done, updated_at=timezone.now())


def _content(export: CaseExport) -> bytes:
    actor = export.created_by
    if not actor.is_active or not policies.can(actor, "case.view"):
        raise ExportRefused(_("The user who asked for this export may no longer see cases."))
    identity = export.identity and policies.can(actor, "person.view_identity")
    if export.kind == ExportKind.CASE_PDF:
        case = (
            visible_cases(actor).filter(pk=export.case_id).first()
            if export.case_id is not None
            else None
        )
        if case is None:
            raise ExportRefused(_("This case is no longer within your reach."))
        CaseExport.objects.filter(pk=export.pk).update(total=1)
        export.total = 1
        data = case_pdf.render(case, actor=actor, identity=identity, language=export.language)
        _progress(export, 1)
        return data
    cases = caseload_export.cases_for(actor, status=export.status_filter)
    export.total = cases.count()
    CaseExport.objects.filter(pk=export.pk).update(total=export.total)
    lines = caseload_export.rows(
        actor, cases, identity=identity, progress=lambda done: _progress(export, done)
    )
    if export.kind == ExportKind.CASELOAD_XLSX:
        return caseload_export.as_xlsx(lines, title=_("Cases"))
    return caseload_export.as_csv(lines)


def _build(export: CaseExport) -> None:
    try:
        data = _content(export)
        export_files.store(export, data)
    except ExportRefused as exc:
        _fail(export, str(exc))
        return
    except Exception as exc:
        logger.error("export %s failed: %s", export.public_id, type(exc).__name__)
        _fail(export, _("The export failed. Try again, or ask an administrator."))
        return
    now = timezone.now()
    with transaction.atomic():
        finished = CaseExport.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.READY,
            done=export.total,
            size_bytes=len(data),
            finished_at=now,
            expires_at=export_services.expiry_of(now),
            updated_at=now,
        )
        if not finished:  # withdrawn while it was built (its case was anonymised)
            transaction.on_commit(lambda: export_files.discard(export))
            return
        export_events.exported(actor=export.created_by, export=export)


def _fail(export: CaseExport, message: str) -> None:
    export_files.discard(export)
    CaseExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.FAILED, message=message, finished_at=timezone.now()
    )
