"""Rollup tables: the pre-counted figures every dashboard, alert and statistics output reads.

Dashboards never scan the raw tables (issue 6, §5). `Rollup` holds, for each measure
(screenings, possible victims, cases, assistance, referrals), counts per period (week
or month), organisation, voivodeship, population and one breakdown dimension. The
voivodeship and population columns also hold `ALL` ("*") rows, the sums over every
voivodeship or population, so that a dashboard without those filters reads a few
hundred rows, not every combination. Written only by `safepath.insights.rollups`
(rebuild and incremental refresh); never edited by hand.
"""

from django.db import models

from safepath.accounts.models import Organisation

ALL = "*"
"""The voivodeship or population of a row that sums over every voivodeship or population."""

TOTAL_DIMENSION = "all"
"""The dimension (and value) of a row that counts every record, with no breakdown."""


class Grain(models.TextChoices):
    WEEK = "W", "week"
    MONTH = "M", "month"


class Rollup(models.Model):
    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()
    """The Monday of the week or the first day of the month (Europe/Warsaw)."""
    measure = models.CharField(max_length=24)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    voivodeship = models.CharField(max_length=2)
    """A TERYT voivodeship code, "" when not known, or ALL."""
    population = models.CharField(max_length=8)
    """"adult", "child", "" when not known, or ALL."""
    dimension = models.CharField(max_length=24)
    value = models.CharField(max_length=48)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["measure", "dimension", "grain", "voivodeship", "population", "period"],
                name="rollup_lookup",
            ),
            models.Index(fields=["organisation", "grain", "period"], name="rollup_slice"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.measure} {self.grain}{self.period} {self.dimension}={self.value}: {self.count}"
        )


class RollupState(models.Model):
    """One row: when the rollups were last brought up to date, and up to which change."""

    key = models.CharField(max_length=16, unique=True, default="rollups")
    watermark = models.DateTimeField(null=True, blank=True)
    """Every record changed before this instant is counted in the rollups."""
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"rollups up to {self.watermark}"
