"""Organisations, teams, staff users with one role each, and API tokens."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from safepath.core.geography import VOIVODESHIP_CODES


class OrganisationType(models.TextChoices):
    INTERNATIONAL = "international", _lazy("International organisation")
    NGO = "ngo", _lazy("Non-governmental organisation")
    GOVERNMENT = "government", _lazy("Government")
    LAW_ENFORCEMENT = "law_enforcement", _lazy("Law enforcement")
    SERVICE_PROVIDER = "service_provider", _lazy("Shelter or service provider")


class Organisation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_lazy("name"), max_length=200)
    code = models.SlugField(
        _lazy("short code"),
        max_length=32,
        unique=True,
        allow_unicode=False,
        help_text=_lazy("Capital letters, digits and hyphens, for example IOM or POLICE-PK."),
    )
    type = models.CharField(_lazy("type"), max_length=32, choices=OrganisationType.choices)
    is_active = models.BooleanField(_lazy("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _lazy("organisation")
        verbose_name_plural = _lazy("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Team(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=_lazy("organisation"),
    )
    name = models.CharField(_lazy("name"), max_length=200)
    voivodeship = models.CharField(
        _lazy("voivodeship"),
        max_length=2,
        blank=True,
        choices=[(code, code) for code in VOIVODESHIP_CODES],
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="team_unique_name_per_org"
            )
        ]
        verbose_name = _lazy("team")
        verbose_name_plural = _lazy("teams")

    def __str__(self) -> str:
        return f"{self.organisation.code} / {self.name}"


class Role(models.TextChoices):
    ADMIN = "admin", _lazy("Administrator")
    SUPERVISOR = "supervisor", _lazy("Supervisor")
    CASEWORKER = "caseworker", _lazy("Caseworker")
    HOTLINE_OPERATOR = "hotline_operator", _lazy("Hotline operator")
    PARTNER_FOCAL_POINT = "partner_focal_point", _lazy("Partner focal point")
    ANALYST = "analyst", _lazy("Analyst")
    TRAINER = "trainer", _lazy("Trainer")


class User(AbstractUser):
    """A staff member. Every user belongs to one organisation and holds one role."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(_lazy("role"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        verbose_name=_lazy("organisation"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
        verbose_name=_lazy("team"),
    )
    language = models.CharField(
        _lazy("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _lazy("user")  # type: ignore[assignment]
        verbose_name_plural = _lazy("users")  # type: ignore[assignment]


class ApiToken(models.Model):
    """A bearer token for machine clients. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"token {self.prefix}… of {self.user_id}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class OrganisationRecord(models.Model):
    """A record owned by an organisation (and optionally one of its teams), created by a
    staff member: the three fields `policies.scoped` and `policies.in_scope` filter on.
    Every protected record (people, screenings, later cases) inherits them from here."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_lazy("organisation"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_lazy("team"),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_lazy("created by")
    )

    class Meta:
        abstract = True
