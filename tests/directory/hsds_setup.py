"""A small but complete directory for the HSDS tests: every nested kind, four languages,
one service in each status, a change log naming a staff member."""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from django.utils import timezone

from safepath.accounts.models import User
from safepath.directory.change_log import record_change
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
    ServiceStatus,
)
from safepath.directory.taxonomies import GROUPS, SERVICE_TYPES, ensure_taxonomies, term

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "safepath" / "directory" / "hsds_schema" / "service_with_definitions.json"
DATA = Path(__file__).resolve().parent / "data"


def validator() -> Any:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft202012Validator  # no $schema: the latest draft
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(service: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator().iter_errors(service)
    ]


def texts(en: str, pl: str = "", uk: str = "", ru: str = "") -> dict[str, str]:
    return {k: v for k, v in {"en": en, "pl": pl, "uk": uk, "ru": ru}.items() if v}


@dataclass
class Directory:
    provider: DirectoryOrganization
    other_provider: DirectoryOrganization
    hidden_provider: DirectoryOrganization
    shelter: Service
    hotline: Service
    closed: Service
    inactive: Service
    defunct: Service
    location: Location


def build(responsible: User | None = None) -> Directory:
    ensure_taxonomies()
    provider = DirectoryOrganization.objects.create(
        name=texts(
            "Safe Harbour Foundation", "Fundacja Bezpieczna Przystań", "Фонд Безпечна гавань"
        ),
        description=texts("Fictional NGO.", "Fikcyjna organizacja."),
        email="contact@safe-harbour.example",
        website="https://safe-harbour.example",
        legal_status="foundation",
    )
    other = DirectoryOrganization.objects.create(name=texts("Hotline Org", "Infolinia"))
    hidden = DirectoryOrganization.objects.create(name=texts("Only inactive services"))
    Phone.objects.create(organization=provider, number="+48 22 000 00 01", type="voice")
    org_contact = Contact.objects.create(
        organization=provider, name="Front desk", email="desk@safe-harbour.example"
    )
    Phone.objects.create(contact=org_contact, number="+48 22 000 00 02")

    shelter = Service.objects.create(
        organization=provider,
        name=texts(
            "Shelter for women", "Schronisko dla kobiet", "Притулок для жінок", "Приют для женщин"
        ),
        description=texts("Safe accommodation.", "Bezpieczne zakwaterowanie."),
        url="https://safe-harbour.example/shelter",
        email="shelter@safe-harbour.example",
        status=ServiceStatus.ACTIVE,
        interpretation_services=texts("Ukrainian and Russian"),
        application_process=texts("Call the hotline first.", "Najpierw zadzwoń."),
        fees_description=texts("Free of charge.", "Bezpłatnie."),
        eligibility_description=texts("Women over 18.", "Kobiety powyżej 18 lat."),
        minimum_age=18,
        maximum_age=120,
        alert=texts("Ring twice."),
        assured_date=dt.date(2025, 1, 15),
        assurer_email="verifier@safepath.example",
        responsible=responsible,
    )
    Phone.objects.create(
        service=shelter,
        number="+48 22 111 11 11",
        extension="12",
        type="voice",
        description=texts("Day and night", "Całą dobę"),
    )
    phone2 = Phone.objects.create(service=shelter, number="+48 600 000 000", type="text")
    Language.objects.create(phone=phone2, name="Ukrainian", code="uk")
    Schedule.objects.create(
        service=shelter,
        freq="WEEKLY",
        byday="MO,TU,WE,TH,FR",
        opens_at=dt.time(8),
        closes_at=dt.time(18),
        timezone="Europe/Warsaw",
        valid_from=dt.date(2025, 1, 1),
        description=texts("Weekdays", "Dni robocze"),
        wkst="MO",
        interval=1,
    )
    ServiceArea.objects.create(
        service=shelter, name="Mazowieckie", voivodeship="14", description=texts("Region")
    )
    Language.objects.create(service=shelter, name="Polish", code="pl")
    Language.objects.create(service=shelter, name="Ukrainian", code="uk", note="some staff")
    contact = Contact.objects.create(service=shelter, name="Duty officer", title="Coordinator")
    Phone.objects.create(contact=contact, number="+48 22 222 22 22")
    Attribute.objects.create(service=shelter, taxonomy_term=term(SERVICE_TYPES, "shelter"))
    Attribute.objects.create(service=shelter, taxonomy_term=term(GROUPS, "women"), value="only")
    ServiceCapacity.objects.create(
        service=shelter,
        unit_name=texts("beds", "łóżka"),
        unit_identifier="bed",
        available=3,
        maximum=12,
        description=texts("Beds free tonight"),
        updated=timezone.make_aware(dt.datetime(2025, 3, 1, 9, 30)),
    )
    location = Location.objects.create(
        organization=provider,
        name=texts("Warsaw office", "Biuro w Warszawie"),
        description=texts("First floor"),
        transportation=texts("Tram 4 to Plac Narutowicza", "Tramwaj 4"),
        latitude=Decimal("52.229700"),
        longitude=Decimal("21.012200"),
        voivodeship="14",
    )
    Address.objects.create(
        location=location,
        address_1="ul. Przykładowa 1",
        city="Warszawa",
        state_province="mazowieckie",
        postal_code="00-001",
        country="PL",
    )
    Phone.objects.create(location=location, number="+48 22 333 33 33")
    Schedule.objects.create(
        location=location, byday="SA", opens_at=dt.time(10), closes_at=dt.time(14), freq="WEEKLY"
    )
    Language.objects.create(location=location, name="English", code="en")
    Contact.objects.create(location=location, name="Reception")
    link = ServiceAtLocation.objects.create(
        service=shelter, location=location, description=texts("Main site")
    )
    Phone.objects.create(service_at_location=link, number="+48 22 444 44 44")
    Schedule.objects.create(
        service_at_location=link,
        byday="SU",
        opens_at=dt.time(9),
        closes_at=dt.time(12),
        freq="WEEKLY",
    )
    Contact.objects.create(service_at_location=link, name="Site lead", department="Shelter")

    hotline = Service.objects.create(
        organization=other,
        name=texts("", pl="Infolinia dla cudzoziemców"),
        status=ServiceStatus.ACTIVE,
    )
    Attribute.objects.create(service=hotline, taxonomy_term=term(SERVICE_TYPES, "hotline"))
    closed = Service.objects.create(
        organization=provider,
        name=texts("Closed for repairs"),
        status=ServiceStatus.TEMPORARILY_CLOSED,
    )
    inactive = Service.objects.create(
        organization=hidden, name=texts("Old programme"), status=ServiceStatus.INACTIVE
    )
    defunct = Service.objects.create(
        organization=hidden, name=texts("Gone"), status=ServiceStatus.DEFUNCT
    )
    hidden_place = Location.objects.create(name=texts("Secret place"))
    ServiceAtLocation.objects.create(service=inactive, location=hidden_place)
    record_change(
        actor=responsible,
        resource=shelter,
        resource_type="service",
        action="update",
        field_name="status",
        previous_value="inactive",
        replacement_value="active",
        updated_by="someone",
    )
    record_change(
        actor=responsible,
        resource=shelter,
        resource_type="service",
        action="update",
        field_name="responsible",
        previous_value="",
        replacement_value="caseworker",
        updated_by="someone",
    )
    assert MetadataChange.objects.count() == 2
    return Directory(provider, other, hidden, shelter, hotline, closed, inactive, defunct, location)
