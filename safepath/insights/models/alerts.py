"""Alerts of unusual weekly rises (issue 6, §2), and the comments staff add to them.

An `Alert` says that one series (a measure, and one value of one of its dimensions, in
one voivodeship, for one organisation) rose unusually in one week: the week's count,
the mean and standard deviation of the 8 weeks before, and the Poisson probability of
a count at least as high. Only codes and numbers: the reason is rendered in the
reader's language from them (`safepath.insights.alerts`). Written by detection
(`safepath.insights.alerts.detect`), acknowledged and commented through
`safepath.insights.alert_services`. No person data: an alert counts records, it never
points at one.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import Organisation

MAX_COMMENT = 2000


class AlertStatus(models.TextChoices):
    OPEN = "open", _lazy("Open")
    ACKNOWLEDGED = "acknowledged", _lazy("Acknowledged")


class Alert(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    week = models.DateField(_lazy("week"))
    """The Monday of the week (Europe/Warsaw)."""
    measure = models.CharField(max_length=24)
    dimension = models.CharField(max_length=24)
    """A dimension of the measure, or "all" for the measure's total."""
    value = models.CharField(max_length=48)
    voivodeship = models.CharField(max_length=2)
    count = models.PositiveIntegerField()
    baseline_mean = models.FloatField()
    baseline_sd = models.FloatField()
    p_value = models.FloatField()
    status = models.CharField(max_length=16, choices=AlertStatus, default=AlertStatus.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week", "-count", "id"]
        verbose_name = _lazy("alert")
        verbose_name_plural = _lazy("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "week", "measure", "dimension", "value", "voivodeship"],
                name="insights_alert_one_per_series_and_week",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status", "week"], name="alert_inbox")]

    def __str__(self) -> str:
        return f"alert {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.status == AlertStatus.OPEN

    @property
    def reason(self) -> str:
        """Why it was raised, in the active language (`safepath.insights.alerts.reason`)."""
        from safepath.insights.alerts import reason

        return reason(self)


class AlertComment(models.Model):
    """A note by staff about the trend an alert shows (never about a person)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_lazy("comment"), max_length=MAX_COMMENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _lazy("alert comment")
        verbose_name_plural = _lazy("alert comments")

    def __str__(self) -> str:
        return f"comment {self.public_id}"
