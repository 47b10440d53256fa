"""Erasure requests: a person's data erased before the retention period ends.

A caseworker asks, from one of the person's cases, for the person's data to be erased
(the person's request under GDPR art. 17, or another reason, said in free text); a
supervisor who did not ask approves or rejects it. Approval executes it at once: the
person's identity and the free text of all their cases are removed (see
`safepath.cases.retention_services`). The request stays as the proof: who asked, who
approved, when it was executed, and what it removed, as counts per field (`removed`),
never values. Its own free text is removed by the execution too.

Cases anonymised when their retention period ran out, or by an erasure, carry
`Case.anonymised_at`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy

from safepath.cases.models.case import Case
from safepath.core.fields import EncryptedTextField
from safepath.core.models import TimeStampedModel
from safepath.people.models import Person


class ErasureReason(models.TextChoices):
    PERSON_REQUEST = "gdpr_art17", _lazy("The person's request (GDPR art. 17)")
    OTHER = "other", _lazy("Other")


class ErasureStatus(models.TextChoices):
    PENDING = "pending", _lazy("Waiting for a decision")
    REJECTED = "rejected", _lazy("Rejected")
    EXECUTED = "executed", _lazy("Approved and executed")


class ErasureRequest(TimeStampedModel):
    """A request to erase a person's data now. It is asked from one of the person's
    cases (`case`): who may see and decide it follows that case. `created_at` is when
    it was asked."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="erasure_requests",
        verbose_name=_lazy("person"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="erasure_requests", verbose_name=_lazy("case")
    )
    reason = models.CharField(_lazy("reason"), max_length=16, choices=ErasureReason.choices)
    # What the person asked, or the other reason: free text, encrypted.
    reason_detail = EncryptedTextField(_lazy("details"), blank=True, default="")
    status = models.CharField(
        _lazy("status"),
        max_length=8,
        choices=ErasureStatus.choices,
        default=ErasureStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(_lazy("decided at"), null=True, blank=True)
    decision_comment = EncryptedTextField(_lazy("comment on the decision"), blank=True, default="")
    executed_at = models.DateTimeField(_lazy("executed at"), null=True, blank=True)
    cases_anonymised = models.PositiveIntegerField(_lazy("cases anonymised"), default=0)
    # The proof of what the execution removed: {"person.given_name": 1, "notes": 3, ...}.
    removed = models.JSONField(_lazy("removed"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="pending"),
                name="one_pending_erasure_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="executed")
                | (
                    Q(decided_by__isnull=False)
                    & Q(decided_at__isnull=False)
                    & Q(executed_at__isnull=False)
                ),
                name="erasure_executed_has_proof",
            ),
        ]
        verbose_name = _lazy("erasure request")
        verbose_name_plural = _lazy("erasure requests")

    def __str__(self) -> str:
        return f"erasure request {self.public_id}"

    @property
    def removed_total(self) -> int:
        return sum(int(count) for count in (self.removed or {}).values())
