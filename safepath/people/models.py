"""Persons (pseudonymous, identity encrypted) and their consents."""

import secrets
from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import Organisation, OrganisationRecord, User
from safepath.core.fields import EncryptedDateField, EncryptedTextField
from safepath.core.geography import VOIVODESHIP_CODES, country_name, voivodeship_name
from safepath.core.models import TimeStampedModel

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

# Crockford-style alphabet: no I, L, O, U, 0 or 1, so codes read well over a phone line.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_person_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return f"SP-{body[:4]}-{body[4:]}"


SPOKEN_LANGUAGES: list[tuple[str, "StrPromise"]] = [
    ("uk", _lazy("Ukrainian")),
    ("ru", _lazy("Russian")),
    ("pl", _lazy("Polish")),
    ("en", _lazy("English")),
    ("be", _lazy("Belarusian")),
    ("rom", _lazy("Romani")),
    ("other", _lazy("Other")),
]


class Sex(models.TextChoices):
    FEMALE = "female", _lazy("Female")
    MALE = "male", _lazy("Male")
    OTHER = "other", _lazy("Other")
    UNKNOWN = "unknown", _lazy("Unknown")


class AgeBand(models.TextChoices):
    """UNHCR age bands (../shared/reference/vulnerability.md)."""

    A0_4 = "0-4", _lazy("0–4 years")
    A5_11 = "5-11", _lazy("5–11 years")
    A12_17 = "12-17", _lazy("12–17 years")
    A18_59 = "18-59", _lazy("18–59 years")
    A60 = "60+", _lazy("60 years and over")
    UNKNOWN = "unknown", _lazy("Unknown")


class ProtectionStatus(models.TextChoices):
    TEMPORARY_PROTECTION = "temporary_protection", _lazy("Temporary protection")
    ASYLUM_SEEKER = "asylum_seeker", _lazy("Asylum seeker")
    REFUGEE = "refugee", _lazy("Refugee status")
    SUBSIDIARY_PROTECTION = "subsidiary_protection", _lazy("Subsidiary protection")
    RESIDENCE_PERMIT = "residence_permit", _lazy("Residence permit")
    CITIZEN = "citizen", _lazy("Polish citizen")
    UNDOCUMENTED = "undocumented", _lazy("No legal status or undocumented")
    OTHER = "other", _lazy("Other")
    UNKNOWN = "unknown", _lazy("Unknown")


class ChildStatus(models.TextChoices):
    NOT_APPLICABLE = "", _lazy("Not applicable")
    UNACCOMPANIED = "unaccompanied", _lazy("Unaccompanied child")
    SEPARATED = "separated", _lazy("Separated child")


class Difficulty(models.TextChoices):
    """Washington Group Short Set answer scale."""

    NO = "no", _lazy("No difficulty")
    SOME = "some", _lazy("Some difficulty")
    A_LOT = "a_lot", _lazy("A lot of difficulty")
    CANNOT = "cannot", _lazy("Cannot do at all")


WG_DOMAINS: tuple[tuple[str, "StrPromise"], ...] = (
    ("wg_seeing", _lazy("Seeing")),
    ("wg_hearing", _lazy("Hearing")),
    ("wg_walking", _lazy("Walking or climbing steps")),
    ("wg_remembering", _lazy("Remembering or concentrating")),
    ("wg_selfcare", _lazy("Self-care")),
    ("wg_communicating", _lazy("Communicating")),
)


def _wg_field(label: "StrPromise") -> "models.CharField[str, str]":
    return models.CharField(label, max_length=8, choices=Difficulty.choices, blank=True)


class Person(TimeStampedModel, OrganisationRecord):
    """A person safepath protects. Lists show `code`; identity fields are encrypted."""

    code = models.CharField(_lazy("code"), max_length=16, unique=True, default=new_person_code)

    # Identity: encrypted at rest, shown only to roles with person.view_identity.
    given_name = EncryptedTextField(_lazy("given name"), blank=True)
    family_name = EncryptedTextField(_lazy("family name"), blank=True)
    date_of_birth = EncryptedDateField(_lazy("date of birth"), blank=True, null=True)
    phone = EncryptedTextField(_lazy("phone"), blank=True)
    document_number = EncryptedTextField(_lazy("document number"), blank=True)
    address = EncryptedTextField(_lazy("address"), blank=True)
    notes = EncryptedTextField(_lazy("notes"), blank=True)

    # Blind indexes for exact-match search, never reversible without the key.
    name_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    # Not identifying on their own: in clear for statistics.
    sex = models.CharField(_lazy("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    age_band = models.CharField(
        _lazy("age band"), max_length=8, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    nationality = models.CharField(_lazy("nationality"), max_length=3, blank=True)
    languages = models.JSONField(_lazy("languages"), default=list, blank=True)
    voivodeship = models.CharField(
        _lazy("voivodeship"),
        max_length=2,
        blank=True,
        choices=[(code, code) for code in VOIVODESHIP_CODES],
    )
    wg_seeing = _wg_field(_lazy("Seeing"))
    wg_hearing = _wg_field(_lazy("Hearing"))
    wg_walking = _wg_field(_lazy("Walking or climbing steps"))
    wg_remembering = _wg_field(_lazy("Remembering or concentrating"))
    wg_selfcare = _wg_field(_lazy("Self-care"))
    wg_communicating = _wg_field(_lazy("Communicating"))
    arrival_date = models.DateField(_lazy("arrival date"), null=True, blank=True)
    protection_status = models.CharField(
        _lazy("protection status"),
        max_length=32,
        choices=ProtectionStatus.choices,
        default=ProtectionStatus.UNKNOWN,
    )
    child_status = models.CharField(
        _lazy("unaccompanied or separated child"),
        max_length=16,
        choices=ChildStatus.choices,
        blank=True,
        default="",
    )

    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["organisation", "-id"]),
            models.Index(fields=["team", "-id"]),
        ]
        verbose_name = _lazy("person")
        verbose_name_plural = _lazy("people")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("people:detail", kwargs={"person_id": self.public_id})

    @property
    def voivodeship_name(self) -> str:
        return voivodeship_name(self.voivodeship) if self.voivodeship else ""

    @property
    def nationality_name(self) -> str:
        return country_name(self.nationality) if self.nationality else ""

    @property
    def language_names(self) -> list[str]:
        names = dict(SPOKEN_LANGUAGES)
        return [str(names.get(code, code)) for code in self.languages or []]

    @property
    def has_disability(self) -> bool | None:
        """Washington Group cut-off: a lot of difficulty or cannot do, in any domain."""
        answers = [getattr(self, name) for name, _label in WG_DOMAINS]
        if not any(answers):
            return None
        return any(a in (Difficulty.A_LOT, Difficulty.CANNOT) for a in answers)


class ConsentPurpose(models.TextChoices):
    DATA_PROCESSING = "data_processing", _lazy("Processing of personal data")
    REFERRAL = "referral", _lazy("Referral to services")
    LAW_ENFORCEMENT = "law_enforcement", _lazy("Sharing with law enforcement")
    FOLLOW_UP = "follow_up", _lazy("Follow-up contact")


class ConsentMethod(models.TextChoices):
    ORAL_WITNESSED = "oral_witnessed", _lazy("Oral, with a witness")
    WRITTEN = "written", _lazy("Written")
    GUARDIAN = "guardian", _lazy("By the legal guardian")


class Consent(models.Model):
    """One consent decision. Withdrawal is a new row with `given=False`, never an edit."""

    public_id = models.UUIDField(unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_lazy("purpose"), max_length=32, choices=ConsentPurpose.choices)
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_lazy("recipient organisation"),
    )
    given = models.BooleanField(_lazy("consent given"))
    method = models.CharField(_lazy("how"), max_length=32, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_lazy("recorded by")
    )
    recorded_at = models.DateTimeField(_lazy("recorded at"), auto_now_add=True)
    date = models.DateField(_lazy("date"))
    expires_on = models.DateField(_lazy("valid until"), null=True, blank=True)
    # What the person was told: the consent text's version and the language it was read in
    # (empty for a decision recorded without a text shown by safepath).
    language = models.CharField(
        _lazy("language of the consent text"), max_length=8, blank=True, default=""
    )
    text_version = models.CharField(
        _lazy("version of the consent text"), max_length=32, blank=True, default=""
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _lazy("consent")
        verbose_name_plural = _lazy("consents")

    def __str__(self) -> str:
        return f"{self.purpose} {'given' if self.given else 'refused'} {self.date}"
