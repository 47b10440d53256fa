"""Standard statistics exports made by the background worker (issue 6, §4).

An analyst asks for one of the field's standard files (`StatisticsExportKind`): the
CTDC Global Dataset (k-anonymised, `safepath.insights.ctdc`), the CTDC synthetic-data
codebook v2 columns (k-anonymised, `safepath.insights.ctdc_synthetic`), the weekly HXL
table for the working group (safe aggregates, `safepath.insights.hxl`) or the monthly
trends report (PDF). The worker (`safepath.insights.export_tasks`) writes the file,
sealed with the field key in `SAFEPATH_PRIVATE_DIR/insights-exports/` like the case
exports (`safepath.core.private_files`), and removes it once it expires,
`SAFEPATH_EXPORT_EXPIRY_DAYS` after it was ready. An export belongs to the user who
asked for it; nobody else reaches it.

The row keeps what was asked (`parameters`: k, the period, the month and language of a
report), the progress, and `report`: the export's own report, counts only (what the
k-anonymisation generalised and how many records it suppressed, how many figures the
safe statistics withheld), never a value of a record.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import OrganisationRecord
from safepath.core.models import TimeStampedModel


class StatisticsExportKind(models.TextChoices):
    CTDC_GLOBAL = "ctdc_global", _lazy("CTDC Global Dataset, k-anonymised (CSV)")
    CTDC_SYNTHETIC_V2 = (
        "ctdc_synthetic_v2",
        _lazy("CTDC synthetic-data codebook v2 columns, k-anonymised (CSV)"),
    )
    HXL_WEEKLY = "hxl_weekly", _lazy("Weekly figures for the working group (HXL CSV)")
    TRENDS_PDF = "trends_pdf", _lazy("Monthly trends report (PDF)")


class StatisticsExportStatus(models.TextChoices):
    QUEUED = "queued", _lazy("Waiting")
    RUNNING = "running", _lazy("Being prepared")
    READY = "ready", _lazy("Ready")
    FAILED = "failed", _lazy("Failed")
    EXPIRED = "expired", _lazy("Expired")


class StatisticsExport(TimeStampedModel, OrganisationRecord):
    """One export asked for by `created_by`."""

    Kind = StatisticsExportKind
    Status = StatisticsExportStatus

    kind = models.CharField(_lazy("kind"), max_length=24, choices=StatisticsExportKind.choices)
    # What was asked, checked by `export_services.parameters_for`: {"k": 11,
    # "max_suppression": 0.05} for the CTDC files, {"from": "YYYY-MM-DD", "to":
    # "YYYY-MM-DD"} (Mondays, `to` exclusive) for HXL, {"month": "YYYY-MM", "language":
    # "en"} for the trends report. Never anything about a person.
    parameters = models.JSONField(_lazy("parameters"), default=dict, blank=True)
    # The language of the page it was asked from: messages and headers are written in it.
    language = models.CharField(_lazy("language"), max_length=8)
    status = models.CharField(
        _lazy("status"),
        max_length=16,
        choices=StatisticsExportStatus.choices,
        default=StatisticsExportStatus.QUEUED,
    )
    # The export's report: counts only (see the module docstring).
    report = models.JSONField(_lazy("report"), default=dict, blank=True)
    size_bytes = models.PositiveBigIntegerField(_lazy("size"), default=0)
    started_at = models.DateTimeField(_lazy("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_lazy("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_lazy("expires at"), null=True, blank=True)
    message = models.TextField(_lazy("message"), blank=True, default="")

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["created_by", "-id"], name="insights_export_mine"),
            # The purge's question: ready exports past their expiry.
            models.Index(
                fields=["expires_at"],
                condition=models.Q(status="ready"),
                name="insights_export_expiry_due",
            ),
        ]
        verbose_name = _lazy("statistics export")
        verbose_name_plural = _lazy("statistics exports")

    def __str__(self) -> str:
        return f"statistics export {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("insights:export", args=[self.public_id])

    @property
    def working(self) -> bool:
        return self.status in (StatisticsExportStatus.QUEUED, StatisticsExportStatus.RUNNING)
