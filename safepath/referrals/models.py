"""Referrals of a person to a service (issue 5 §4): from a screening or a case, to a
service of the directory, an organisation in safepath, or a recipient outside it.

A referral belongs to the sending organisation (`OrganisationRecord`: organisation,
team, created_by) and is seen by the receiving one (`to_organisation`), whose partner
focal points see only the fields that were shared: `shared` is a snapshot, taken when
it was sent, of exactly the fields the consent (or legal ground) covered and the
caseworker chose, encrypted as a whole. The receiver never reads the person record.

Identity leaves only with a valid consent of the person for referral to that recipient
(`consent`), or a recorded legal ground (child protection, imminent danger) approved by
a supervisor (`legal_ground_approved_by`). The states and who moves them are in
`safepath.referrals.transition_services`; every step is a `ReferralEvent`, and on the case's
timeline when there is a case.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import Organisation, OrganisationRecord
from safepath.cases.models import Case
from safepath.core.fields import EncryptedTextField
from safepath.core.models import TimeStampedModel
from safepath.directory.models import Service, TranslatedText
from safepath.people.models import Consent, Person
from safepath.screening.models import Screening


class ReferralStatus(models.TextChoices):
    # A referral on a legal ground waits for a supervisor other than its author.
    AWAITING_APPROVAL = "awaiting_approval", _lazy("Waiting for a supervisor's approval")
    SENT = "sent", _lazy("Sent")
    ACCEPTED = "accepted", _lazy("Accepted")
    DECLINED = "declined", _lazy("Declined")
    IN_PROGRESS = "in_progress", _lazy("In progress")
    COMPLETED = "completed", _lazy("Completed")
    WITHDRAWN = "withdrawn", _lazy("Withdrawn")


OPEN_STATUSES = (
    ReferralStatus.AWAITING_APPROVAL,
    ReferralStatus.SENT,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
)


class LegalGround(models.TextChoices):
    NONE = "", _lazy("None (the person's consent)")
    CHILD_PROTECTION = "child_protection", _lazy("Child protection")
    IMMINENT_DANGER = "imminent_danger", _lazy("Imminent danger")


class SentVia(models.TextChoices):
    SAFEPATH = "safepath", _lazy("In safepath")
    EMAIL = "email", _lazy("E-mail")
    PHONE = "phone", _lazy("Phone")
    IN_PERSON = "in_person", _lazy("In person")
    POST = "post", _lazy("Post")
    FAX = "fax", _lazy("Fax")


class Referral(TimeStampedModel, OrganisationRecord):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    screening = models.ForeignKey(
        Screening, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    # The recipient: a directory service (whose provider may be in safepath), an
    # organisation in safepath, or someone outside it (`external_recipient`).
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    to_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
        verbose_name=_lazy("to organisation"),
    )
    external_recipient = models.CharField(
        _lazy("recipient outside safepath"), max_length=200, blank=True, default=""
    )
    recipient_language = models.CharField(
        _lazy("recipient's language"), max_length=8, blank=True, default=""
    )
    purpose = EncryptedTextField(_lazy("purpose"))
    urgent = models.BooleanField(_lazy("urgent"), default=False)
    respond_by = models.DateTimeField(_lazy("answer due by"))
    status = models.CharField(
        _lazy("status"), max_length=24, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    status_changed_at = models.DateTimeField(_lazy("status changed"), auto_now_add=True)
    # What the recipient sees: field names, and their values as sent (JSON, encrypted).
    shared_fields = models.JSONField(_lazy("shared fields"), default=list, blank=True)
    shared = EncryptedTextField(_lazy("shared data"), blank=True, default="")
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    legal_ground = models.CharField(
        _lazy("legal ground"), max_length=24, choices=LegalGround.choices, blank=True, default=""
    )
    legal_ground_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_lazy("legal ground approved by"),
    )
    sent_via = models.CharField(
        _lazy("sent by"), max_length=16, choices=SentVia.choices, default=SentVia.SAFEPATH
    )
    decline_reason = EncryptedTextField(_lazy("reason for declining"), blank=True, default="")
    outcome = EncryptedTextField(_lazy("outcome"), blank=True, default="")
    answered_at = models.DateTimeField(_lazy("answered at"), null=True, blank=True)
    completed_at = models.DateTimeField(_lazy("completed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["to_organisation", "status"]),
            models.Index(fields=["status", "respond_by"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_organisation__isnull=False)
                | ~models.Q(external_recipient=""),
                name="referral_has_a_recipient",
            ),
        ]
        verbose_name = _lazy("referral")
        verbose_name_plural = _lazy("referrals")

    def __str__(self) -> str:
        return f"referral {self.public_id}"


class ReferralUpdate(TimeStampedModel):
    """A progress note on a referral, by the sender or the receiver (encrypted)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_lazy("update"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _lazy("referral update")
        verbose_name_plural = _lazy("referral updates")

    def __str__(self) -> str:
        return f"update {self.public_id}"


class ReferralEvent(models.Model):
    """One step of a referral: what happened, who, when. `detail` holds codes only."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(max_length=32)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """A message in a user's inbox in the app. Its text is a code and codes (`kind`,
    `detail`) rendered in the reader's language; the e-mail that may go with it holds
    only a link, never personal data."""

    public_id = models.UUIDField(unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32)
    detail = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class PathwayTemplate(TimeStampedModel):
    """A referral pathway for a situation (issue 5 §5), editable by administrators:
    when a screening or case matches `trigger`, the caseworker is offered the services
    of `service_types` (taxonomy term codes of the service-type taxonomy), nearest
    first, matching the person's language and `groups` where given.

    `trigger` is a small JSON rule read by `safepath.referrals.pathways`, e.g.
    {"outcome": ["possible_victim"], "flags": ["unaccompanied_child"], "needs": ["medical"]}:
    the pathway applies when every key listed matches at least one of its values."""

    code = models.SlugField(_lazy("code"), max_length=64, unique=True)
    name = TranslatedText(_lazy("name"))
    description = TranslatedText(_lazy("description"))
    trigger = models.JSONField(_lazy("when it applies"), default=dict, blank=True)
    service_types = models.JSONField(_lazy("service types"), default=list, blank=True)
    groups = models.JSONField(_lazy("groups served"), default=list, blank=True)
    active = models.BooleanField(_lazy("active"), default=True)
    position = models.PositiveSmallIntegerField(_lazy("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _lazy("referral pathway")
        verbose_name_plural = _lazy("referral pathways")

    def __str__(self) -> str:
        return self.code
