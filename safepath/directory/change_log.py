"""The directory's change log. Every change is kept field by field in `MetadataChange`
(HSDS `metadata` style: which object and field, the value before and after, who, when)
by `record_change`; a service's editable state is compared before and after a save
(`snapshot`, `log_changes`) so that only what changed is logged. The save also writes
one audit event holding the names of the changed fields only. The directory is public
information about services; still, audit details never carry values.
"""

import uuid
from typing import Any

from django.db.models import Model
from django.utils import timezone

from safepath.accounts.models import User
from safepath.directory.inputs import SERVICE_TEXTS
from safepath.directory.models import (
    Location,
    MetadataChange,
    Service,
)


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


def texts_of(value: Any) -> dict[str, str]:
    return value if isinstance(value, dict) else {}


def service_location(service: Service) -> Location | None:
    """The one physical location a service is edited with: the first (for a service
    imported with several)."""
    link = service.service_at_locations.select_related("location").order_by("id").first()
    return link.location if link is not None else None


def snapshot(service: Service) -> dict[tuple[str, str], tuple[Model, str]]:
    """The service's editable state, flat: (resource type, field) → (object, value as
    text). Compared before and after a save to log only what changed."""
    flat: dict[tuple[str, str], tuple[Model, str]] = {}

    def put(resource: Model, kind: str, name: str, value: Any) -> None:
        flat[(kind, name)] = (resource, "" if value is None else str(value))

    for name in (*SERVICE_TEXTS, "alert"):
        for code, text in sorted(texts_of(getattr(service, name)).items()):
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
    location = service_location(service)
    if location is not None:
        for code, text in sorted(texts_of(location.transportation).items()):
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
        put(
            capacity,
            "service_capacity",
            "updated",
            timezone.localdate(capacity.updated).isoformat(),
        )
        for code, text in sorted(texts_of(capacity.unit_name).items()):
            put(capacity, "service_capacity", f"unit_name.{code}", text)
    return flat


def log_changes(
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
