"""The log of statistics releases: one row per table that left the system.

Written only by `safepath.insights.releases.safe_table`. A row says who released what,
when, for which audience, under which thresholds, over which dimensions, and how many
figures were published or suppressed: never a count of people. Append-only: the
application never updates or deletes a row, and on PostgreSQL a trigger makes the
database refuse it too (migration 0001).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class ReleaseAudience(models.TextChoices):
    PUBLIC = "public", _lazy("public")
    PARTNER = "partner", _lazy("partner")
    INTERNAL = "internal", _lazy("internal")


class StatisticsRelease(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(_lazy("time"), auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(_lazy("actor id"), null=True, blank=True)
    actor_username = models.CharField(_lazy("actor"), max_length=150)
    name = models.CharField(_lazy("table"), max_length=120)
    audience = models.CharField(_lazy("audience"), max_length=16, choices=ReleaseAudience)
    minimum = models.PositiveIntegerField(_lazy("minimum cell size"))
    rounding = models.PositiveIntegerField(_lazy("rounding base"))
    dimensions = models.JSONField(_lazy("dimensions"), default=list)
    strata = models.JSONField(_lazy("strata"), default=list, blank=True)
    cells_published = models.PositiveIntegerField(_lazy("figures published"))
    cells_suppressed = models.PositiveIntegerField(_lazy("figures suppressed"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _lazy("statistics release")
        verbose_name_plural = _lazy("statistics releases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum__gte=1) & models.Q(rounding__gte=1),
                name="statistics_release_thresholds_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.name} ({self.audience})"
