"""Every write to a directory service: a service with its place, address, phone,
opening hours, languages, service area, types and groups, capacity; verifying it. One
atomic, keyword-only function per action, taking `actor=`. The writes to its provider
are in `provider_services.py`.

Who may write: `directory.manage` (administrators, supervisors) any service and any
provider; `directory.maintain` (partner focal points) the services of a provider linked
to their own organisation. Acting out of reach raises `NotAllowed` (pages answer 404).

Bad input raises `Invalid` (`validators.py`), naming every problem, and nothing is
written. Every change is kept field by field by the change log (`change_log.py`), and
the save writes one audit event holding the names of the changed fields only.

A service edited here has one physical location (the first, for a service imported
with several): its address, how to get there and its voivodeship. Opening hours are
weekly rules (`freq` WEEKLY), one `Schedule` row per distinct opening time, `byday`
listing the days that share it ("MO,TU,WE,TH,FR"), times local to Europe/Warsaw;
"open around the clock" is 00:00 to 23:59. There is no optimistic locking here: the last
save wins, and the change log shows what each save replaced.
"""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.audit.events import record
from safepath.core.exceptions import NotAllowed
from safepath.directory import i18n
from safepath.directory.change_log import log_changes, record_change, service_location, snapshot
from safepath.directory.inputs import LANGUAGE_NAMES, SERVICE_TEXTS, WEEKDAYS, ServiceData
from safepath.directory.models import (
    Address,
    Attribute,
    DirectoryOrganization,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    TaxonomyTerm,
)
from safepath.directory.taxonomies import GROUPS, SERVICE_TYPES, ensure_taxonomies
from safepath.directory.validators import Invalid, validate_service


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
    location = service_location(service)
    if (
        location is not None
        and _place_differs(location, data)
        and shared_with_others(location, service)
    ):
        # An import can give several services one place; an edit of this service must
        # not move another provider's: this service gets a copy of its own.
        location = _own_copy(service, location)
    if not (data.city or data.voivodeship or data.transportation) and location is not None:
        # Every place field emptied: the service no longer says where it is.
        ServiceAtLocation.objects.filter(service=service, location=location).delete()
        if not location.service_at_locations.exists():
            location.delete()
        location = None
    elif data.city or data.voivodeship or data.transportation:
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
        if capacity.updated is None or timezone.localdate(capacity.updated) != when:
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
    before = snapshot(service)
    _write(service, data, by=actor.email or actor.get_username())
    changed = log_changes(
        actor=actor, updated_by=actor.get_username(), before=before, after=snapshot(service)
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
    before = snapshot(service)
    service.assured_date = timezone.localdate()
    service.assurer_email = actor.email or actor.get_username()
    service.save(update_fields=["assured_date", "assurer_email", "updated_at"])
    log_changes(
        actor=actor, updated_by=actor.get_username(), before=before, after=snapshot(service)
    )
    record(
        actor=actor,
        action="directory.service_verified",
        object_type="service",
        object_id=str(service.public_id),
        detail={"via": "web"},
    )
    return service


def _place_differs(location: Location, data: ServiceData) -> bool:
    address = location.addresses.first()
    now = (
        location.transportation,
        location.voivodeship,
        (address.address_1, address.city, address.postal_code) if address else None,
    )
    wanted = (
        i18n.clean(data.transportation),
        data.voivodeship,
        (data.street, data.city, data.postal_code) if data.city else None,
    )
    return now != wanted


def shared_with_others(location: Location, service: Service) -> bool:
    return ServiceAtLocation.objects.filter(location=location).exclude(service=service).exists()


def _own_copy(service: Service, shared: Location) -> Location:
    """A copy of a shared place (with its addresses) for `service` alone, its link moved
    to it; the phones, hours and languages of the place stay with the original."""
    copy = Location.objects.create(
        public_id=uuid.uuid4(),
        organization=service.organization,
        location_type=shared.location_type,
        name=dict(shared.name),
        alternate_name=shared.alternate_name,
        description=dict(shared.description),
        transportation=dict(shared.transportation),
        latitude=shared.latitude,
        longitude=shared.longitude,
        voivodeship=shared.voivodeship,
    )
    for address in shared.addresses.all():
        address.pk = None
        address.public_id = uuid.uuid4()
        address.location = copy
        address.save()
    ServiceAtLocation.objects.filter(service=service, location=shared).update(location=copy)
    return copy
