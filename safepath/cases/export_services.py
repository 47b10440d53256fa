"""Every write to exports (`CaseExport`): ask for one, download it, purge the expired.

The file is made by the worker (`safepath.cases.tasks.build_case_export`). Asking
needs `case.view` (a caseload holds the cases in reach; a case PDF needs the case,
reached through `access_case` by the caller). Identity needs a role that may see it;
the views also ask for a password check made in the last five minutes first, as for
every identity leaving the system. Every request, download and purge is audited.
"""

import datetime
import logging
from typing import Final

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases import export_events, export_files, export_selectors
from safepath.cases.models import Case, CaseExport, ExportKind, ExportStatus
from safepath.cases.vocabularies import CaseStatus
from safepath.core.crypto import DecryptionError
from safepath.core.exceptions import NotAllowed

logger = logging.getLogger(__name__)

CASELOAD_KINDS: Final = (ExportKind.CASELOAD_CSV, ExportKind.CASELOAD_XLSX)
LANGUAGES: Final = frozenset(code for code, _name in settings.LANGUAGES)


def may_include_identity(actor: User) -> bool:
    return policies.can(actor, "person.view_identity")


def _language(language: str) -> str:
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


def _enqueue(export: CaseExport) -> None:
    from safepath.cases import tasks

    transaction.on_commit(lambda: tasks.build_case_export.enqueue(export.pk))


@transaction.atomic
def caseload_export_request(
    *, actor: User, kind: str, status: str, identity: bool, language: str, via: str = "web"
) -> CaseExport:
    """A caseload export of the cases in reach (of one status, or all), queued."""
    if actor.organisation_id is None or not policies.can(actor, "case.view"):
        raise NotAllowed("case.view")
    if identity and not may_include_identity(actor):
        raise NotAllowed("person.view_identity")
    if kind not in CASELOAD_KINDS:
        raise ValueError(f"not a caseload export: {kind!r}")
    if status and status not in CaseStatus.values:
        raise ValueError(f"not a case status: {status!r}")
    export = CaseExport.objects.create(
        organisation_id=actor.organisation_id,
        team_id=actor.team_id,
        created_by=actor,
        kind=kind,
        status_filter=status,
        identity=identity,
        language=_language(language),
    )
    export_events.export_requested(actor=actor, export=export, via=via)
    _enqueue(export)
    return export


@transaction.atomic
def case_pdf_request(
    *, actor: User, case: Case, identity: bool, language: str, via: str = "web"
) -> CaseExport:
    """A summary PDF of one case the caller reached through `access_case`, queued."""
    if actor.organisation_id is None or not policies.in_scope(
        actor, "case.view", case, owner_field="owner"
    ):
        raise NotAllowed("case.view")
    if identity and not policies.in_scope(actor, "person.view_identity", case.person):
        raise NotAllowed("person.view_identity")
    export = CaseExport.objects.create(
        organisation_id=actor.organisation_id,
        team_id=actor.team_id,
        created_by=actor,
        kind=ExportKind.CASE_PDF,
        case=case,
        identity=identity,
        language=_language(language),
    )
    export_events.export_requested(actor=actor, export=export, via=via)
    _enqueue(export)
    return export


def export_download(*, actor: User, export: CaseExport, via: str = "web") -> bytes:
    """The plain file of the actor's own ready export; 404 when it is not downloadable
    (expired, failed, out of reach now, or its file gone). Audited."""
    if export.created_by_id != actor.pk or not export_selectors.downloadable(actor, export):
        raise Http404
    try:
        data = export_files.read(export)
    except (FileNotFoundError, DecryptionError) as exc:
        logger.error(
            "export %s: the file cannot be read (%s)", export.public_id, type(exc).__name__
        )
        raise Http404 from exc
    export_events.export_downloaded(actor=actor, export=export, via=via)
    return data


def expiry_of(ready_at: datetime.datetime) -> datetime.datetime:
    return ready_at + datetime.timedelta(days=settings.SAFEPATH_EXPORT_EXPIRY_DAYS)


def purge_expired_exports(*, via: str, now: datetime.datetime | None = None) -> int:
    """Delete the files of ready exports past their expiry and mark them expired, one
    export at a time (its row locked), each audited. Answers how many were purged; a
    second run, or two at once, purge nothing twice."""
    now = now or timezone.now()
    due = CaseExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now)
    purged = 0
    for export_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            export = (
                CaseExport.objects.select_for_update()
                .filter(pk=export_id, status=ExportStatus.READY, expires_at__lte=now)
                .first()
            )
            if export is None:
                continue
            # The file goes first: should the update fail, the export stays "ready"
            # without a file (its download answers 404) and the next run marks it.
            export_files.discard(export)
            export.status = ExportStatus.EXPIRED
            export.save(update_fields=["status", "updated_at"])
            export_events.export_purged(export=export, via=via)
        purged += 1
    return purged


def withdraw_exports_of(
    *, organisation_id: int, case_id: int | None, via: str, reason: str = "anonymised"
) -> int:
    """Exports that may hold what anonymising a case or a person just removed (or a
    person transferred to another organisation: `reason` "transferred"), made
    unreachable now rather than at their expiry: the case's PDFs, and every export with
    identity made in the organisation of the case or person (a caseload file does not
    say whose cases it holds, so all of them go). Exports not yet built are withdrawn
    too; their build then keeps nothing. The files are deleted once the caller's
    transaction commits; each withdrawal is audited. Answers how many were withdrawn."""
    live = (ExportStatus.QUEUED, ExportStatus.RUNNING, ExportStatus.READY)
    holding = Q(organisation_id=organisation_id, identity=True)
    if case_id is not None:
        holding |= Q(case_id=case_id)
    withdrawn = list(CaseExport.objects.filter(holding, status__in=live).select_for_update())
    if not withdrawn:
        return 0
    now = timezone.now()
    CaseExport.objects.filter(pk__in=[e.pk for e in withdrawn]).update(
        status=ExportStatus.EXPIRED, expires_at=now, updated_at=now
    )
    for export in withdrawn:
        export_events.export_purged(export=export, via=via, reason=reason)
    transaction.on_commit(lambda: [export_files.discard(export) for export in withdrawn])
    return len(withdrawn)
