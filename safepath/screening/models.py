"""Screenings: the indicators observed, their stored assessment, vulnerability and needs.

A screening keeps the catalogue version and rule version it was assessed with, and the
assessment itself as a snapshot, so that it reads back exactly as it was decided even
after a catalogue or the rules change. `reassess()` runs the engine again on the stored
codes and versions; a test checks it equals the snapshot.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import OrganisationRecord
from safepath.core.geography import VOIVODESHIP_CODES, voivodeship_name
from safepath.core.models import TimeStampedModel
from safepath.people.models import SPOKEN_LANGUAGES, Consent, Person
from safepath.screening.catalogues import registry
from safepath.screening.indicators.catalogue import DIMENSIONS
from safepath.screening.indicators.rules import Assessment, DimensionResult, as_record, assess
from safepath.screening.vulnerability import PRIORITY_LEVELS


class SiteType(models.TextChoices):
    BORDER_CROSSING = "border_crossing", _lazy("Border crossing")
    RECEPTION_POINT = "reception_point", _lazy("Reception point")
    COLLECTIVE_SHELTER = "collective_shelter", _lazy("Collective shelter")
    TRANSIT_POINT = "transit_point", _lazy("Transit point")
    INFO_LINE = "info_line", _lazy("Info line")
    OUTREACH = "outreach", _lazy("Outreach")
    OTHER = "other", _lazy("Other")


def snapshot_of(assessment: Assessment) -> dict[str, Any]:
    """What a screening stores of its assessment: the engine's record, less the catalogue
    and versions (they have columns of their own), plus the elements present."""
    record: dict[str, Any] = as_record(assessment)
    for key in ("catalogue", "catalogue_version", "rule_version"):
        del record[key]
    record["present"] = list(assessment.present)
    return record


class Screening(TimeStampedModel, OrganisationRecord):
    """One screening. `person` is empty for an anonymous screening (no identity, no consent)."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="screenings",
        null=True,
        blank=True,
        verbose_name=_lazy("person"),
    )
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_lazy("consent"),
    )

    # Trafficking indicators and their assessment, as decided.
    catalogue = models.CharField(_lazy("catalogue"), max_length=16)
    catalogue_version = models.CharField(_lazy("catalogue version"), max_length=32)
    rule_version = models.CharField(_lazy("rule version"), max_length=32)
    indicators = models.JSONField(_lazy("indicators"), default=list)
    # Questions answered "don't know": neither present nor ruled out (web screening).
    indicators_unknown = models.JSONField(_lazy("indicators not known"), default=list, blank=True)
    act = models.BooleanField(_lazy("an act took place"), default=False)
    population = models.CharField(_lazy("population"), max_length=8)
    result = models.JSONField(_lazy("assessment"))

    # Vulnerability and needs, and the priority computed from them.
    factors = models.JSONField(_lazy("vulnerability factors"), default=list, blank=True)
    needs = models.JSONField(_lazy("immediate needs"), default=list, blank=True)
    priority = models.CharField(_lazy("priority"), max_length=8, choices=PRIORITY_LEVELS)
    priority_reasons = models.JSONField(_lazy("reasons for the priority"), default=list)
    priority_rule_version = models.CharField(_lazy("priority rule version"), max_length=32)
    flags = models.JSONField(_lazy("flags"), default=list, blank=True)

    # Where and how.
    voivodeship = models.CharField(
        _lazy("voivodeship"),
        max_length=2,
        blank=True,
        choices=[(code, code) for code in VOIVODESHIP_CODES],
    )
    site_type = models.CharField(_lazy("site type"), max_length=24, choices=SiteType.choices)
    interview_language = models.CharField(
        _lazy("interview language"), max_length=8, blank=True, choices=SPOKEN_LANGUAGES
    )

    # Where the screening came from: empty for the web and the API, `xlsform` for an
    # imported submission of the offline form, with its instance id (`uuid:...`), unique
    # in the organisation so that importing a file twice creates nothing the second time.
    source = models.CharField(_lazy("source"), max_length=16, blank=True, default="")
    source_instance_id = models.CharField(  # noqa: DJ001 - NULL: no instance id, not unique
        _lazy("instance id of the submission"), max_length=128, null=True, blank=True
    )

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["organisation", "-id"]),
            models.Index(fields=["team", "-id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_instance_id"],
                condition=models.Q(source_instance_id__isnull=False),
                name="screening_unique_instance_per_organisation",
            )
        ]
        verbose_name = _lazy("screening")
        verbose_name_plural = _lazy("screenings")

    def __str__(self) -> str:
        return f"screening {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("screening:detail", args=[self.public_id])

    @property
    def voivodeship_name(self) -> str:
        return voivodeship_name(self.voivodeship) if self.voivodeship else ""

    def assessment(self) -> Assessment:
        """The stored assessment, exactly as it was decided (read from the snapshot)."""
        result = self.result
        dimensions = {
            name: DimensionResult(
                result["dimensions"][name]["positive"],
                result["dimensions"][name]["strong"],
                result["dimensions"][name]["medium"],
                result["dimensions"][name]["weak"],
                tuple(result["dimensions"][name]["indicators"]),
            )
            for name in DIMENSIONS
        }
        return Assessment(
            catalogue=self.catalogue,
            catalogue_version=self.catalogue_version,
            rule_version=self.rule_version,
            population=result["population"],
            act=self.act,
            indicators=tuple(self.indicators),
            dimensions=dimensions,
            trafficking_indicated=result["trafficking_indicated"],
            status=result["status"],
            present=tuple(result["present"]),
            missing=tuple(result["missing"]),
        )

    def reassess(self) -> Assessment:
        """The engine run again on the stored codes, with the stored catalogue version.

        Raises `ValueError` when the stored rule version is not the engine's any more:
        the rules changed, and the snapshot is the record of what was decided.
        """
        catalogue = registry().get(self.catalogue, self.catalogue_version)
        assessment = assess(catalogue, self.indicators, act=self.act)
        if assessment.rule_version != self.rule_version:
            raise ValueError(
                f"stored rule {self.rule_version}, engine rule {assessment.rule_version}"
            )
        return assessment


class ScreeningDraft(TimeStampedModel, OrganisationRecord):
    """A web screening in progress, saved at every step so that a dropped connection
    loses at most the step on screen. Only its author sees it; finishing it creates the
    Screening and deletes the draft.

    `answers` holds the steps' answers (site, age path, indicator answers, factors,
    needs): never a name or contact. The person, if any, is a link, and the consent
    decision taken at the consent step is a Consent of that person.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    interview_language = models.CharField(max_length=8, choices=SPOKEN_LANGUAGES)
    answers = models.JSONField(default=dict, blank=True)
    # The steps saved so far, in order: the next step to fill is the first not in it.
    steps_done = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _lazy("screening draft")
        verbose_name_plural = _lazy("screening drafts")

    def __str__(self) -> str:
        return f"screening draft {self.public_id}"


class CatalogueVersion(models.Model):
    """A catalogue version an administrator loaded from a file (the built-in ones are
    package data). The file's text is kept as loaded and parsed again when the registry
    is built, so a version reads back exactly; a version is never changed or deleted,
    since screenings were assessed with it."""

    code = models.CharField(_lazy("catalogue"), max_length=16)
    version = models.CharField(_lazy("version"), max_length=32)
    provenance = models.TextField(_lazy("provenance"))
    population = models.CharField(_lazy("population"), max_length=8)
    indicator_count = models.PositiveIntegerField(_lazy("indicators"))
    source_name = models.CharField(_lazy("file"), max_length=200)
    content = models.TextField(_lazy("file content"))
    digest = models.CharField(_lazy("digest"), max_length=64)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_lazy("loaded by"),
    )
    loaded_at = models.DateTimeField(_lazy("loaded at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="catalogue_version_unique")
        ]
        verbose_name = _lazy("catalogue version")
        verbose_name_plural = _lazy("catalogue versions")

    def __str__(self) -> str:
        return f"{self.code} {self.version}"


class ImportJob(TimeStampedModel, OrganisationRecord):
    """A web upload of offline submissions (KoboToolbox, ODK), checked and then imported
    by the background worker. The uploaded file is kept encrypted in the private
    directory only until it is imported, refused or cancelled; the job keeps counts and
    the problems found (row, field, reason: never a submitted value of an identifying
    field), not the file's name, which may say whom it is about."""

    class Status(models.TextChoices):
        CHECKING = "checking", _lazy("Checking")
        INVALID = "invalid", _lazy("Problems found")
        READY = "ready", _lazy("Ready to import")
        IMPORTING = "importing", _lazy("Importing")
        DONE = "done", _lazy("Imported")
        FAILED = "failed", _lazy("Failed")
        CANCELLED = "cancelled", _lazy("Cancelled")

    status = models.CharField(
        _lazy("status"), max_length=16, choices=Status.choices, default=Status.CHECKING
    )
    file_format = models.CharField(_lazy("format"), max_length=8)
    size_bytes = models.PositiveBigIntegerField(_lazy("size"))
    rows = models.PositiveIntegerField(_lazy("submissions"), default=0)
    problems = models.JSONField(_lazy("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_lazy("problems found"), default=0)
    created_count = models.PositiveIntegerField(_lazy("screenings created"), default=0)
    duplicates_count = models.PositiveIntegerField(_lazy("duplicates skipped"), default=0)
    people_count = models.PositiveIntegerField(_lazy("people registered"), default=0)
    message = models.TextField(_lazy("message"), blank=True, default="")
    finished_at = models.DateTimeField(_lazy("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _lazy("import")
        verbose_name_plural = _lazy("imports")

    def __str__(self) -> str:
        return f"import {self.public_id}"

    @property
    def working(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)
