"""Exports of cases made by the background worker: a caseload (CSV, XLSX) or one
case's summary (PDF).

The file is not in the database: it is sealed with the field key in
`SAFEPATH_PRIVATE_DIR/exports/` (`safepath.cases.export_files`) and removed once it
expires, `SAFEPATH_EXPORT_EXPIRY_DAYS` after it was ready (default 7). An export belongs
to the user who asked for it; nobody else reaches it. The row keeps what was asked
(kind, filter, whether identity is in it, language) and the progress, never a value.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import OrganisationRecord
from safepath.cases.models.case import Case
from safepath.core.models import TimeStampedModel


class ExportKind(models.TextChoices):
    CASELOAD_CSV = "caseload_csv", _lazy("Caseload (CSV)")
    CASELOAD_XLSX = "caseload_xlsx", _lazy("Caseload (Excel, XLSX)")
    CASE_PDF = "case_pdf", _lazy("Case summary (PDF)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _lazy("Waiting")
    RUNNING = "running", _lazy("Being prepared")
    READY = "ready", _lazy("Ready")
    FAILED = "failed", _lazy("Failed")
    EXPIRED = "expired", _lazy("Expired")


class CaseExport(TimeStampedModel, OrganisationRecord):
    """One export asked for by `created_by`. `total` and `done` count the cases written
    so far, updated by the worker as it goes."""

    Kind = ExportKind
    Status = ExportStatus

    kind = models.CharField(_lazy("kind"), max_length=16, choices=ExportKind.choices)
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="exports",
        null=True,
        blank=True,
        verbose_name=_lazy("case"),
    )
    # The case list's status filter ("" for every status); caseload exports only.
    status_filter = models.CharField(_lazy("status filter"), max_length=16, blank=True)
    identity = models.BooleanField(_lazy("with identity"), default=False)
    language = models.CharField(_lazy("language"), max_length=8)
    status = models.CharField(
        _lazy("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(_lazy("cases"), default=0)
    done = models.PositiveIntegerField(_lazy("cases written"), default=0)
    size_bytes = models.PositiveBigIntegerField(_lazy("size"), default=0)
    finished_at = models.DateTimeField(_lazy("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_lazy("expires at"), null=True, blank=True)
    message = models.TextField(_lazy("message"), blank=True, default="")

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["created_by", "-id"]),
            # The purge's question: ready exports past their expiry.
            models.Index(
                fields=["expires_at"],
                condition=models.Q(status="ready"),
                name="case_export_expiry_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="case_pdf", case__isnull=False)
                | (~models.Q(kind="case_pdf") & models.Q(case__isnull=True)),
                name="case_export_case_only_for_pdf",
            )
        ]
        verbose_name = _lazy("export")
        verbose_name_plural = _lazy("exports")

    def __str__(self) -> str:
        return f"export {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("cases:export_detail", args=[self.public_id])

    @property
    def working(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.READY:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
