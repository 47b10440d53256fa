"""Import of an HSDS 3.0 dataset into the directory: all or nothing, idempotent by HSDS id.

Accepted JSON: one fully nested service, a list of them, a page envelope whose
`contents` holds them, or a fully nested organization whose `services` holds them.

1. **Check everything first.** Each service is validated against the HSDS schema
   (`hsds_schema/service_with_definitions.json`), then turned into rows and checked
   again as safepath stores them (lengths, choices, references: the organization nested
   or named by an id that exists; taxonomy terms by id or by taxonomy and code). Every
   error is collected with the service's index and id and a JSON pointer; if there is
   one, nothing is written (`ImportFailed`).
2. **Then one transaction** creates or updates each object by its HSDS id
   (`public_id`), and removes the nested objects a service no longer has. Each create,
   update (per field) and delete is a `MetadataChange` with `updated_by` "import". A
   second import of the same file changes nothing.

Decisions:
- A text that arrives as a plain string is stored under `language` (default "en"),
  keeping the other languages already stored. An object may carry `translations`
  ({field: {language: text}}, what the export writes): those replace the whole text.
- Organisations and locations are shared: the same id anywhere in the file is one row
  (two different contents for one id is an error). Phones, contacts, schedules,
  languages, addresses, service areas, attributes and capacities belong to one parent:
  when the same id appears under a second parent (as in the HSDS examples, where one
  phone is under the service, its location and its contact), the second is stored as a
  copy with an id derived from the id and its parent (uuid5), so a re-import finds it.
- Taxonomy terms and taxonomies are found, never changed: by id, else by taxonomy code
  and term code. An unknown term is created under its taxonomy (found by id or code,
  or created from `taxonomy_detail` / the `taxonomy` name); its unknown parent is left
  out.
- Not stored (safepath has no table for them): programs, funding, cost options,
  required documents, accessibility, organization identifiers, attributes of anything
  but a service, and the file's own `metadata` (the import writes its own).
"""

import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Final

import jsonschema  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.text import slugify

from safepath.directory import i18n
from safepath.directory.hsds import ADDRESS_FIELDS
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
    Taxonomy,
    TaxonomyTerm,
)
from safepath.directory.services import record_change

SCHEMA_FILE: Final = (
    Path(__file__).resolve().parent / "hsds_schema" / "service_with_definitions.json"
)
UPDATED_BY: Final = "import"
COPY_NAMESPACE: Final = uuid.UUID("2b0d4c1e-8f7a-4d55-9b3e-6c1f0a9e7d21")

# Write order: a row's parents are written before it.
ORDER: Final[list[type[models.Model]]] = [
    Taxonomy,
    TaxonomyTerm,
    DirectoryOrganization,
    Service,
    Location,
    Address,
    ServiceAtLocation,
    Contact,
    Phone,
    Schedule,
    Language,
    ServiceArea,
    Attribute,
    ServiceCapacity,
]
SHARED: Final = frozenset({DirectoryOrganization, Location, Service})
# Which rows belong to a parent, by the parent's foreign key: removed when the parent is
# imported without them.
CHILDREN: Final[dict[type[models.Model], list[tuple[type[models.Model], str]]]] = {
    Service: [
        (Phone, "service"),
        (Schedule, "service"),
        (ServiceArea, "service"),
        (ServiceAtLocation, "service"),
        (Language, "service"),
        (Contact, "service"),
        (Attribute, "service"),
        (ServiceCapacity, "service"),
    ],
    Location: [
        (Address, "location"),
        (Phone, "location"),
        (Schedule, "location"),
        (Language, "location"),
        (Contact, "location"),
    ],
    ServiceAtLocation: [
        (Phone, "service_at_location"),
        (Schedule, "service_at_location"),
        (Contact, "service_at_location"),
    ],
    DirectoryOrganization: [(Phone, "organization"), (Contact, "organization")],
    Contact: [(Phone, "contact")],
    Phone: [(Language, "phone")],
}
LIST_NAMES: Final[dict[type[models.Model], str]] = {
    Phone: "phones",
    Schedule: "schedules",
    ServiceArea: "service_areas",
    ServiceAtLocation: "service_at_locations",
    Language: "languages",
    Contact: "contacts",
    Attribute: "attributes",
    ServiceCapacity: "capacities",
    Address: "addresses",
}
RESOURCE_TYPES: Final[dict[type[models.Model], str]] = {
    Taxonomy: "taxonomy",
    TaxonomyTerm: "taxonomy_term",
    DirectoryOrganization: "organization",
    Service: "service",
    Location: "location",
    Address: "address",
    ServiceAtLocation: "service_at_location",
    Contact: "contact",
    Phone: "phone",
    Schedule: "schedule",
    Language: "language",
    ServiceArea: "service_area",
    Attribute: "attribute",
    ServiceCapacity: "service_capacity",
}


@dataclass(frozen=True)
class Problem:
    """One error: which service (index in the file and id), where (JSON pointer inside
    that service), what."""

    item: int | None
    service_id: str
    pointer: str
    message: str

    def __str__(self) -> str:
        where = "file" if self.item is None else f"service {self.item}"
        if self.service_id:
            where += f" ({self.service_id})"
        return f"{where} {self.pointer or '/'}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} error(s)")
        self.problems = problems


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class Row:
    """One row to create or update."""

    model: type[models.Model]
    public_id: uuid.UUID
    values: dict[str, Any]
    texts: dict[str, str]  # translated field → text in the import language
    translations: dict[str, dict[str, str]]  # translated field → every language
    links: dict[str, tuple[type[models.Model], uuid.UUID]]  # foreign key → parent row
    item: int
    pointer: str
    items: set[int] = field(default_factory=set)
    existing: bool = False  # found in the database and only referenced (terms)
    service_id: str = ""
    lists: set[str] = field(default_factory=set)  # nested lists given (replaced)


@cache
def _validator() -> Any:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def read_file(path: str | Path) -> Any:
    """The parsed JSON of `path`; `ImportFailed` when it cannot be read or parsed."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        message = f"cannot read the file: {error.strerror}"
        raise ImportFailed([Problem(None, "", "", message)]) from None
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportFailed([Problem(None, "", "", "the file is not UTF-8")]) from None
    except json.JSONDecodeError as error:
        message = f"not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        raise ImportFailed([Problem(None, "", "", message)]) from None


def services_in(data: Any) -> list[Any]:
    """The services of a dataset, whichever of the accepted shapes it has."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return list(data["contents"])
    if isinstance(data, dict) and isinstance(data.get("services"), list) and "status" not in data:
        organization = {k: v for k, v in data.items() if k != "services"}
        found: list[Any] = []
        for item in data["services"]:
            if isinstance(item, dict) and "organization" not in item:
                item = {**item, "organization": organization}
            found.append(item)
        return found
    if isinstance(data, dict):
        return [data]
    raise ImportFailed(
        [
            Problem(
                None,
                "",
                "",
                "expected a service, a list of services, a page with `contents` or an "
                "organization with `services`",
            )
        ]
    )


def import_data(data: Any, *, language: str = "en") -> Summary:
    """Check all of `data`, then write all of it in one transaction (or nothing)."""
    if language not in i18n.LANGUAGE_CODES:
        raise ImportFailed([Problem(None, "", "", f"unknown language {language!r}")])
    items = services_in(data)
    plan = _Plan(language)
    for index, item in enumerate(items):
        plan.add_service(index, item)
    plan.check_rows()
    if plan.problems:
        raise ImportFailed(plan.problems)
    return _write(plan, len(items))


def import_file(path: str | Path, *, language: str = "en") -> Summary:
    return import_data(read_file(path), language=language)


# --- planning: HSDS JSON → rows, with every problem ----------------------------------


class _Plan:
    def __init__(self, language: str) -> None:
        self.language = language
        self.rows: dict[tuple[type[models.Model], uuid.UUID], Row] = {}
        self.problems: list[Problem] = []
        self.item = 0
        self.service_id = ""

    # bookkeeping

    def problem(self, pointer: str, message: str) -> None:
        self.problems.append(Problem(self.item, self.service_id, pointer, message))

    def add_service(self, index: int, data: Any) -> None:
        self.item = index
        self.service_id = str(data.get("id", "")) if isinstance(data, dict) else ""
        if not isinstance(data, dict):
            self.problem("", "a service must be a JSON object")
            return
        errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
        for error in errors:
            pointer = "".join(f"/{part}" for part in error.absolute_path)
            self.problem(pointer, error.message)
        if errors:
            return
        self._service(data, "")

    def _row(
        self,
        model: type[models.Model],
        data: dict[str, Any],
        pointer: str,
        *,
        values: dict[str, Any],
        texts: tuple[str, ...] = (),
        links: dict[str, tuple[type[models.Model], uuid.UUID]] | None = None,
        parent: tuple[type[models.Model], uuid.UUID] | None = None,
    ) -> uuid.UUID:
        """Add (or merge) the row for `data`; answer the id it is stored under."""
        public_id = uuid.UUID(str(data["id"]))
        links = dict(links or {})
        plain = {name: _text(data.get(name)) for name in texts}
        translations = self._translations(data, texts, pointer)
        key = (model, public_id)
        other = self.rows.get(key)
        if (
            other is not None
            and model not in SHARED
            and parent is not None
            and other.links.get(_fk_of(other, parent[0])) != parent
        ):
            # The same id under another parent: a copy of its own.
            seed = f"{public_id}|{parent[0].__name__}|{parent[1]}"
            public_id = uuid.uuid5(COPY_NAMESPACE, seed)
            key = (model, public_id)
            other = self.rows.get(key)
        if other is not None:
            same = (other.values, other.texts, other.translations) == (values, plain, translations)
            if not same:
                self.problem(
                    pointer,
                    f"id {public_id} appears again with other values (first at "
                    f"service {other.item} {other.pointer or '/'})",
                )
            for name, target in links.items():
                if other.links.setdefault(name, target) != target:
                    self.problem(pointer, f"id {public_id} is linked to two different {name}s")
            other.items.add(self.item)
            other.lists |= {name for name, value in data.items() if isinstance(value, list)}
            return public_id
        self.rows[key] = Row(
            model,
            public_id,
            values,
            plain,
            translations,
            links,
            self.item,
            pointer,
            {self.item},
            service_id=self.service_id,
            lists={name for name, value in data.items() if isinstance(value, list)},
        )
        return public_id

    def _translations(
        self, data: dict[str, Any], texts: tuple[str, ...], pointer: str
    ) -> dict[str, dict[str, str]]:
        given = data.get("translations")
        if given is None:
            return {}
        if not isinstance(given, dict):
            self.problem(f"{pointer}/translations", "must be an object")
            return {}
        cleaned: dict[str, dict[str, str]] = {}
        for name, value in given.items():
            if name not in texts:
                self.problem(f"{pointer}/translations/{name}", "not a translatable field")
                continue
            try:
                cleaned[name] = i18n.clean(value)
            except ValueError as error:
                self.problem(f"{pointer}/translations/{name}", str(error))
        return cleaned

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
            "voivodeship": _text(data.get("voivodeship")),
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
        links = {_FK[(model, owner[0])]: owner, **(extra_links or {})}
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
        values["voivodeship"] = _text(data.get("voivodeship"))
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
        values = {
            "unit_scheme": _text(unit.get("scheme")),
            "unit_identifier": _text(unit.get("identifier")),
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

    # taxonomy terms: found or created, never changed

    def _term(self, data: dict[str, Any], p: str) -> uuid.UUID | None:
        nested = data.get("taxonomy_term") if isinstance(data.get("taxonomy_term"), dict) else None
        term_id = (nested or {}).get("id") or data.get("taxonomy_term_id")
        if not term_id:
            self.problem(p, "an attribute needs a taxonomy_term or a taxonomy_term_id")
            return None
        term_uuid = uuid.UUID(str(term_id))
        if (TaxonomyTerm, term_uuid) in self.rows:
            return term_uuid
        found = TaxonomyTerm.objects.filter(public_id=term_uuid).first()
        if found is not None:
            return self._reference(TaxonomyTerm, found.public_id)
        if nested is None:
            self.problem(f"{p}/taxonomy_term_id", f"no taxonomy term with id {term_uuid}")
            return None
        tp = f"{p}/taxonomy_term"
        taxonomy = self._taxonomy(nested, tp)
        if taxonomy is None:
            return None
        code = _text(nested.get("code")) or str(term_uuid)
        existing = TaxonomyTerm.objects.filter(taxonomy__public_id=taxonomy, code=code).first()
        if existing is None:
            for key, row in self.rows.items():
                if (
                    key[0] is TaxonomyTerm
                    and row.values.get("code") == code
                    and row.links.get("taxonomy") == (Taxonomy, taxonomy)
                ):
                    return row.public_id
        if existing is not None:
            return self._reference(TaxonomyTerm, existing.public_id)
        links: dict[str, tuple[type[models.Model], uuid.UUID]] = {"taxonomy": (Taxonomy, taxonomy)}
        parent = nested.get("parent_id")
        if parent:
            parent_id = uuid.UUID(str(parent))
            if (TaxonomyTerm, parent_id) in self.rows or TaxonomyTerm.objects.filter(
                public_id=parent_id
            ).exists():
                links["parent"] = (TaxonomyTerm, parent_id)
        return self._row(
            TaxonomyTerm,
            nested,
            tp,
            values={"code": code},
            texts=("name", "description"),
            links=links,
        )

    def _taxonomy(self, term: dict[str, Any], p: str) -> uuid.UUID | None:
        detail = term.get("taxonomy_detail")
        if not isinstance(detail, dict):
            detail = None
        given_id = (detail or {}).get("id") or term.get("taxonomy_id")
        name = _text(term.get("taxonomy"))
        code = slugify(name)[:64] if name else ""
        if given_id:
            taxonomy_id = uuid.UUID(str(given_id))
            if (Taxonomy, taxonomy_id) in self.rows:
                return taxonomy_id
            found = Taxonomy.objects.filter(public_id=taxonomy_id).first()
            if found is not None:
                return self._reference(Taxonomy, found.public_id)
        by_code = Taxonomy.objects.filter(code=code).first() if code else None
        if by_code is not None:
            return self._reference(Taxonomy, by_code.public_id)
        for key, row in self.rows.items():
            if key[0] is Taxonomy and code and row.values.get("code") == code:
                return row.public_id
        if detail is None and not code:
            self.problem(p, "an unknown taxonomy term must name its taxonomy")
            return None
        source = detail or {"id": str(uuid.uuid5(COPY_NAMESPACE, f"taxonomy|{code}"))}
        if not code:
            code = slugify(_text(source.get("name")))[:64] or str(source["id"])
        if detail is None:
            source = {**source, "name": name}
        values = {"code": code, "uri": source.get("uri", ""), "version": source.get("version", "")}
        return self._row(
            Taxonomy, source, f"{p}/taxonomy_detail", values=values, texts=("name", "description")
        )

    def _reference(self, model: type[models.Model], public_id: uuid.UUID) -> uuid.UUID:
        """A term or taxonomy that exists: referenced, never changed."""
        key = (model, public_id)
        if key not in self.rows:
            self.rows[key] = Row(model, public_id, {}, {}, {}, {}, self.item, "", {self.item}, True)
        return public_id

    # values

    def _whole(self, value: Any, pointer: str, *, required: bool = False) -> int | None:
        if value is None:
            if required:
                self.problem(pointer, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            self.problem(pointer, "must be a whole number")
            return None
        if value < 0:
            self.problem(pointer, "must not be negative")
            return None
        return int(value)

    def _decimal(self, value: Any, pointer: str) -> Decimal | None:
        if value is None:
            return None
        try:
            return Decimal(str(value)).quantize(Decimal("0.000001"))
        except InvalidOperation:
            self.problem(pointer, "must be a number")
            return None

    def _date(self, value: Any, pointer: str) -> date | None:
        if value in (None, ""):
            return None
        parsed = _parse(parse_date, str(value)[:10] if len(str(value)) > 10 else str(value))
        if parsed is None:
            self.problem(pointer, "must be a date (YYYY-MM-DD)")
        return parsed

    def _time(self, value: Any, pointer: str) -> time | None:
        if value in (None, ""):
            return None
        parsed = _parse(parse_time, str(value))
        if parsed is None:
            self.problem(pointer, "must be a time (HH:MM or HH:MM:SS)")
        return parsed

    # the rows as safepath stores them

    def check_rows(self) -> None:
        for row in self.rows.values():
            if row.existing:
                continue
            instance = row.model(**row.values)
            for name, text in row.texts.items():
                setattr(instance, name, {self.language: text} if text else {})
            for name, texts in row.translations.items():
                setattr(instance, name, texts)
            skip = [f.name for f in row.model._meta.fields if f.is_relation] + ["public_id"]
            try:
                instance.clean_fields(exclude=skip)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    for message in messages:
                        self.problems.append(
                            Problem(
                                row.item,
                                row.service_id,
                                f"{row.pointer}/{_hsds_name(name)}",
                                message,
                            )
                        )
        self.problems.sort(key=lambda p: (-1 if p.item is None else p.item, p.pointer))


_FK: Final[dict[tuple[type[models.Model], type[models.Model]], str]] = {
    (Phone, Service): "service",
    (Phone, Location): "location",
    (Phone, ServiceAtLocation): "service_at_location",
    (Phone, Contact): "contact",
    (Phone, DirectoryOrganization): "organization",
    (Contact, Service): "service",
    (Contact, Location): "location",
    (Contact, ServiceAtLocation): "service_at_location",
    (Contact, DirectoryOrganization): "organization",
    (Schedule, Service): "service",
    (Schedule, Location): "location",
    (Schedule, ServiceAtLocation): "service_at_location",
    (Language, Service): "service",
    (Language, Location): "location",
    (Language, Phone): "phone",
    (Address, Location): "location",
    (ServiceArea, Service): "service",
    (Attribute, Service): "service",
    (ServiceCapacity, Service): "service",
    (ServiceAtLocation, Service): "service",
}


def _fk_of(row: Row, parent: type[models.Model]) -> str:
    return _FK.get((row.model, parent), "")


def _hsds_name(name: str) -> str:
    return {"unit_name": "unit/name", "unit_scheme": "unit/scheme"}.get(name, name)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _plain_number(value: Any) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def _parse[T](parser: Any, value: str) -> T | None:
    try:
        return parser(value)  # type: ignore[no-any-return]
    except ValueError:
        return None


# --- writing ------------------------------------------------------------------------


def _db_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, date | time | datetime):
        return value.isoformat()
    return str(value)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return old is not None and new is not None and Decimal(old) == Decimal(new)
    return bool(old == new)


@transaction.atomic
def _write(plan: _Plan, count: int) -> Summary:
    pks: dict[type[models.Model], dict[uuid.UUID, int]] = defaultdict(dict)
    changed_items: set[int] = set()
    created_items: set[int] = set()
    by_model: dict[type[models.Model], list[Row]] = defaultdict(list)
    for row in plan.rows.values():
        by_model[row.model].append(row)
    for model in ORDER:
        rows = by_model.get(model, [])
        found = {
            obj.public_id: obj  # type: ignore[attr-defined]
            for obj in model._default_manager.filter(public_id__in=[r.public_id for r in rows])
        }
        for row in rows:
            obj = found.get(row.public_id)
            if row.existing:
                assert obj is not None
                pks[model][row.public_id] = obj.pk
                continue
            values = dict(row.values)
            for name, (parent_model, parent_id) in row.links.items():
                values[f"{name}_id"] = pks[parent_model][parent_id]
            for name in _single_owner(row):
                values[f"{name}_id"] = None  # one parent only: drop a previous one
            for name, text in row.texts.items():
                if name in row.translations:
                    values[name] = row.translations[name]
                    continue
                current = dict(getattr(obj, name) or {}) if obj is not None else {}
                if text:
                    current[plan.language] = text
                else:
                    current.pop(plan.language, None)
                values[name] = current
            kind = RESOURCE_TYPES[model]
            if obj is None:
                obj = model(public_id=row.public_id, **values)
                obj.save()
                record_change(
                    actor=None,
                    updated_by=UPDATED_BY,
                    resource=obj,
                    resource_type=kind,
                    action="create",
                )
                changed_items |= row.items
                if model is Service:
                    created_items |= row.items
            else:
                changes = [
                    (name, getattr(obj, name), value)
                    for name, value in values.items()
                    if not _same(getattr(obj, name), value)
                ]
                if changes:
                    for name, value in values.items():
                        setattr(obj, name, value)
                    obj.save()
                    for name, old, new in changes:
                        record_change(
                            actor=None,
                            updated_by=UPDATED_BY,
                            resource=obj,
                            resource_type=kind,
                            action="update",
                            field_name=name.removesuffix("_id"),
                            previous_value=_db_value(old),
                            replacement_value=_db_value(new),
                        )
                    changed_items |= row.items
            pks[model][row.public_id] = obj.pk
    changed_items |= _remove_missing(plan, pks)
    summary = Summary()
    for index in range(count):
        if index in created_items:
            summary.created += 1
        elif index in changed_items:
            summary.updated += 1
        else:
            summary.unchanged += 1
    return summary


def _single_owner(row: Row) -> set[str]:
    """The other parent keys of a row that belongs to one parent (to clear)."""
    return {
        fk
        for (model, _parent), fk in _FK.items()
        if model is row.model and fk not in row.links and model is not ServiceAtLocation
    }


def _remove_missing(plan: _Plan, pks: dict[type[models.Model], dict[uuid.UUID, int]]) -> set[int]:
    """Delete the rows an imported parent no longer has; answer the items touched."""
    touched: set[int] = set()
    kept: dict[tuple[type[models.Model], str, int], set[uuid.UUID]] = defaultdict(set)
    for row in plan.rows.values():
        for fk, (parent_model, parent_id) in row.links.items():
            if (row.model, parent_model) in _FK:
                kept[(row.model, fk, pks[parent_model][parent_id])].add(row.public_id)
    for row in plan.rows.values():
        if row.existing:
            continue
        for child, fk in CHILDREN.get(row.model, []):
            if LIST_NAMES[child] not in row.lists:
                continue  # not given: left as it is
            parent_pk = pks[row.model][row.public_id]
            keep = kept.get((child, fk, parent_pk), set())
            stale = child._default_manager.filter(**{f"{fk}_id": parent_pk}).exclude(
                public_id__in=keep
            )
            for obj in stale:
                record_change(
                    actor=None,
                    updated_by=UPDATED_BY,
                    resource=obj,
                    resource_type=RESOURCE_TYPES[child],
                    action="delete",
                )
                obj.delete()
                touched |= row.items
    return touched


def errors_text(problems: list[Problem]) -> Iterator[str]:
    for problem in problems:
        yield str(problem)
