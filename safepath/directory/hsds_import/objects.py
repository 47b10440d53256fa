"""Each HSDS object of a service turned into rows: the service, its organization,
locations, services at locations, phones, contacts, schedules, languages, addresses,
service areas, capacities and attributes.

Not stored (safepath has no table for them): programs, funding, cost options,
required documents, accessibility, organization identifiers, attributes of anything
but a service, and the file's own `metadata` (the import writes its own).
"""

import uuid
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from safepath.directory.hours import WARSAW
from safepath.directory.hsds import ADDRESS_FIELDS
from safepath.directory.hsds_import.plan import plain_text
from safepath.directory.hsds_import.reading import validator
from safepath.directory.hsds_import.references import TaxonomyReferences
from safepath.directory.hsds_import.tables import FK
from safepath.directory.models import (
    Address,
    Attribute,
    Contact,
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


class Plan(TaxonomyReferences):
    """The plan of a whole import: every service of the file, as rows."""

    def add_service(self, index: int, data: Any) -> None:
        self.item = index
        self.service_id = str(data.get("id", "")) if isinstance(data, dict) else ""
        if not isinstance(data, dict):
            self.problem("", "a service must be a JSON object")
            return
        errors = sorted(validator().iter_errors(data), key=lambda e: list(e.absolute_path))
        for error in errors:
            pointer = "".join(f"/{part}" for part in error.absolute_path)
            self.problem(pointer, error.message)
        if errors:
            return
        self._service(data, "")

    # the objects

    def _service(self, data: dict[str, Any], p: str) -> None:
        organization: uuid.UUID | None = None
        if isinstance(data.get("organization"), dict):
            organization = self._organization(data["organization"], f"{p}/organization")
        elif data.get("organization_id"):
            organization = uuid.UUID(data["organization_id"])
            if (DirectoryOrganization, organization) not in self.rows and not (
                DirectoryOrganization.objects.filter(public_id=organization).exists()
            ):
                self.problem(f"{p}/organization_id", f"no organization with id {organization}")
                organization = None
        else:
            self.problem(p, "a service needs its organization (nested or organization_id)")
        values = {
            "alternate_name": data.get("alternate_name", ""),
            "url": data.get("url", ""),
            "email": data.get("email", ""),
            "status": data["status"],
            "minimum_age": self._whole(data.get("minimum_age"), f"{p}/minimum_age"),
            "maximum_age": self._whole(data.get("maximum_age"), f"{p}/maximum_age"),
            "assured_date": self._date(data.get("assured_date"), f"{p}/assured_date"),
            "assurer_email": data.get("assurer_email", ""),
        }
        links: dict[str, tuple[type[models.Model], uuid.UUID]] = {}
        if organization is not None:
            links["organization"] = (DirectoryOrganization, organization)
        sid = self._row(
            Service,
            data,
            p,
            values=values,
            texts=(
                "name",
                "description",
                "interpretation_services",
                "application_process",
                "fees_description",
                "eligibility_description",
                "alert",
            ),
            links=links,
        )
        owner = (Service, sid)
        for i, phone in enumerate(data.get("phones", [])):
            self._phone(phone, f"{p}/phones/{i}", owner)
        for i, schedule in enumerate(data.get("schedules", [])):
            self._schedule(schedule, f"{p}/schedules/{i}", owner)
        for i, area in enumerate(data.get("service_areas", [])):
            self._service_area(area, f"{p}/service_areas/{i}", owner)
        for i, language in enumerate(data.get("languages", [])):
            self._language(language, f"{p}/languages/{i}", owner)
        for i, contact in enumerate(data.get("contacts", [])):
            self._contact(contact, f"{p}/contacts/{i}", owner)
        for i, attribute in enumerate(data.get("attributes", [])):
            self._attribute(attribute, f"{p}/attributes/{i}", owner)
        for i, link in enumerate(data.get("service_at_locations", [])):
            self._service_at_location(link, f"{p}/service_at_locations/{i}", owner)
        capacities = data.get("capacities", [])
        if not isinstance(capacities, list):
            self.problem(f"{p}/capacities", "must be a list")
            capacities = []
        for i, capacity in enumerate(capacities):
            self._capacity(capacity, f"{p}/capacities/{i}", owner)

    def _organization(self, data: dict[str, Any], p: str) -> uuid.UUID:
        values = {
            name: data.get(name, "")
            for name in ("alternate_name", "email", "website", "legal_status")
        }
        oid = self._row(
            DirectoryOrganization, data, p, values=values, texts=("name", "description")
        )
        owner = (DirectoryOrganization, oid)
        for i, phone in enumerate(data.get("phones", [])):
            self._phone(phone, f"{p}/phones/{i}", owner)
        for i, contact in enumerate(data.get("contacts", [])):
            self._contact(contact, f"{p}/contacts/{i}", owner)
        for i, location in enumerate(data.get("locations", [])):
            self._location({**location, "organization_id": str(oid)}, f"{p}/locations/{i}")
        return oid

    def _location(self, data: dict[str, Any], p: str) -> uuid.UUID:
        links: dict[str, tuple[type[models.Model], uuid.UUID]] = {}
        if data.get("organization_id"):
            org = uuid.UUID(data["organization_id"])
            if (DirectoryOrganization, org) in self.rows or (
                DirectoryOrganization.objects.filter(public_id=org).exists()
            ):
                links["organization"] = (DirectoryOrganization, org)
        values = {
            "location_type": data.get("location_type", "physical"),
            "alternate_name": data.get("alternate_name", ""),
            "latitude": self._decimal(data.get("latitude"), f"{p}/latitude"),
            "longitude": self._decimal(data.get("longitude"), f"{p}/longitude"),
            "voivodeship": plain_text(data.get("voivodeship")),
        }
        lid = self._row(
            Location,
            data,
            p,
            values=values,
            texts=("name", "description", "transportation"),
            links=links,
        )
        owner = (Location, lid)
        for i, address in enumerate(data.get("addresses", [])):
            self._address(address, f"{p}/addresses/{i}", owner)
        for i, phone in enumerate(data.get("phones", [])):
            self._phone(phone, f"{p}/phones/{i}", owner)
        for i, schedule in enumerate(data.get("schedules", [])):
            self._schedule(schedule, f"{p}/schedules/{i}", owner)
        for i, language in enumerate(data.get("languages", [])):
            self._language(language, f"{p}/languages/{i}", owner)
        for i, contact in enumerate(data.get("contacts", [])):
            self._contact(contact, f"{p}/contacts/{i}", owner)
        return lid

    def _service_at_location(
        self, data: dict[str, Any], p: str, owner: tuple[type[models.Model], uuid.UUID]
    ) -> None:
        location: uuid.UUID | None = None
        if isinstance(data.get("location"), dict):
            location = self._location(data["location"], f"{p}/location")
        elif data.get("location_id"):
            location = uuid.UUID(data["location_id"])
            if (Location, location) not in self.rows and not Location.objects.filter(
                public_id=location
            ).exists():
                self.problem(f"{p}/location_id", f"no location with id {location}")
                location = None
        else:
            self.problem(p, "a service at a location needs its location (nested or location_id)")
        links: dict[str, tuple[type[models.Model], uuid.UUID]] = {"service": owner}
        if location is not None:
            links["location"] = (Location, location)
        sal = self._row(
            ServiceAtLocation,
            data,
            p,
            values={},
            texts=("description",),
            links=links,
            parent=owner,
        )
        mine = (ServiceAtLocation, sal)
        for i, phone in enumerate(data.get("phones", [])):
            self._phone(phone, f"{p}/phones/{i}", mine)
        for i, schedule in enumerate(data.get("schedules", [])):
            self._schedule(schedule, f"{p}/schedules/{i}", mine)
        for i, contact in enumerate(data.get("contacts", [])):
            self._contact(contact, f"{p}/contacts/{i}", mine)

    def _owned(
        self,
        model: type[models.Model],
        data: dict[str, Any],
        p: str,
        owner: tuple[type[models.Model], uuid.UUID],
        values: dict[str, Any],
        texts: tuple[str, ...] = (),
        extra_links: dict[str, tuple[type[models.Model], uuid.UUID]] | None = None,
    ) -> uuid.UUID:
        links = {FK[(model, owner[0])]: owner, **(extra_links or {})}
        return self._row(model, data, p, values=values, texts=texts, links=links, parent=owner)

    def _phone(
        self, data: dict[str, Any], p: str, owner: tuple[type[models.Model], uuid.UUID]
    ) -> None:
        extension = data.get("extension")
        values = {
            "number": data["number"],
            "extension": "" if extension is None else _plain_number(extension),
            "type": data.get("type", "voice"),
        }
        pid = self._owned(Phone, data, p, owner, values, ("description",))
        for i, language in enumerate(data.get("languages", [])):
            self._language(language, f"{p}/languages/{i}", (Phone, pid))

    def _contact(
        self, data: dict[str, Any], p: str, owner: tuple[type[models.Model], uuid.UUID]
    ) -> None:
        values = {name: data.get(name, "") for name in ("name", "title", "department", "email")}
        cid = self._owned(Contact, data, p, owner, values)
        for i, phone in enumerate(data.get("phones", [])):
            self._phone(phone, f"{p}/phones/{i}", (Contact, cid))

    def _schedule(
        self, data: dict[str, Any], p: str, owner: tuple[type[models.Model], uuid.UUID]
    ) -> None:
        values: dict[str, Any] = {
            name: self._date(data.get(name), f"{p}/{name}")
            for name in ("valid_from", "valid_to", "dtstart", "until")
        }
        timezone = data.get("timezone")
        values["timezone"] = "" if timezone is None else _plain_number(timezone)
        for name in ("count", "interval"):
            values[name] = self._whole(data.get(name), f"{p}/{name}")
        for name in ("wkst", "freq", "byday", "byweekno", "bymonthday", "byyearday"):
            values[name] = data.get(name, "")
        for name in ("opens_at", "closes_at"):
            values[name] = self._time(data.get(name), f"{p}/{name}")
        values["schedule_link"] = data.get("schedule_link", "")
        values["attending_type"] = data.get("attending_type", "")
        self._owned(Schedule, data, p, owner, values, ("description", "notes"))

    def _language(
        self, data: dict[str, Any], p: str, owner: tuple[type[models.Model], uuid.UUID]
    ) -> None:
        values = {name: data.get(name, "") for name in ("name", "code", "note")}
        self._owned(Language, data, p, owner, values)

    def _address(
        self, data: dict[str, Any], p: str, owner: tuple[type[models.Model], uuid.UUID]
    ) -> None:
        fields = {name: data.get(name, "") for name in ADDRESS_FIELDS}
        self._owned(Address, data, p, owner, fields)

    def _service_area(
        self, data: dict[str, Any], p: str, owner: tuple[type[models.Model], uuid.UUID]
    ) -> None:
        names = ("name", "extent", "extent_type", "uri")
        values: dict[str, Any] = {name: data.get(name, "") for name in names}
        values["voivodeship"] = plain_text(data.get("voivodeship"))
        self._owned(ServiceArea, data, p, owner, values, ("description",))

    def _capacity(self, data: Any, p: str, owner: tuple[type[models.Model], uuid.UUID]) -> None:
        if not isinstance(data, dict):
            self.problem(p, "must be an object")
            return
        try:
            uuid.UUID(str(data.get("id")))
        except ValueError:
            self.problem(f"{p}/id", "must be a UUID")
            return
        unit: dict[str, Any] = data["unit"] if isinstance(data.get("unit"), dict) else {}
        updated = parse_datetime(str(data.get("updated", "")))
        if updated is None:
            self.problem(f"{p}/updated", "must be a date and time (ISO 8601)")
        elif timezone.is_naive(updated):
            # A time without an offset is Warsaw's: stored and compared as such, so a
            # re-import of the same file changes nothing.
            updated = timezone.make_aware(updated, WARSAW)
        values = {
            "unit_scheme": plain_text(unit.get("scheme")),
            "unit_identifier": plain_text(unit.get("identifier")),
            "available": self._whole(data.get("available"), f"{p}/available", required=True),
            "maximum": self._whole(data.get("maximum"), f"{p}/maximum"),
            "updated": updated,
        }
        # The unit's name is kept on the capacity (`unit_name`).
        shaped = {**data, "unit_name": unit.get("name")}
        unit_texts = unit.get("translations")
        if isinstance(unit_texts, dict) and "name" in unit_texts:
            own = data.get("translations")
            shaped["translations"] = {
                **(own if isinstance(own, dict) else {}),
                "unit_name": unit_texts["name"],
            }
        self._owned(ServiceCapacity, shaped, p, owner, values, ("unit_name", "description"))

    def _attribute(
        self, data: dict[str, Any], p: str, owner: tuple[type[models.Model], uuid.UUID]
    ) -> None:
        term = self._term(data, p)
        if term is None:
            return
        self._owned(
            Attribute,
            data,
            p,
            owner,
            {"value": data.get("value", "")},
            extra_links={"taxonomy_term": (TaxonomyTerm, term)},
        )


def _plain_number(value: Any) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)
