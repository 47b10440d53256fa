"""Every write to statistics exports (`StatisticsExport`): ask for one, download it,
purge the expired.

Asking needs `insights.export` (analysts, for their organisation). The file is made by
the worker (`safepath.insights.export_tasks.build_statistics_export`) from what the
requester may see: the CTDC files from the cases in their reach, the HXL table and the
trends report from the figures of their organisation. It waits sealed with the field
key in `SAFEPATH_PRIVATE_DIR/insights-exports/` (`safepath.core.private_files`) until
it expires. Every request, download and purge is audited, with the kind and the names
of the parameters, never a value of a record.
"""

import datetime
import logging
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.audit.events import record
from safepath.core import private_files
from safepath.core.crypto import DecryptionError
from safepath.core.exceptions import NotAllowed
from safepath.insights import export_selectors, hxl, k_anonymity
from safepath.insights.models import StatisticsExport
from safepath.insights.models.exports import StatisticsExportKind, StatisticsExportStatus

logger = logging.getLogger(__name__)

CTDC_KINDS: Final = (StatisticsExportKind.CTDC_GLOBAL, StatisticsExportKind.CTDC_SYNTHETIC_V2)
MAX_K: Final = 1000
LANGUAGES: Final = frozenset(code for code, _name in settings.LANGUAGES)
SYSTEM: Final = "system:exports"  # the actor of the purge
DIRECTORY: Final = "insights-exports"


class InvalidParameters(ValueError):
    """What was asked cannot be exported; `field` names the parameter, the message
    says why in the active language."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def report_languages() -> tuple[str, ...]:
    from safepath.insights import trends_pdf

    return tuple(trends_pdf.LANGUAGES)


def parameters_for(
    kind: str,
    *,
    k: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    month: datetime.date | None = None,
    report_language: str | None = None,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The stored parameters of an export of `kind`, checked; `InvalidParameters`
    otherwise. Parameters another kind takes are ignored."""
    if kind not in StatisticsExportKind.values:
        raise InvalidParameters("kind", _("Choose one of the exports listed."))
    if kind in CTDC_KINDS:
        k = k_anonymity.DEFAULT_K if k is None else k
        # A record-level file is no safer than the partner tables: k is never
        # below the partner minimum cell size (the command line, run by an
        # operator, still takes k from 2).
        least = settings.SAFEPATH_STATS_PARTNER_MIN
        if isinstance(k, bool) or not isinstance(k, int) or not least <= k <= MAX_K:
            raise InvalidParameters(
                "k",
                _("k must be a whole number from %(least)d to %(most)d.")
                % {"least": least, "most": MAX_K},
            )
        return {"k": k, "max_suppression": k_anonymity.DEFAULT_MAX_SUPPRESSION}
    if kind == StatisticsExportKind.HXL_WEEKLY:
        try:
            first, after = hxl.period(start, end, today=today)
        except hxl.PeriodError as exc:
            raise InvalidParameters("end", str(exc)) from exc
        return {"from": first.isoformat(), "to": (after - hxl.WEEK).isoformat()}
    from safepath.insights import trends_pdf

    if month is None:
        raise InvalidParameters("month", _("Choose the month of the report."))
    try:
        first_day = trends_pdf.report_month(month, today or timezone.localdate())
    except ValueError as exc:
        raise InvalidParameters(
            "month", _("Choose a month from January 2000 to this month.")
        ) from exc
    if report_language not in trends_pdf.LANGUAGES:
        raise InvalidParameters("report_language", _("Choose English or Polish."))
    return {"month": f"{first_day:%Y-%m}", "language": report_language}


def _language(language: str) -> str:
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


def _enqueue(export: StatisticsExport) -> None:
    from safepath.insights import export_tasks

    transaction.on_commit(lambda: export_tasks.build_statistics_export.enqueue(export.pk))


@transaction.atomic
def export_request(
    *,
    actor: User,
    kind: str,
    language: str,
    k: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    month: datetime.date | None = None,
    report_language: str | None = None,
    via: str = "web",
) -> StatisticsExport:
    """An export of `kind` queued for the worker. `NotAllowed` without `insights.export`,
    `InvalidParameters` for what cannot be exported; nothing is written then."""
    if actor.organisation_id is None or not policies.can(actor, "insights.export"):
        raise NotAllowed("insights.export")
    parameters = parameters_for(
        kind, k=k, start=start, end=end, month=month, report_language=report_language
    )
    export = StatisticsExport.objects.create(
        organisation_id=actor.organisation_id,
        team_id=actor.team_id,
        created_by=actor,
        kind=kind,
        parameters=parameters,
        language=_language(language),
    )
    record(
        actor=actor,
        action="insights.export_requested",
        object_type="statistics_export",
        object_id=str(export.public_id),
        purpose="export",
        detail={
            "via": via,
            "target": kind,
            "filters": sorted(parameters),
            "language": export.language,
        },
    )
    _enqueue(export)
    return export


# --- the file -----------------------------------------------------------------------------


def sealed_path(export: StatisticsExport) -> Path:
    return private_files.directory(DIRECTORY) / f"{export.public_id}.sealed"


def store(export: StatisticsExport, data: bytes) -> None:
    private_files.write_sealed(sealed_path(export), data)


def discard(export: StatisticsExport) -> bool:
    """Remove the file; whether there was one."""
    try:
        sealed_path(export).unlink()
    except FileNotFoundError:
        return False
    return True


def export_download(*, actor: User, export: StatisticsExport, via: str = "web") -> bytes:
    """The plain file of the actor's own ready export; 404 when it is not downloadable
    (expired, failed, the role changed, or its file gone). Audited."""
    if export.created_by_id != actor.pk or not export_selectors.downloadable(actor, export):
        raise Http404
    try:
        data = private_files.read_sealed(sealed_path(export))
    except (FileNotFoundError, DecryptionError) as exc:
        logger.error(
            "statistics export %s: the file cannot be read (%s)",
            export.public_id,
            type(exc).__name__,
        )
        raise Http404 from exc
    record(
        actor=actor,
        action="insights.export_downloaded",
        object_type="statistics_export",
        object_id=str(export.public_id),
        purpose="export",
        detail={"via": via, "target": export.kind},
    )
    return data


def expiry_of(ready_at: datetime.datetime) -> datetime.datetime:
    return ready_at + datetime.timedelta(days=settings.SAFEPATH_EXPORT_EXPIRY_DAYS)


def purge_expired_exports(*, via: str, now: datetime.datetime | None = None) -> int:
    """Delete the files of ready exports past their expiry and mark them expired, one
    at a time (its row locked), each audited. Answers how many were purged; a second
    run, or two at once, purge nothing twice."""
    now = now or timezone.now()
    due = StatisticsExport.objects.filter(status=StatisticsExportStatus.READY, expires_at__lte=now)
    purged = 0
    for export_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            export = (
                StatisticsExport.objects.select_for_update()
                .filter(pk=export_id, status=StatisticsExportStatus.READY, expires_at__lte=now)
                .first()
            )
            if export is None:
                continue
            # The file goes first: should the update fail, the export stays "ready"
            # without a file (its download answers 404) and the next run marks it.
            discard(export)
            export.status = StatisticsExportStatus.EXPIRED
            export.save(update_fields=["status", "updated_at"])
            record(
                actor=None,
                username=SYSTEM,
                action="insights.export_purged",
                object_type="statistics_export",
                object_id=str(export.public_id),
                detail={"via": via, "target": export.kind, "reason": "expired"},
            )
        purged += 1
    return purged
