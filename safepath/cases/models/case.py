"""A case: the protection work for one person, in HTCDS terms, with its timeline.

safepath records an identification decision (the trafficking status, who decided it
and when); it never computes one. A case opened from a screening carries the
screening (its outcome is shown on the case, and a possible victim starts as
`PossibleVictimOfTrafficking`). Saves are optimistic: every change states the
`version` it was based on, and a stale one is refused.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import OrganisationRecord
from safepath.cases.vocabularies import (
    CLOSED_STATUSES,
    CaseStatus,
    DecidingOrganisation,
    GuardianStatus,
    RelationshipToTrafficker,
    RiskLevel,
    SupportPlanType,
    TraffickingStatus,
)
from safepath.core.fields import EncryptedTextField
from safepath.core.models import TimeStampedModel
from safepath.people.models import Person
from safepath.screening.models import Screening


class Case(TimeStampedModel, OrganisationRecord):
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_lazy("person")
    )
    screening = models.ForeignKey(
        Screening,
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
        verbose_name=_lazy("screening"),
    )
    status = models.CharField(
        _lazy("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_lazy("caseworker"),
    )

    # Identification, as decided by an authorised body (HTCDS vic_ fields).
    trafficking_status = models.CharField(
        _lazy("trafficking status"), max_length=32, choices=TraffickingStatus.choices, blank=True
    )
    trafficking_status_decided_by = models.CharField(
        _lazy("decided by"), max_length=40, choices=DecidingOrganisation.choices, blank=True
    )
    trafficking_status_date = models.DateField(_lazy("decided on"), null=True, blank=True)
    exploitation_types = models.JSONField(_lazy("types of exploitation"), default=list, blank=True)
    forced_labour_industries = models.JSONField(
        _lazy("forced labour industries"), default=list, blank=True
    )
    means_of_control = models.JSONField(_lazy("means of control"), default=list, blank=True)
    recruitment_methods = models.JSONField(
        _lazy("methods of recruitment"), default=list, blank=True
    )
    relationship_to_trafficker = models.CharField(
        _lazy("relationship to the trafficker"),
        max_length=16,
        choices=RelationshipToTrafficker.choices,
        blank=True,
    )

    # Children's safeguards.
    is_child = models.BooleanField(_lazy("child"), default=False)
    guardian_status = models.CharField(
        _lazy("legal guardian"), max_length=16, choices=GuardianStatus.choices, blank=True
    )
    guardian_court = models.CharField(_lazy("family court"), max_length=200, blank=True)
    guardian_appointed_on = models.DateField(_lazy("guardian appointed on"), null=True, blank=True)
    support_plan_type = models.CharField(
        _lazy("support plan"), max_length=40, choices=SupportPlanType.choices, blank=True
    )

    risk_level = models.CharField(
        _lazy("risk level"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    # Free text about a person's safety can identify them or others: encrypted.
    safety_concerns = EncryptedTextField(_lazy("safety concerns"), blank=True, default="")

    version = models.PositiveIntegerField(default=1)
    closed_at = models.DateTimeField(_lazy("closed at"), null=True, blank=True)
    # When identity and free text were removed (retention or erasure): from then on the
    # case is a statistical record and takes no more changes.
    anonymised_at = models.DateTimeField(_lazy("anonymised at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["organisation", "-id"]),
            models.Index(fields=["team", "-id"]),
            models.Index(fields=["owner", "-id"]),
            # The retention run's question: closed cases not yet anonymised, oldest first.
            models.Index(
                fields=["closed_at"],
                condition=models.Q(anonymised_at__isnull=True, closed_at__isnull=False),
                name="case_retention_due",
            ),
        ]
        verbose_name = _lazy("case")
        verbose_name_plural = _lazy("cases")

    def __str__(self) -> str:
        return f"case {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.public_id])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class CaseEvent(models.Model):
    """One line of a case's timeline: what happened, who did it, when. `detail` holds
    names of fields and codes, never identity or free text (the notes hold that)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class CaseNote(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_lazy("note"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _lazy("case note")
        verbose_name_plural = _lazy("case notes")

    def __str__(self) -> str:
        return f"note {self.public_id}"
