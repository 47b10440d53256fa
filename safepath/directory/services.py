"""Every write to the service directory: a service with its place, address, phone,
opening hours, languages, service area, types and groups, capacity; verifying it; its
provider. One atomic, keyword-only function per action, taking `actor=`.

Who may write: `directory.manage` (administrators, supervisors) any service and any
provider; `directory.maintain` (partner focal points) the services of a provider linked
to their own organisation. Acting out of reach raises `NotAllowed` (pages answer 404).

Bad input raises `Invalid`, naming every problem, and nothing is written.

Every change is kept field by field in `MetadataChange` (HSDS `metadata` style: which
object and field, the value before and after, who, when) by `record_change`, and the
save writes one audit event holding the names of the changed fields only. The directory
is public information about services; still, audit details never carry values.

A service edited here has one physical location (the first, for a service imported
with several): its address, how to get there and its voivodeship. Opening hours are
weekly rules (`freq` WEEKLY), one `Schedule` row per distinct opening time, `byday`
listing the days that share it ("MO,TU,WE,TH,FR"), times local to Europe/Warsaw;
"open around the clock" is 00:00 to 23:59. There is no optimistic locking here: the last
save wins, and the change log shows what each save replaced.
"""

import datetime
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import Organisation, User
from safepath.audit.events import record
from safepath.core.exceptions import NotAllowed
from safepath.core.geography import VOIVODESHIP_CODES
from safepath.directory import i18n
from safepath.directory.models import (
    Address,
    Attribute,
    DirectoryOrganization,
    Language,
    Location,
    MetadataChange,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceStatus,
    TaxonomyTerm,
)
from safepath.directory.taxonomies import (
    GROUP_CODES,
    GROUPS,
    SERVICE_TYPE_CODES,
    SERVICE_TYPES,
    ensure_taxonomies,
)

WEEKDAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_AGE: Final = 120
MAX_CAPACITY: Final = 100_000
MAX_TEXT: Final = 4000
MAX_NAME: Final = 200

# Languages spoken, offered as checkboxes (ISO 639-1); an import may bring others.
COMMON_LANGUAGES: Final = (
    "pl", "uk", "ru", "en", "de", "fr", "es", "it", "ro", "be", "ka", "hy", "vi", "ar",
    "fa", "tr", "hi", "zh", "rom",
)  # fmt: skip
LANGUAGE_NAMES: Final = {
    "pl": "Polski", "uk": "Українська", "ru": "Русский", "en": "English", "de": "Deutsch",
    "fr": "Français", "es": "Español", "it": "Italiano", "ro": "Română", "be": "Беларуская",
    "ka": "ქართული", "hy": "Հայերեն", "vi": "Tiếng Việt", "ar": "العربية", "fa": "فارسی",
    "tr": "Türkçe", "hi": "हिन्दी", "zh": "中文", "rom": "Romani",
}  # fmt: skip

# The translatable texts of a service as the form and the loaders give them.
SERVICE_TEXTS: Final = ("name", "description", "eligibility_description", "application_process")
TEXT_FIELDS: Final = (*SERVICE_TEXTS, "transportation", "alert")

type Hours = dict[str, tuple[datetime.time, datetime.time]]


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    detail: str


class Invalid(ValueError):
    """The input does not make a valid directory entry; every problem is named and
    nothing is written."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.detail}" for e in errors))
        self.errors = list(errors)


@dataclass
class ServiceData:
    """Everything the edit form holds about a service. Texts are `TranslatedText`
    values ({"en": ..., "pl": ..., "uk": ..., "ru": ...}); `hours` maps a weekday
    ("MO".."SU") to its opening and closing time, a day absent is closed."""

    name: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    eligibility_description: dict[str, str] = field(default_factory=dict)
    application_process: dict[str, str] = field(default_factory=dict)
    transportation: dict[str, str] = field(default_factory=dict)
    alert: dict[str, str] = field(default_factory=dict)
    status: str = ServiceStatus.ACTIVE
    url: str = ""
    email: str = ""
    service_types: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    minimum_age: int | None = None
    maximum_age: int | None = None
    street: str = ""
    city: str = ""
    postal_code: str = ""
    voivodeship: str = ""
    # Where the service is offered: a voivodeship (TERYT), or "" for the whole country.
    area: str = ""
    phone: str = ""
    languages: list[str] = field(default_factory=list)
    hours: Hours = field(default_factory=dict)
    capacity_available: int | None = None
    capacity_maximum: int | None = None
    capacity_unit: dict[str, str] = field(default_factory=dict)
    capacity_updated: datetime.date | None = None
    responsible: User | None = None
    verified: bool = False


@dataclass
class ProviderData:
    name: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    email: str = ""
    website: str = ""
    legal_status: str = ""
    organisation: Organisation | None = None


# --- validation ---------------------------------------------------------------------


def _text_errors(name: str, value: Mapping[str, str], *, required: bool) -> list[FieldError]:
    try:
        cleaned = i18n.clean(dict(value))
    except ValueError:
        return [FieldError(name, _("Write the text in the languages offered."))]
    if required and not cleaned:
        return [FieldError(name, _("Write it in at least one language."))]
    limit = MAX_NAME if name == "name" else MAX_TEXT
    if any(len(text) > limit for text in cleaned.values()):
        return [FieldError(name, _("At most %(count)d characters.") % {"count": limit})]
    return []


def _age_errors(data: ServiceData) -> list[FieldError]:
    errors = []
    for name in ("minimum_age", "maximum_age"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= MAX_AGE:
            errors.append(
                FieldError(name, _("Enter an age from 0 to %(maximum)d.") % {"maximum": MAX_AGE})
            )
    if (
        not errors
        and data.minimum_age is not None
        and data.maximum_age is not None
        and data.minimum_age > data.maximum_age
    ):
        errors.append(
            FieldError("maximum_age", _("The maximum age cannot be below the minimum age."))
        )
    return errors


def _hours_errors(hours: Hours) -> list[FieldError]:
    errors = []
    for day, (opens, closes) in hours.items():
        if day not in WEEKDAYS:
            errors.append(FieldError("hours", _("Unknown day of the week.")))
        elif closes <= opens:
            errors.append(
                FieldError(f"closes_{day}", _("The closing time must be after the opening time."))
            )
    return errors


def _capacity_errors(data: ServiceData) -> list[FieldError]:
    errors = []
    for name in ("capacity_available", "capacity_maximum"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= MAX_CAPACITY:
            errors.append(
                FieldError(
                    name,
                    _("Enter a number from 0 to %(maximum)d.") % {"maximum": MAX_CAPACITY},
                )
            )
    if errors:
        return errors
    if data.capacity_available is None and (
        data.capacity_maximum is not None or data.capacity_updated is not None
    ):
        errors.append(FieldError("capacity_available", _("Enter how many are available.")))
    if (
        data.capacity_available is not None
        and data.capacity_maximum is not None
        and data.capacity_available > data.capacity_maximum
    ):
        errors.append(FieldError("capacity_available", _("More are available than the maximum.")))
    if data.capacity_updated is not None and data.capacity_updated > timezone.localdate():
        errors.append(FieldError("capacity_updated", _("The date cannot be in the future.")))
    return errors


def validate_service(data: ServiceData) -> list[FieldError]:
    """Every problem of `data`, each naming its field."""
    errors: list[FieldError] = []
    for name in TEXT_FIELDS:
        errors += _text_errors(name, getattr(data, name), required=name == "name")
    if data.status not in ServiceStatus.values:
        errors.append(FieldError("status", _("Choose a status from the list.")))
    if not set(data.service_types) <= SERVICE_TYPE_CODES:
        errors.append(FieldError("service_types", _("Choose service types from the list.")))
    if not set(data.groups) <= GROUP_CODES:
        errors.append(FieldError("groups", _("Choose groups from the list.")))
    errors += _age_errors(data)
    if data.voivodeship not in VOIVODESHIP_CODES and (data.voivodeship or data.street or data.city):
        errors.append(FieldError("voivodeship", _("Choose a voivodeship from the list.")))
    if data.area and data.area not in VOIVODESHIP_CODES:
        errors.append(FieldError("area", _("Choose a voivodeship from the list.")))
    if (data.street or data.city or data.postal_code) and not (data.city and data.postal_code):
        errors.append(FieldError("city", _("An address needs its city and postal code.")))
    if any(
        not (code.isascii() and code.isalpha() and 2 <= len(code) <= 3) for code in data.languages
    ):
        errors.append(FieldError("languages", _("Choose languages from the list.")))
    errors += _hours_errors(data.hours)
    errors += _capacity_errors(data)
    return errors


# --- the change log -----------------------------------------------------------------


def record_change(
    *,
    actor: User | None,
    resource: Model,
    resource_type: str,
    action: str,
    field_name: str = "",
    previous_value: str = "",
    replacement_value: str = "",
    updated_by: str = "",
) -> MetadataChange:
    """One row of the change log: `action` "create", "update" or "delete" of
    `resource` (a directory object with a `public_id`), for an update the field with
    its value before and after; `updated_by` the actor's user name (or a loader's name
    when there is no actor)."""
    return MetadataChange.objects.create(
        public_id=uuid.uuid4(),
        resource_id=resource.public_id,  # type: ignore[attr-defined]
        resource_type=resource_type,
        last_action_type=action,
        field_name=field_name,
        previous_value=previous_value,
        replacement_value=replacement_value,
        updated_by=(actor.get_username() if actor is not None else updated_by)[:150],
    )


def _texts(value: Any) -> dict[str, str]:
    return value if isinstance(value, dict) else {}


def _snapshot(service: Service) -> dict[tuple[str, str], tuple[Model, str]]:
    """The service's editable state, flat: (resource type, field) → (object, value as
    text). Compared before and after a save to log only what changed."""
    flat: dict[tuple[str, str], tuple[Model, str]] = {}

    def put(resource: Model, kind: str, name: str, value: Any) -> None:
        flat[(kind, name)] = (resource, "" if value is None else str(value))

    for name in (*SERVICE_TEXTS, "alert"):
        for code, text in sorted(_texts(getattr(service, name)).items()):
            put(service, "service", f"{name}.{code}", text)
    for name in ("status", "url", "email", "minimum_age", "maximum_age", "assured_date"):
        put(service, "service", name, getattr(service, name))
    put(service, "service", "assurer_email", service.assurer_email)
    put(
        service,
        "service",
        "responsible",
        service.responsible.get_username() if service.responsible else "",
    )
    codes = sorted(
        f"{a.taxonomy_term.taxonomy.code}:{a.taxonomy_term.code}"
        for a in service.attributes.select_related("taxonomy_term__taxonomy")
    )
    put(service, "service", "attributes", ", ".join(codes))
    put(
        service,
        "service",
        "languages",
        ", ".join(sorted(service.languages.values_list("code", flat=True))),
    )
    hours = sorted(
        f"{s.byday} {s.opens_at:%H:%M}-{s.closes_at:%H:%M}"
        for s in service.schedules.all()
        if s.opens_at is not None and s.closes_at is not None
    )
    put(service, "service", "schedules", "; ".join(hours))
    put(
        service,
        "service",
        "service_areas",
        ", ".join(sorted(a.voivodeship or "PL" for a in service.service_areas.all())),
    )
    phone = service.phones.first()
    if phone is not None:
        put(phone, "phone", "number", phone.number)
    location = _location(service)
    if location is not None:
        for code, text in sorted(_texts(location.transportation).items()):
            put(location, "location", f"transportation.{code}", text)
        put(location, "location", "voivodeship", location.voivodeship)
        address = location.addresses.first()
        if address is not None:
            for name in ("address_1", "city", "postal_code", "state_province"):
                put(address, "address", name, getattr(address, name))
    capacity = service.capacities.first()
    if capacity is not None:
        put(capacity, "service_capacity", "available", capacity.available)
        put(capacity, "service_capacity", "maximum", capacity.maximum)
        put(capacity, "service_capacity", "updated", capacity.updated.date().isoformat())
        for code, text in sorted(_texts(capacity.unit_name).items()):
            put(capacity, "service_capacity", f"unit_name.{code}", text)
    return flat


def _log_changes(
    *,
    actor: User | None,
    updated_by: str,
    before: dict[tuple[str, str], tuple[Model, str]],
    after: dict[tuple[str, str], tuple[Model, str]],
) -> list[str]:
    """Write a MetadataChange for every field whose value differs; answer their names."""
    changed = []
    for key in sorted(set(before) | set(after)):
        old = before[key][1] if key in before else ""
        resource, new = after[key] if key in after else (before[key][0], "")
        if old == new:
            continue
        record_change(
            actor=actor,
            updated_by=updated_by,
            resource=resource,
            resource_type=key[0],
            action="update",
            field_name=key[1],
            previous_value=old,
            replacement_value=new,
        )
        changed.append(f"{key[0]}.{key[1]}" if key[0] != "service" else key[1])
    return changed


# --- services -----------------------------------------------------------------------


def _location(service: Service) -> Location | None:
    link = service.service_at_locations.select_related("location").order_by("id").first()
    return link.location if link is not None else None


def can_edit(actor: User, service: Service) -> bool:
    """Whether `actor` may change `service` (`directory.manage`, or `directory.maintain`
    for a provider linked to the actor's organisation)."""
    if policies.can(actor, "directory.manage"):
        return True
    return policies.can(actor, "directory.maintain") and _is_own(actor, service.organization)


def can_add_to(actor: User, organization: DirectoryOrganization) -> bool:
    return policies.can(actor, "directory.manage") or (
        policies.can(actor, "directory.maintain") and _is_own(actor, organization)
    )


def _is_own(actor: User, organization: DirectoryOrganization) -> bool:
    return (
        organization.organisation_id is not None
        and organization.organisation_id == actor.organisation_id
    )


def _terms(data: ServiceData) -> list[TaxonomyTerm]:
    wanted = [(SERVICE_TYPES, c) for c in data.service_types] + [(GROUPS, c) for c in data.groups]
    if not wanted:
        return []
    ensure_taxonomies_once()
    terms = {
        (t.taxonomy.code, t.code): t
        for t in TaxonomyTerm.objects.select_related("taxonomy").filter(
            taxonomy__code__in=[SERVICE_TYPES, GROUPS]
        )
    }
    return [terms[key] for key in wanted]


def ensure_taxonomies_once() -> None:
    if not TaxonomyTerm.objects.filter(taxonomy__code=SERVICE_TYPES).exists():
        ensure_taxonomies()


def _write(service: Service, data: ServiceData, *, by: str) -> None:
    """Put `data` on a saved `service` and its parts (update in place where the part
    exists, so its HSDS id and its change history stay)."""
    for name in (*SERVICE_TEXTS, "alert"):
        setattr(service, name, i18n.clean(getattr(data, name)))
    service.status = data.status
    service.url = data.url
    service.email = data.email
    service.minimum_age = data.minimum_age
    service.maximum_age = data.maximum_age
    service.responsible = data.responsible
    if data.verified:
        service.assured_date = timezone.localdate()
        service.assurer_email = by
    service.save()

    # Types and groups.
    terms = _terms(data)
    service.attributes.exclude(taxonomy_term__in=terms).delete()
    have = set(service.attributes.values_list("taxonomy_term_id", flat=True))
    for term in terms:
        if term.pk not in have:
            Attribute.objects.create(
                public_id=uuid.uuid4(), service=service, taxonomy_term=term, label=term.code
            )

    # Languages spoken.
    service.languages.exclude(code__in=data.languages).delete()
    have_codes = set(service.languages.values_list("code", flat=True))
    for code in data.languages:
        if code not in have_codes:
            Language.objects.create(
                public_id=uuid.uuid4(),
                service=service,
                code=code,
                name=LANGUAGE_NAMES.get(code, ""),
            )

    # Where it is offered.
    area = service.service_areas.first()
    if area is None:
        area = ServiceArea(public_id=uuid.uuid4(), service=service)
    area.voivodeship = data.area
    area.name = f"PL-{data.area}" if data.area else "PL"
    area.save()
    service.service_areas.exclude(pk=area.pk).delete()

    # Opening hours: one weekly rule per distinct time, the days that share it.
    by_time: dict[tuple[datetime.time, datetime.time], list[str]] = {}
    for day in WEEKDAYS:
        if day in data.hours:
            by_time.setdefault(data.hours[day], []).append(day)
    service.schedules.all().delete()
    for (opens, closes), days in by_time.items():
        Schedule.objects.create(
            public_id=uuid.uuid4(),
            service=service,
            freq="WEEKLY",
            wkst="MO",
            byday=",".join(days),
            opens_at=opens,
            closes_at=closes,
            timezone="Europe/Warsaw",
        )

    # Phone.
    phone = service.phones.first()
    if data.phone:
        if phone is None:
            phone = Phone(public_id=uuid.uuid4(), service=service)
        phone.number = data.phone
        phone.save()
    elif phone is not None:
        phone.delete()

    # Place and address.
    location = _location(service)
    if data.city or data.voivodeship or data.transportation:
        if location is None:
            location = Location.objects.create(
                public_id=uuid.uuid4(),
                organization=service.organization,
                name=dict(service.name),
            )
            ServiceAtLocation.objects.create(
                public_id=uuid.uuid4(), service=service, location=location
            )
        location.transportation = i18n.clean(data.transportation)
        location.voivodeship = data.voivodeship
        location.save()
        address = location.addresses.first()
        if data.city:
            if address is None:
                address = Address(public_id=uuid.uuid4(), location=location)
            address.address_1 = data.street
            address.city = data.city
            address.postal_code = data.postal_code
            address.state_province = data.voivodeship
            address.save()
        elif address is not None:
            address.delete()

    # Capacity (HSDS 3.1).
    capacity = service.capacities.first()
    if data.capacity_available is not None:
        if capacity is None:
            capacity = ServiceCapacity(public_id=uuid.uuid4(), service=service)
        when = data.capacity_updated or timezone.localdate()
        capacity.available = data.capacity_available
        capacity.maximum = data.capacity_maximum
        capacity.unit_name = i18n.clean(data.capacity_unit)
        capacity.unit_identifier = (
            "beds" if not capacity.unit_identifier else capacity.unit_identifier
        )
        if capacity.updated is None or capacity.updated.date() != when:
            capacity.updated = timezone.make_aware(
                datetime.datetime.combine(when, datetime.time(12, 0))
            )
        capacity.save()
    elif capacity is not None:
        capacity.delete()


def create_service_record(
    *,
    organization: DirectoryOrganization,
    data: ServiceData,
    updated_by: str,
    actor: User | None = None,
    public_id: uuid.UUID | None = None,
) -> Service:
    """The write behind `service_create`, without the policy check: for `service_create`
    and for loaders that act for no user (the demo). Validates, writes, logs "create"."""
    errors = validate_service(data)
    if errors:
        raise Invalid(errors)
    service = Service(
        public_id=public_id or uuid.uuid4(), organization=organization, name=data.name
    )
    service.save()
    _write(service, data, by=(actor.email or actor.get_username()) if actor else updated_by)
    record_change(
        actor=actor,
        updated_by=updated_by,
        resource=service,
        resource_type="service",
        action="create",
    )
    return service


@transaction.atomic
def service_create(
    *, actor: User, organization: DirectoryOrganization, data: ServiceData
) -> Service:
    """A new service of `organization`, with its parts."""
    if not can_add_to(actor, organization):
        raise NotAllowed("directory.manage")
    service = create_service_record(
        organization=organization, data=data, actor=actor, updated_by=actor.get_username()
    )
    record(
        actor=actor,
        action="directory.service_created",
        object_type="service",
        object_id=str(service.public_id),
        detail={"via": "web"},
    )
    return service


@transaction.atomic
def service_update(*, actor: User, service: Service, data: ServiceData) -> list[str]:
    """Change `service` and its parts to `data`; log each changed field. Answers the
    names of the fields that changed (none: nothing is logged)."""
    if not can_edit(actor, service):
        raise NotAllowed("directory.maintain")
    errors = validate_service(data)
    if errors:
        raise Invalid(errors)
    service = Service.objects.select_for_update().get(pk=service.pk)
    before = _snapshot(service)
    _write(service, data, by=actor.email or actor.get_username())
    changed = _log_changes(
        actor=actor, updated_by=actor.get_username(), before=before, after=_snapshot(service)
    )
    if changed:
        record(
            actor=actor,
            action="directory.service_changed",
            object_type="service",
            object_id=str(service.public_id),
            detail={"via": "web", "fields": changed},
        )
    return changed


@transaction.atomic
def service_verify(*, actor: User, service: Service) -> Service:
    """The service's details were checked today by `actor` (HSDS `assured_date` and
    `assurer_email`)."""
    if not can_edit(actor, service):
        raise NotAllowed("directory.maintain")
    service = Service.objects.select_for_update().get(pk=service.pk)
    before = _snapshot(service)
    service.assured_date = timezone.localdate()
    service.assurer_email = actor.email or actor.get_username()
    service.save(update_fields=["assured_date", "assurer_email", "updated_at"])
    _log_changes(
        actor=actor, updated_by=actor.get_username(), before=before, after=_snapshot(service)
    )
    record(
        actor=actor,
        action="directory.service_verified",
        object_type="service",
        object_id=str(service.public_id),
        detail={"via": "web"},
    )
    return service


# --- providers ----------------------------------------------------------------------


def validate_provider(data: ProviderData) -> list[FieldError]:
    errors = _text_errors("name", data.name, required=True)
    errors += _text_errors("description", data.description, required=False)
    if len(data.legal_status) > MAX_NAME:
        errors.append(
            FieldError("legal_status", _("At most %(count)d characters.") % {"count": MAX_NAME})
        )
    return errors


def _provider_state(organization: DirectoryOrganization) -> dict[str, str]:
    state = {}
    for name in ("name", "description"):
        for code, text in sorted(_texts(getattr(organization, name)).items()):
            state[f"{name}.{code}"] = text
    for name in ("email", "website", "legal_status"):
        state[name] = getattr(organization, name)
    state["organisation"] = organization.organisation.code if organization.organisation else ""
    return state


def _put_provider(organization: DirectoryOrganization, data: ProviderData) -> None:
    organization.name = i18n.clean(data.name)
    organization.description = i18n.clean(data.description)
    organization.email = data.email
    organization.website = data.website
    organization.legal_status = data.legal_status
    organization.organisation = data.organisation
    organization.save()


@transaction.atomic
def provider_create(*, actor: User, data: ProviderData) -> DirectoryOrganization:
    """A new service provider (HSDS `organization`); `directory.manage` only."""
    if not policies.can(actor, "directory.manage"):
        raise NotAllowed("directory.manage")
    errors = validate_provider(data)
    if errors:
        raise Invalid(errors)
    organization = DirectoryOrganization(public_id=uuid.uuid4())
    _put_provider(organization, data)
    record_change(actor=actor, resource=organization, resource_type="organization", action="create")
    record(
        actor=actor,
        action="directory.provider_created",
        object_type="organization",
        object_id=str(organization.public_id),
        detail={"via": "web"},
    )
    return organization


@transaction.atomic
def provider_update(
    *, actor: User, organization: DirectoryOrganization, data: ProviderData
) -> list[str]:
    """Change a provider; `directory.manage` only. Logs each changed field."""
    if not policies.can(actor, "directory.manage"):
        raise NotAllowed("directory.manage")
    errors = validate_provider(data)
    if errors:
        raise Invalid(errors)
    organization = DirectoryOrganization.objects.select_for_update().get(pk=organization.pk)
    before = _provider_state(organization)
    _put_provider(organization, data)
    after = _provider_state(organization)
    changed = []
    for name in sorted(set(before) | set(after)):
        if before.get(name, "") != after.get(name, ""):
            record_change(
                actor=actor,
                resource=organization,
                resource_type="organization",
                action="update",
                field_name=name,
                previous_value=before.get(name, ""),
                replacement_value=after.get(name, ""),
            )
            changed.append(name)
    if changed:
        record(
            actor=actor,
            action="directory.provider_changed",
            object_type="organization",
            object_id=str(organization.public_id),
            detail={"via": "web", "fields": changed},
        )
    return changed
