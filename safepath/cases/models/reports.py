"""Reports to law enforcement: a structured report on a case, its approval and its fate.

A report moves draft → awaiting approval → approved (by a supervisor who did not write
it; a rejection sends it back to draft with a comment) → sent (to which unit, by which
channel, on which day) → acknowledged → outcome recorded. Everything a person typed
(facts, places, what happened there, who the perpetrators are) is encrypted at rest.

The person's identity goes into the report's PDF only when the person consented to
sharing it with law enforcement (a `Consent` of purpose `law_enforcement`, checked each
time the PDF is made) or when a legal ground for sharing without consent is recorded on
the report (child protection, imminent danger).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from safepath.cases.models.case import Case
from safepath.core.fields import EncryptedTextField
from safepath.core.geography import VOIVODESHIP_CODES, country_name, voivodeship_name
from safepath.core.models import TimeStampedModel


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _lazy("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _lazy("Awaiting approval")
    APPROVED = "approved", _lazy("Approved")
    SENT = "sent", _lazy("Sent")
    ACKNOWLEDGED = "acknowledged", _lazy("Acknowledged")
    CONCLUDED = "concluded", _lazy("Outcome recorded")


# Once approved, the content is what the supervisor approved: it no longer changes.
LOCKED_STATUSES = frozenset(
    {
        ReportStatus.APPROVED,
        ReportStatus.SENT,
        ReportStatus.ACKNOWLEDGED,
        ReportStatus.CONCLUDED,
    }
)


class LegalGround(models.TextChoices):
    """Grounds for sharing a person's identity with law enforcement without consent."""

    CHILD_PROTECTION = "child_protection", _lazy("Child protection")
    IMMINENT_DANGER = "imminent_danger", _lazy("Imminent danger to life or health")


class SendingChannel(models.TextChoices):
    IN_PERSON = "in_person", _lazy("Handed over in person")
    REGISTERED_POST = "registered_post", _lazy("Registered post")
    ELECTRONIC_DELIVERY = "electronic_delivery", _lazy("Electronic delivery (e-Doręczenia, ePUAP)")
    SECURE_EMAIL = "secure_email", _lazy("Encrypted e-mail")
    OTHER = "other", _lazy("Other")


class ReportOutcome(models.TextChoices):
    INVESTIGATION_OPENED = "investigation_opened", _lazy("Investigation opened")
    NO_ACTION = "no_action", _lazy("No action taken")
    REFERRED = "referred", _lazy("Referred to another authority")


class PerpetratorRole(models.TextChoices):  # HTCDS per_RoleInProcess
    TRAVELLING_PARTNER = "TravellingPartner", _lazy("Travelling partner")
    TRANSPORTER = "Transporter", _lazy("Transporter")
    RECRUITER = "RecruiterOrIntermediary", _lazy("Recruiter or intermediary")
    BROKER = "BrokerTravelAgent", _lazy("Broker or travel agent")
    TRANSFERRED = "TransferredIndividual", _lazy("Transferred the person")
    HARBOURED = "HarbouredIndividual", _lazy("Harboured the person")
    SOLD = "SoldIndividual", _lazy("Sold the person")
    BOUGHT = "BoughtIndividual", _lazy("Bought the person")
    RECEIVED = "ReceivedIndividual", _lazy("Received the person")
    CONTROLLED = "ControlledIndividual", _lazy("Controlled the person")
    SMUGGLER = "Smuggler", _lazy("Smuggler")
    ABUSER = "Abuser", _lazy("Abuser")
    KIDNAPPER = "Kidnapper", _lazy("Kidnapper")
    EXPLOITER = "Exploiter", _lazy("Exploiter")
    OTHER = "Other", _lazy("Other")


class LawEnforcementReport(TimeStampedModel):
    """One report on a case. It reaches who its case reaches (`case.organisation`,
    `case.team`, `case.owner`); `created_by` is its author, who may not approve it."""

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="law_enforcement_reports",
        verbose_name=_lazy("case"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _lazy("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)

    # The content.
    facts = EncryptedTextField(_lazy("facts"), blank=True, default="")
    # Indicator codes of the case's screening that the report names, in catalogue order.
    indicators = models.JSONField(_lazy("indicators observed"), default=list, blank=True)
    legal_ground = models.CharField(
        _lazy("legal ground for sharing without consent"),
        max_length=20,
        choices=LegalGround.choices,
        blank=True,
    )
    legal_ground_reason = EncryptedTextField(
        _lazy("why the legal ground applies"), blank=True, default=""
    )
    legal_ground_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    legal_ground_recorded_at = models.DateTimeField(null=True, blank=True)

    # Approval.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The last rejection's comment (free text about the report): encrypted.
    review_comment = EncryptedTextField(_lazy("comment"), blank=True, default="")
    approved_at = models.DateTimeField(_lazy("approved at"), null=True, blank=True)

    # Sending and what came of it. A unit's name is not personal data.
    sent_to_unit = models.CharField(_lazy("unit"), max_length=200, blank=True)
    sent_channel = models.CharField(
        _lazy("channel"), max_length=20, choices=SendingChannel.choices, blank=True
    )
    sent_on = models.DateField(_lazy("sent on"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    acknowledged_on = models.DateField(_lazy("acknowledged on"), null=True, blank=True)
    police_reference = models.CharField(_lazy("their reference"), max_length=64, blank=True)
    outcome = models.CharField(
        _lazy("outcome"), max_length=24, choices=ReportOutcome.choices, blank=True
    )
    outcome_on = models.DateField(_lazy("outcome on"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _lazy("report to law enforcement")
        verbose_name_plural = _lazy("reports to law enforcement")

    def __str__(self) -> str:
        return f"law-enforcement report {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("cases:report_detail", args=[self.public_id])

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATUSES


class ReportPlace(models.Model):
    """A place and date in the report: where, when, and what happened there."""

    report = models.ForeignKey(
        LawEnforcementReport, on_delete=models.CASCADE, related_name="places"
    )
    position = models.PositiveSmallIntegerField(default=0)
    place = EncryptedTextField(_lazy("place"))
    country = models.CharField(_lazy("country"), max_length=3, blank=True)
    voivodeship = models.CharField(
        _lazy("voivodeship"),
        max_length=2,
        blank=True,
        choices=[(code, code) for code in VOIVODESHIP_CODES],
    )
    date = models.DateField(_lazy("date"), null=True, blank=True)
    what_happened = EncryptedTextField(_lazy("what happened"), blank=True, default="")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"place {self.position} of {self.report_id}"

    @property
    def country_name(self) -> str:
        return country_name(self.country) if self.country else ""

    @property
    def voivodeship_name(self) -> str:
        return voivodeship_name(self.voivodeship) if self.voivodeship else ""


class ReportPerpetrator(models.Model):
    """A perpetrator: their role in the process and what is known of them (encrypted)."""

    report = models.ForeignKey(
        LawEnforcementReport, on_delete=models.CASCADE, related_name="perpetrators"
    )
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(_lazy("role"), max_length=32, choices=PerpetratorRole.choices)
    description = EncryptedTextField(_lazy("description"), blank=True, default="")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"perpetrator {self.position} of {self.report_id}"
