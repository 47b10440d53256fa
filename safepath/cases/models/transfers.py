"""Transfers of a case to another organisation: proposed with the person's consent,
accepted or declined by the receiving organisation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import Organisation
from safepath.cases.models.case import Case
from safepath.core.fields import EncryptedTextField
from safepath.core.models import TimeStampedModel
from safepath.people.models import Consent


class TransferStatus(models.TextChoices):
    PENDING = "pending", _lazy("Waiting for the receiving organisation")
    ACCEPTED = "accepted", _lazy("Accepted")
    DECLINED = "declined", _lazy("Declined")
    CANCELLED = "cancelled", _lazy("Cancelled")


class CaseTransfer(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="incoming_transfers"
    )
    # The person's consent to be referred to the receiving organisation.
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _lazy("status"),
        max_length=16,
        choices=TransferStatus.choices,
        default=TransferStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Why, for the receiving organisation: free text, encrypted.
    reason = EncryptedTextField(_lazy("reason"), blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = EncryptedTextField(_lazy("comment"), blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="one_pending_transfer_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"transfer {self.public_id}"
