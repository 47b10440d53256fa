"""The directory as Open Referral HSDS 3.0 JSON (one serialiser for the API and the export).

Each function turns a model into the HSDS object of the same name, with every text in
one language (`text_in`: the requested one, or the visible fallback of
`safepath.directory.i18n`). HSDS allows no `null`, so an empty optional value is left
out rather than sent as `null` or `""`. Nested lists are always present (possibly
empty), so a client sees "none" rather than "not sent".

What never leaves: the service's `responsible` user, the `assurer_email` (a staff
address), the link to the safepath organisation, and who changed what (`updated_by` of
the change log is reduced to "import" or "staff"). Locations are reached only through
public services, so a place that no public service names is never shown.

Two things HSDS 3.0 has no field for travel as extra properties, which the schema
allows (its objects do not set `additionalProperties`): `capacities` on a service (the
HSDS 3.1 `service_capacity` objects, with their `unit`), and `voivodeship` (TERYT
code) on a location or service area. The export also adds `translations` to each object
with texts (field → {language: text}) so that an export imports back in all four
languages.
"""

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Final

from safepath.directory.i18n import text_in
from safepath.directory.models import (
    Address,
    Attribute,
    Contact,
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
    Taxonomy,
    TaxonomyTerm,
)

HSDS_VERSION: Final = "3.0"
PROFILE_URL: Final = "https://docs.openreferral.org/en/3.0/hsds/"
# Fields whose changes are never shown outside: they name staff.
INTERNAL_FIELDS: Final = frozenset({"responsible", "assurer_email", "organisation"})
UNIT_NAMESPACE: Final = uuid.UUID("6f1e0d1c-5b0a-4e43-9c55-2a4a4f1f7d10")

# The address fields HSDS and safepath share, in the order of the schema.
ADDRESS_FIELDS: Final = (
    "attention",
    "address_1",
    "address_2",
    "city",
    "region",
    "state_province",
    "postal_code",
    "country",
    "address_type",
)


type Json = dict[str, Any]


def published_street(location: Location) -> bool:
    """Whether the place's street is public (a shelter's is left empty)."""
    return any(address.address_1 for address in location.addresses.all())


class Writer:
    """Serialises in one `language`; `translations=True` adds every language (export)."""

    def __init__(self, *, language: str, translations: bool = False) -> None:
        self.language = language
        self.translations = translations

    # --- helpers -------------------------------------------------------------------

    def _texts(self, out: Json, obj: object, names: Iterable[str]) -> None:
        extra: dict[str, dict[str, str]] = {}
        for name in names:
            value = getattr(obj, name)
            _put(out, name, text_in(value, self.language))
            if self.translations and isinstance(value, dict) and value:
                extra[name] = dict(sorted(value.items()))
        if extra:
            out["translations"] = extra

    # --- objects -------------------------------------------------------------------

    def language_(self, language: Language) -> Json:
        out: Json = {"id": str(language.public_id)}
        _put(out, "name", language.name)
        _put(out, "code", language.code)
        _put(out, "note", language.note)
        return out

    def phone(self, phone: Phone) -> Json:
        out: Json = {"id": str(phone.public_id), "number": phone.number}
        if phone.extension.isdigit():
            out["extension"] = int(phone.extension)
        _put(out, "type", phone.type)
        self._texts(out, phone, ["description"])
        out["languages"] = [self.language_(item) for item in phone.languages.all()]
        return out

    def contact(self, contact: Contact) -> Json:
        out: Json = {"id": str(contact.public_id)}
        for name in ("name", "title", "department", "email"):
            _put(out, name, getattr(contact, name))
        out["phones"] = [self.phone(item) for item in contact.phones.all()]
        return out

    def schedule(self, schedule: Schedule) -> Json:
        out: Json = {"id": str(schedule.public_id)}
        for name in ("valid_from", "valid_to", "dtstart", "until"):
            _put(out, name, _iso(getattr(schedule, name)))
        offset = _number(schedule.timezone)
        if offset is not None:
            out["timezone"] = offset
        for name in ("count", "interval"):
            value = getattr(schedule, name)
            if value is not None:
                out[name] = value
        for name in ("wkst", "freq", "byday", "byweekno", "bymonthday", "byyearday"):
            _put(out, name, getattr(schedule, name))
        _put(out, "opens_at", _iso(schedule.opens_at))
        _put(out, "closes_at", _iso(schedule.closes_at))
        _put(out, "schedule_link", schedule.schedule_link)
        _put(out, "attending_type", schedule.attending_type)
        self._texts(out, schedule, ["description", "notes"])
        return out

    def address(self, address: Address) -> Json:
        out: Json = {"id": str(address.public_id)}
        for name in ADDRESS_FIELDS:
            value = getattr(address, name)
            if name in ("address_1", "city", "state_province", "postal_code", "country"):
                out[name] = value  # required by HSDS, even when empty
            else:
                _put(out, name, value)
        out.setdefault("address_type", "physical")
        return out

    def location(self, location: Location) -> Json:
        out: Json = {"id": str(location.public_id), "location_type": location.location_type}
        if location.organization is not None:
            out["organization_id"] = str(location.organization.public_id)
        _put(out, "alternate_name", location.alternate_name)
        self._texts(out, location, ["name", "description", "transportation"])
        # A place whose street is withheld (a shelter) is not pinned on a map either.
        if published_street(location):
            if location.latitude is not None:
                out["latitude"] = float(location.latitude)
            if location.longitude is not None:
                out["longitude"] = float(location.longitude)
        _put(out, "voivodeship", location.voivodeship)
        out["languages"] = [self.language_(item) for item in location.languages.all()]
        out["addresses"] = [self.address(item) for item in location.addresses.all()]
        out["contacts"] = [self.contact(item) for item in location.contacts.all()]
        out["phones"] = [self.phone(item) for item in location.phones.all()]
        out["schedules"] = [self.schedule(item) for item in location.schedules.all()]
        return out

    def service_at_location(self, link: ServiceAtLocation, *, service: bool = False) -> Json:
        out: Json = {
            "id": str(link.public_id),
            "service_id": str(link.service.public_id),
            "location_id": str(link.location.public_id),
        }
        self._texts(out, link, ["description"])
        out["contacts"] = [self.contact(item) for item in link.contacts.all()]
        out["phones"] = [self.phone(item) for item in link.phones.all()]
        out["schedules"] = [self.schedule(item) for item in link.schedules.all()]
        out["location"] = self.location(link.location)
        if service:
            out["service"] = self.service(link.service, full=False)
        return out

    def service_area(self, area: ServiceArea) -> Json:
        out: Json = {"id": str(area.public_id)}
        for name in ("name", "extent", "extent_type", "uri", "voivodeship"):
            _put(out, name, getattr(area, name))
        self._texts(out, area, ["description"])
        return out

    def taxonomy(self, taxonomy: Taxonomy) -> Json:
        out: Json = {"id": str(taxonomy.public_id)}
        self._texts(out, taxonomy, ["name", "description"])
        out.setdefault("name", taxonomy.code)
        out.setdefault("description", "")
        _put(out, "uri", taxonomy.uri)
        _put(out, "version", taxonomy.version)
        return out

    def taxonomy_term(self, term: TaxonomyTerm) -> Json:
        out: Json = {"id": str(term.public_id), "code": term.code}
        self._texts(out, term, ["name", "description"])
        out.setdefault("name", term.code)
        out.setdefault("description", "")
        if term.parent_id is not None:
            out["parent_id"] = str(term.parent.public_id)  # type: ignore[union-attr]
        out["taxonomy"] = term.taxonomy.code
        out["taxonomy_id"] = str(term.taxonomy.public_id)
        out["taxonomy_detail"] = self.taxonomy(term.taxonomy)
        out["language"] = self.language
        return out

    def attribute(self, attribute: Attribute) -> Json:
        out: Json = {
            "id": str(attribute.public_id),
            "link_id": str(attribute.service.public_id),
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": str(attribute.taxonomy_term.public_id),
        }
        _put(out, "value", attribute.value)
        out["taxonomy_term"] = self.taxonomy_term(attribute.taxonomy_term)
        return out

    def capacity(self, capacity: ServiceCapacity) -> Json:
        """HSDS 3.1 `service_capacity` with its `unit` (safepath keeps the unit inline, so
        the unit's id is derived from the capacity's)."""
        unit: Json = {"id": str(uuid.uuid5(UNIT_NAMESPACE, str(capacity.public_id)))}
        self._texts(unit, _Renamed(name=capacity.unit_name), ["name"])
        unit.setdefault("name", "")
        _put(unit, "scheme", capacity.unit_scheme)
        _put(unit, "identifier", capacity.unit_identifier)
        out: Json = {
            "id": str(capacity.public_id),
            "service_id": str(capacity.service.public_id),
            "unit": unit,
            "available": capacity.available,
        }
        if capacity.maximum is not None:
            out["maximum"] = capacity.maximum
        self._texts(out, capacity, ["description"])
        out["updated"] = capacity.updated.isoformat()
        return out

    def organization(self, organization: DirectoryOrganization, *, full: bool = False) -> Json:
        out: Json = {"id": str(organization.public_id)}
        self._texts(out, organization, ["name", "description"])
        out.setdefault("name", "")
        out.setdefault("description", "")
        for name in ("alternate_name", "email", "website", "legal_status"):
            _put(out, name, getattr(organization, name))
        if full:
            out["contacts"] = [self.contact(item) for item in organization.contacts.all()]
            out["phones"] = [self.phone(item) for item in organization.phones.all()]
        return out

    def metadata(self, change: MetadataChange) -> Json:
        return {
            "id": str(change.public_id),
            "resource_id": str(change.resource_id),
            "resource_type": change.resource_type,
            "last_action_date": change.last_action_date.isoformat(),
            "last_action_type": change.last_action_type,
            "field_name": change.field_name,
            # Which field changed and when, not the texts: an old text may hold what was
            # removed on purpose (an address). Staff read the values in safepath.
            "previous_value": "",
            "replacement_value": "",
            # Who edited is staff data: only say whether it came from an import.
            "updated_by": "import" if change.updated_by == "import" else "staff",
        }

    def service(
        self,
        service: Service,
        *,
        full: bool = True,
        metadata: Iterable[MetadataChange] = (),
    ) -> Json:
        """A service; `full` nests everything (HSDS `GET /services/{id}`), otherwise only
        its one-to-one fields and organization (the HSDS list form)."""
        out: Json = {
            "id": str(service.public_id),
            "organization_id": str(service.organization.public_id),
        }
        self._texts(
            out,
            service,
            [
                "name",
                "description",
                "interpretation_services",
                "application_process",
                "fees_description",
                "eligibility_description",
                "alert",
            ],
        )
        out.setdefault("name", "")
        out["status"] = service.status
        for name in ("alternate_name", "url", "email"):
            _put(out, name, getattr(service, name))
        for name in ("minimum_age", "maximum_age"):
            value = getattr(service, name)
            if value is not None:
                out[name] = value
        _put(out, "assured_date", _iso(service.assured_date))
        out["last_modified"] = service.updated_at.isoformat()
        out["organization"] = self.organization(service.organization)
        if not full:
            return out
        out["phones"] = [self.phone(item) for item in service.phones.all()]
        out["schedules"] = [self.schedule(item) for item in service.schedules.all()]
        out["service_areas"] = [self.service_area(item) for item in service.service_areas.all()]
        out["service_at_locations"] = [
            self.service_at_location(item) for item in service.service_at_locations.all()
        ]
        out["languages"] = [self.language_(item) for item in service.languages.all()]
        out["contacts"] = [self.contact(item) for item in service.contacts.all()]
        out["attributes"] = [self.attribute(item) for item in service.attributes.all()]
        out["capacities"] = [self.capacity(item) for item in service.capacities.all()]
        out["metadata"] = [
            self.metadata(change) for change in metadata if change.field_name not in INTERNAL_FIELDS
        ]
        return out


class _Renamed:
    """Lets `_texts` read a text that the model keeps under another name."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def _put(out: Json, name: str, value: Any) -> None:
    if value not in (None, ""):
        out[name] = value


def _iso(value: date | time | datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _number(value: str) -> int | float | None:
    """A stored time zone that is a UTC offset (HSDS 3.0 `timezone` is a number); an IANA
    name such as "Europe/Warsaw" has no single offset and is left out."""
    try:
        number = Decimal(value)
    except ArithmeticError:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)
