"""The support-service directory, modelled on Open Referral HSDS 3.0 (with 3.1's
`service_capacity`). Reference: ../shared/reference/hsds.md and hsds/schema/.

Each table is an HSDS object; `public_id` is its HSDS `id` (a UUID), so an import is
idempotent by HSDS id and the API answers the ids it was given. Field names follow
HSDS where HSDS has the field.

Texts a person reads (names, descriptions, eligibility, how to apply, how to get there)
are translatable data: a `TranslatedText` JSON object with one entry per language code
(`{"en": "...", "pl": "...", "uk": "...", "ru": "..."}`), read through
`safepath.directory.i18n` which falls back visibly to another language when one is
missing. Codes, numbers, e-mails and URLs are plain fields.

The directory is public information about services, not about people: nothing here is
encrypted and the public part (active services) is served without login. Who may change
what is in `safepath.accounts.policies` (`directory.manage`, `directory.maintain`).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import Organisation
from safepath.core.models import TimeStampedModel


class TranslatedText(models.JSONField):
    """A text in several languages: {"en": ..., "pl": ..., "uk": ..., "ru": ...}."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)


class Taxonomy(TimeStampedModel):
    """A vocabulary of terms (HSDS `taxonomy`): safepath ships two of its own, service
    types and groups served (`safepath.directory.taxonomies`)."""

    code = models.SlugField(_lazy("code"), max_length=64, unique=True)
    name = TranslatedText(_lazy("name"))
    description = TranslatedText(_lazy("description"))
    uri = models.URLField(_lazy("URI"), blank=True, default="")
    version = models.CharField(_lazy("version"), max_length=32, blank=True, default="")

    class Meta:
        ordering = ["code"]
        verbose_name = _lazy("taxonomy")
        verbose_name_plural = _lazy("taxonomies")

    def __str__(self) -> str:
        return self.code


class TaxonomyTerm(TimeStampedModel):
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms")
    code = models.CharField(_lazy("code"), max_length=64)
    name = TranslatedText(_lazy("name"))
    description = TranslatedText(_lazy("description"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(_lazy("position"), default=0)

    class Meta:
        ordering = ["taxonomy", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="directory_term_code")
        ]
        verbose_name = _lazy("taxonomy term")
        verbose_name_plural = _lazy("taxonomy terms")

    def __str__(self) -> str:
        return f"{self.taxonomy.code}:{self.code}"


class DirectoryOrganization(TimeStampedModel):
    """An organisation that provides services (HSDS `organization`). When it works in
    safepath too, `organisation` links it: referrals to its services reach that
    organisation's partner focal points, who also keep its services up to date."""

    name = TranslatedText(_lazy("name"))
    alternate_name = models.CharField(_lazy("other name"), max_length=200, blank=True, default="")
    description = TranslatedText(_lazy("description"))
    email = models.EmailField(_lazy("e-mail"), blank=True, default="")
    website = models.URLField(_lazy("website"), blank=True, default="")
    legal_status = models.CharField(_lazy("legal status"), max_length=200, blank=True, default="")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_organizations",
        verbose_name=_lazy("organisation in safepath"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _lazy("service provider")
        verbose_name_plural = _lazy("service providers")

    def __str__(self) -> str:
        return f"organization {self.public_id}"


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _lazy("Active")
    INACTIVE = "inactive", _lazy("Inactive")
    DEFUNCT = "defunct", _lazy("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _lazy("Temporarily closed")


class Service(TimeStampedModel):
    """A service (HSDS `service`). Its types and the groups it serves are `attributes`
    linking it to taxonomy terms. `assured_date` is when it was last verified and
    `responsible` who keeps it true; a service unverified for 6 months is flagged."""

    organization = models.ForeignKey(
        DirectoryOrganization, on_delete=models.PROTECT, related_name="services"
    )
    name = TranslatedText(_lazy("name"))
    alternate_name = models.CharField(_lazy("other name"), max_length=200, blank=True, default="")
    description = TranslatedText(_lazy("description"))
    url = models.URLField(_lazy("website"), blank=True, default="")
    email = models.EmailField(_lazy("e-mail"), blank=True, default="")
    status = models.CharField(
        _lazy("status"), max_length=24, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    interpretation_services = TranslatedText(_lazy("interpretation"))
    application_process = TranslatedText(_lazy("how to apply"))
    fees_description = TranslatedText(_lazy("fees"))
    eligibility_description = TranslatedText(_lazy("who can use it"))
    minimum_age = models.PositiveSmallIntegerField(_lazy("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_lazy("maximum age"), null=True, blank=True)
    alert = TranslatedText(_lazy("alert"))
    assured_date = models.DateField(_lazy("last verified"), null=True, blank=True)
    assurer_email = models.EmailField(_lazy("verified by (e-mail)"), blank=True, default="")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_lazy("responsible person"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _lazy("service")
        verbose_name_plural = _lazy("services")

    def __str__(self) -> str:
        return f"service {self.public_id}"


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _lazy("Physical")
    POSTAL = "postal", _lazy("Postal")
    VIRTUAL = "virtual", _lazy("Virtual")


class Location(TimeStampedModel):
    """A place where services are given (HSDS `location`). `voivodeship` (TERYT code)
    and the address's city are what "find help" searches by."""

    organization = models.ForeignKey(
        DirectoryOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
    )
    location_type = models.CharField(
        _lazy("type"), max_length=16, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = TranslatedText(_lazy("name"))
    alternate_name = models.CharField(_lazy("other name"), max_length=200, blank=True, default="")
    description = TranslatedText(_lazy("description"))
    transportation = TranslatedText(_lazy("how to get there"))
    latitude = models.DecimalField(
        _lazy("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _lazy("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    voivodeship = models.CharField(
        _lazy("voivodeship"), max_length=2, blank=True, default="", db_index=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _lazy("location")
        verbose_name_plural = _lazy("locations")

    def __str__(self) -> str:
        return f"location {self.public_id}"


class Address(TimeStampedModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(_lazy("attention"), max_length=200, blank=True, default="")
    # Empty for a place whose street is given only on referral (a shelter's address is
    # what a trafficker would look for); the city and voivodeship stay searchable.
    address_1 = models.CharField(_lazy("street address"), max_length=200, blank=True, default="")
    address_2 = models.CharField(_lazy("address line 2"), max_length=200, blank=True, default="")
    city = models.CharField(_lazy("city"), max_length=100, db_index=True)
    region = models.CharField(_lazy("region"), max_length=100, blank=True, default="")
    state_province = models.CharField(_lazy("voivodeship"), max_length=100)
    postal_code = models.CharField(_lazy("postal code"), max_length=16)
    country = models.CharField(_lazy("country"), max_length=2, default="PL")
    address_type = models.CharField(_lazy("address type"), max_length=16, default="physical")

    class Meta:
        ordering = ["id"]
        verbose_name = _lazy("address")
        verbose_name_plural = _lazy("addresses")


class ServiceAtLocation(TimeStampedModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = TranslatedText(_lazy("description"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="directory_sal_once")
        ]
        verbose_name = _lazy("service at a location")
        verbose_name_plural = _lazy("services at locations")


class Contact(TimeStampedModel):
    organization = models.ForeignKey(
        DirectoryOrganization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(_lazy("name"), max_length=200, blank=True, default="")
    title = models.CharField(_lazy("title"), max_length=200, blank=True, default="")
    department = models.CharField(_lazy("department"), max_length=200, blank=True, default="")
    email = models.EmailField(_lazy("e-mail"), blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _lazy("contact")
        verbose_name_plural = _lazy("contacts")


class Phone(TimeStampedModel):
    """A phone number (HSDS `phone`) of an organisation, service, location, service at a
    location or contact: exactly one of them."""

    organization = models.ForeignKey(
        DirectoryOrganization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_lazy("number"), max_length=40)
    extension = models.CharField(_lazy("extension"), max_length=16, blank=True, default="")
    type = models.CharField(_lazy("type"), max_length=16, blank=True, default="voice")
    description = TranslatedText(_lazy("description"))

    class Meta:
        ordering = ["id"]
        verbose_name = _lazy("phone")
        verbose_name_plural = _lazy("phones")


class Schedule(TimeStampedModel):
    """Opening hours (HSDS `schedule`, RFC 5545 fields). safepath writes weekly rules:
    `freq` WEEKLY, `byday` such as "MO,TU,WE,TH,FR", `opens_at`/`closes_at` local time
    (Europe/Warsaw); "open now" reads them. `description` says it in words."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    valid_from = models.DateField(_lazy("valid from"), null=True, blank=True)
    valid_to = models.DateField(_lazy("valid to"), null=True, blank=True)
    dtstart = models.DateField(_lazy("first day"), null=True, blank=True)
    timezone = models.CharField(_lazy("time zone"), max_length=40, blank=True, default="")
    until = models.DateField(_lazy("until"), null=True, blank=True)
    count = models.PositiveIntegerField(_lazy("count"), null=True, blank=True)
    wkst = models.CharField(_lazy("week starts"), max_length=2, blank=True, default="")
    freq = models.CharField(_lazy("frequency"), max_length=8, blank=True, default="")
    interval = models.PositiveIntegerField(_lazy("interval"), null=True, blank=True)
    byday = models.CharField(_lazy("days"), max_length=40, blank=True, default="")
    byweekno = models.CharField(_lazy("weeks"), max_length=40, blank=True, default="")
    bymonthday = models.CharField(_lazy("days of the month"), max_length=40, blank=True, default="")
    byyearday = models.CharField(_lazy("days of the year"), max_length=40, blank=True, default="")
    description = TranslatedText(_lazy("description"))
    opens_at = models.TimeField(_lazy("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_lazy("closes at"), null=True, blank=True)
    schedule_link = models.URLField(_lazy("schedule link"), blank=True, default="")
    attending_type = models.CharField(_lazy("attending"), max_length=200, blank=True, default="")
    notes = TranslatedText(_lazy("notes"))

    class Meta:
        ordering = ["id"]
        verbose_name = _lazy("opening hours")
        verbose_name_plural = _lazy("opening hours")


class Language(TimeStampedModel):
    """A language spoken (HSDS `language`, ISO 639-1 `code`) at a service, location or
    phone."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    name = models.CharField(_lazy("name"), max_length=100, blank=True, default="")
    code = models.CharField(_lazy("code"), max_length=8, blank=True, default="", db_index=True)
    note = models.CharField(_lazy("note"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _lazy("language")
        verbose_name_plural = _lazy("languages")


class ServiceArea(TimeStampedModel):
    """Where a service is offered (HSDS `service_area`). `voivodeship` (TERYT code) is
    safepath's searchable form of it; empty means the whole country."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="service_areas"
    )
    name = models.CharField(_lazy("name"), max_length=200, blank=True, default="")
    description = TranslatedText(_lazy("description"))
    extent = models.TextField(_lazy("extent"), blank=True, default="")
    extent_type = models.CharField(_lazy("extent type"), max_length=32, blank=True, default="")
    uri = models.URLField(_lazy("URI"), blank=True, default="")
    voivodeship = models.CharField(
        _lazy("voivodeship"), max_length=2, blank=True, default="", db_index=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _lazy("service area")
        verbose_name_plural = _lazy("service areas")


class Attribute(TimeStampedModel):
    """A service's link to a taxonomy term (HSDS `attribute`): its types and the groups
    it serves. safepath links services only (`link_entity` "service")."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes"
    )
    value = models.CharField(_lazy("value"), max_length=200, blank=True, default="")
    label = models.CharField(_lazy("label"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "taxonomy_term"], name="directory_attribute_once"
            )
        ]
        verbose_name = _lazy("attribute")
        verbose_name_plural = _lazy("attributes")


class ServiceCapacity(TimeStampedModel):
    """Capacity as in HSDS 3.1 `service_capacity` with its `unit` (e.g. shelter beds):
    how many are available of the maximum, as of `updated`."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="capacities")
    unit_name = TranslatedText(_lazy("unit"))
    unit_scheme = models.CharField(_lazy("unit scheme"), max_length=64, blank=True, default="")
    unit_identifier = models.CharField(_lazy("unit code"), max_length=64, blank=True, default="")
    available = models.PositiveIntegerField(_lazy("available"))
    maximum = models.PositiveIntegerField(_lazy("maximum"), null=True, blank=True)
    description = TranslatedText(_lazy("description"))
    updated = models.DateTimeField(_lazy("last updated"))

    class Meta:
        ordering = ["id"]
        verbose_name = _lazy("capacity")
        verbose_name_plural = _lazy("capacities")


class MetadataChange(models.Model):
    """One change to the directory, kept in the style of HSDS `metadata`: which
    object and field, the value before and after, who, when. Append-only."""

    public_id = models.UUIDField(unique=True, editable=False)
    resource_id = models.UUIDField(_lazy("object"), db_index=True)
    resource_type = models.CharField(_lazy("object type"), max_length=32)
    last_action_date = models.DateTimeField(_lazy("when"), auto_now_add=True)
    last_action_type = models.CharField(_lazy("action"), max_length=16)  # create/update/delete
    field_name = models.CharField(_lazy("field"), max_length=64, blank=True, default="")
    previous_value = models.TextField(_lazy("before"), blank=True, default="")
    replacement_value = models.TextField(_lazy("after"), blank=True, default="")
    updated_by = models.CharField(_lazy("by"), max_length=150)

    class Meta:
        ordering = ["-last_action_date", "-id"]
        verbose_name = _lazy("change")
        verbose_name_plural = _lazy("changes")

    def __str__(self) -> str:
        return f"{self.last_action_type} {self.resource_type} {self.field_name}"
