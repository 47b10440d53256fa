"""The case's history: historic trafficking events and the perpetrators (HTCDS `hte_`
and `per_` records), as the person told them.

An event is a step of what happened to the person: recruitment, transit or
exploitation (`hte_Type`), where (the country as ISO 3166-1 alpha-3, like
`Person.nationality`, and the place as free text) and when (a date, not in the future),
with a description. A perpetrator has a role in the process (HTCDS `per_RoleInProcess`,
the list the reports to law enforcement use), a sex and a nationality, and what
identifies them: a name or alias and a description. Everything typed is encrypted at
rest, shown only to roles that may see the person's identity, and emptied when the
case is anonymised; the codes (kind, country, date, role, sex, nationality) stay for
statistics.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from safepath.cases.models.case import Case
from safepath.cases.models.reports import PerpetratorRole
from safepath.core.fields import EncryptedTextField
from safepath.core.geography import country_name
from safepath.core.models import TimeStampedModel
from safepath.people.models import Sex


class TraffickingEventKind(models.TextChoices):  # HTCDS hte_Type
    RECRUITMENT = "Recruitment", _lazy("Recruitment")
    TRANSIT = "Transit", _lazy("Transit")
    EXPLOITATION = "Exploitation", _lazy("Exploitation")


class TraffickingEvent(TimeStampedModel):
    """One historic trafficking event of a case. `created_at` is when it was recorded."""

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="trafficking_events",
        verbose_name=_lazy("case"),
    )
    kind = models.CharField(_lazy("kind"), max_length=16, choices=TraffickingEventKind.choices)
    country = models.CharField(_lazy("country"), max_length=3, blank=True)
    place = EncryptedTextField(_lazy("place"), blank=True, default="")
    date = models.DateField(_lazy("date"), null=True, blank=True)
    description = EncryptedTextField(_lazy("description"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = [models.F("date").asc(nulls_last=True), "id"]
        verbose_name = _lazy("trafficking event")
        verbose_name_plural = _lazy("trafficking events")

    def __str__(self) -> str:
        return f"trafficking event {self.public_id}"

    @property
    def country_name(self) -> str:
        return country_name(self.country) if self.country else ""


class CasePerpetrator(TimeStampedModel):
    """A perpetrator named in a case. `created_at` is when it was recorded."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="perpetrators", verbose_name=_lazy("case")
    )
    role = models.CharField(_lazy("role"), max_length=32, choices=PerpetratorRole.choices)
    sex = models.CharField(_lazy("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    nationality = models.CharField(_lazy("nationality"), max_length=3, blank=True)
    # Who they are: free text that identifies someone, encrypted.
    name = EncryptedTextField(_lazy("name or alias"), blank=True, default="")
    description = EncryptedTextField(_lazy("description"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _lazy("perpetrator")
        verbose_name_plural = _lazy("perpetrators")

    def __str__(self) -> str:
        return f"perpetrator {self.public_id}"

    @property
    def nationality_name(self) -> str:
        return country_name(self.nationality) if self.nationality else ""
