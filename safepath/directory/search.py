"""The public "find help" search over the directory (issue 5 §3): filters, "open now"
and what a result shows. It reads only the public part of the directory (active and
temporarily closed services) and stores nothing: no session, no audit, no log.

Opening hours are read by `safepath.directory.hours`. The hours of a place are those
of its service-at-location when it has any, else the service's own, else the
location's; a service with no location (a hotline) has its own. A service is "open
now" when one of its places is, and never when it is temporarily closed.
"""

import gettext
import unicodedata
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

import pycountry
from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, TextField, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.formats import date_format

from safepath.directory import hours
from safepath.directory.hours import Rule, hours_in_words, is_open, rule_from
from safepath.directory.i18n import FALLBACK
from safepath.directory.models import (
    Address,
    Attribute,
    Language,
    Location,
    LocationType,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceStatus,
    TaxonomyTerm,
)
from safepath.directory.taxonomies import GROUPS, SERVICE_TYPES

PUBLIC_STATUSES: Final = (ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED)
PAGE_SIZE: Final = 20

# What visitors type for the largest cities of the mission's regions, in English,
# Ukrainian and Russian, mapped to the Polish name as written in addresses (compared
# without case or diacritics). Other cities match on their Polish spelling.
CITY_ALIASES: Final = {
    "warsaw": "warszawa",
    "варшава": "warszawa",
    "cracow": "krakow",
    "краків": "krakow",
    "краков": "krakow",
    "люблін": "lublin",
    "люблин": "lublin",
    "жешув": "rzeszow",
    "ряшів": "rzeszow",
    "перемишль": "przemysl",
    "перемышль": "przemysl",
    "хелм": "chelm",
    "холм": "chelm",
    "хелм люблінський": "chelm",
    "замосць": "zamosc",
    "замостя": "zamosc",
    "тарнув": "tarnow",
    "тарнів": "tarnow",
}


# --- what a visitor searches by ---------------------------------------------------------


@dataclass(frozen=True)
class Criteria:
    voivodeship: str = ""
    city: str = ""
    service_type: str = ""
    language: str = ""
    group: str = ""
    open_now: bool = False

    @property
    def by_place(self) -> bool:
        return bool(self.voivodeship or self.city)


def normalise(text: str) -> str:
    """Lower case, no diacritics, single spaces: "Kraków" and "krakow" compare equal."""
    folded = text.casefold().replace("ł", "l").strip()
    decomposed = unicodedata.normalize("NFKD", folded)
    # Keep Cyrillic й and ї as they are (their marks are part of the letter).
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) or c in "\u0306\u0308")
    return " ".join(unicodedata.normalize("NFC", kept).replace("-", " ").split())


def matching_cities(query: str) -> list[str]:
    """The cities of the directory's addresses that `query` names (part of the name,
    without case or diacritics, or a known English/Ukrainian/Russian name)."""
    wanted = normalise(query)
    wanted = CITY_ALIASES.get(wanted, wanted)
    if not wanted:
        return []
    cities = Address.objects.values_list("city", flat=True).distinct()
    return sorted({city for city in cities if wanted in normalise(city)})


def known_cities() -> list[str]:
    """The cities of public services' addresses, for the form's suggestions."""
    return sorted(
        set(
            Address.objects.filter(
                location__service_at_locations__service__status__in=PUBLIC_STATUSES
            )
            .values_list("city", flat=True)
            .distinct()
        )
    )


def public_services() -> QuerySet[Service]:
    return Service.objects.filter(status__in=PUBLIC_STATUSES)


def _term_ids(taxonomy: str, code: str) -> QuerySet[Attribute, Any]:
    return Attribute.objects.filter(
        taxonomy_term__taxonomy__code=taxonomy, taxonomy_term__code=code
    ).values("service_id")


def _ordered_by_name(services: QuerySet[Service]) -> QuerySet[Service]:
    language = (translation.get_language() or "en")[:2]
    codes = [language, *(code for code in FALLBACK if code != language)]
    name = Coalesce(
        *(KeyTextTransform(code, "name") for code in codes), Value(""), output_field=TextField()
    )
    return services.annotate(sort_name=name)


def search(criteria: Criteria, *, at: datetime | None = None) -> QuerySet[Service]:
    """The public services that match, those in the place asked for first, then those
    that serve the whole country (when a place was asked for), each by name."""
    services = public_services()
    if criteria.service_type:
        services = services.filter(id__in=_term_ids(SERVICE_TYPES, criteria.service_type))
    if criteria.group:
        services = services.filter(id__in=_term_ids(GROUPS, criteria.group))
    if criteria.language:
        spoken = Language.objects.filter(code__iexact=criteria.language)
        services = services.filter(
            Q(id__in=spoken.values("service_id"))
            | Q(id__in=spoken.values("location__service_at_locations__service_id"))
            | Q(id__in=spoken.values("phone__service_id"))
        )
    local = Q()
    if criteria.voivodeship:
        local &= Q(
            id__in=ServiceAtLocation.objects.filter(
                location__voivodeship=criteria.voivodeship
            ).values("service_id")
        ) | Q(
            id__in=ServiceArea.objects.filter(voivodeship=criteria.voivodeship).values("service_id")
        )
    if criteria.city:
        local &= Q(
            id__in=ServiceAtLocation.objects.filter(
                location__addresses__city__in=matching_cities(criteria.city)
            ).values("service_id")
        )
    if criteria.by_place:
        nationwide = Q(id__in=ServiceArea.objects.filter(voivodeship="").values("service_id"))
        services = services.filter(local | nationwide).annotate(
            nearby=Case(When(local, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
    else:
        services = services.annotate(nearby=Value(0, output_field=IntegerField()))
    if criteria.open_now:
        ids = list(services.filter(status=ServiceStatus.ACTIVE).values_list("id", flat=True))
        services = services.filter(id__in=open_service_ids(ids, at or hours.current_time()))
    return _ordered_by_name(services).order_by(F("nearby").asc(), F("sort_name").asc(), "id")


def _place_rules(own: list[Rule], at_location: list[Rule], of_location: list[Rule]) -> list[Rule]:
    return at_location or own or of_location


def open_service_ids(ids: Sequence[int], at: datetime) -> set[int]:
    """Which of the services `ids` are open at `at` (three queries, whatever the count)."""
    places = list(
        ServiceAtLocation.objects.filter(service_id__in=ids).values_list(
            "id", "service_id", "location_id"
        )
    )
    schedules = Schedule.objects.filter(
        Q(service_id__in=ids)
        | Q(service_at_location_id__in=[sal for sal, _s, _l in places])
        | Q(location_id__in={location for _sal, _s, location in places})
    )
    by_service: dict[int, list[Rule]] = defaultdict(list)
    by_place: dict[int, list[Rule]] = defaultdict(list)
    by_location: dict[int, list[Rule]] = defaultdict(list)
    for schedule in schedules:
        rule = rule_from(schedule)
        if schedule.service_at_location_id is not None:
            by_place[schedule.service_at_location_id].append(rule)
        elif schedule.service_id is not None:
            by_service[schedule.service_id].append(rule)
        elif schedule.location_id is not None:
            by_location[schedule.location_id].append(rule)
    open_ids = set()
    with_places = set()
    for sal, service, location in places:
        with_places.add(service)
        rules = _place_rules(by_service[service], by_place[sal], by_location[location])
        if is_open(rules, at):
            open_ids.add(service)
    for service in set(ids) - with_places:
        if is_open(by_service[service], at):
            open_ids.add(service)
    return open_ids


# --- what a result shows ----------------------------------------------------------------


def with_details(services: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a result shows, in a fixed number of queries for any page size."""
    return services.select_related("organization").prefetch_related(
        Prefetch(
            "attributes",
            queryset=Attribute.objects.select_related("taxonomy_term__taxonomy").order_by(
                "taxonomy_term__position", "id"
            ),
        ),
        Prefetch("languages", queryset=Language.objects.order_by("id")),
        Prefetch(
            "phones",
            queryset=Phone.objects.filter(service_at_location=None).prefetch_related("languages"),
        ),
        Prefetch("schedules", queryset=Schedule.objects.filter(service_at_location=None)),
        Prefetch("capacities", queryset=ServiceCapacity.objects.order_by("id")),
        "service_areas",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "phones",
                "schedules",
                "location__addresses",
                "location__phones",
                "location__schedules",
                "location__languages",
            ),
        ),
    )


@dataclass(frozen=True)
class PhoneLink:
    number: str
    tel: str
    extension: str
    description: dict[str, str]


@dataclass(frozen=True)
class Place:
    location: Location
    address: Address | None
    phones: list[PhoneLink]
    hours: list[str]
    notes: list[dict[str, str]]
    has_hours: bool
    open_now: bool
    directions_url: str


@dataclass(frozen=True)
class Capacity:
    unit: dict[str, str]
    available: int
    maximum: int | None
    as_of: str


@dataclass
class Result:
    service: Service
    types: list[TaxonomyTerm] = field(default_factory=list)
    groups: list[TaxonomyTerm] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    phones: list[PhoneLink] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    hours: list[str] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    has_hours: bool = False
    open_now: bool = False
    capacities: list[Capacity] = field(default_factory=list)
    nationwide: bool = False

    @property
    def temporarily_closed(self) -> bool:
        return self.service.status == ServiceStatus.TEMPORARILY_CLOSED


def tel_link(number: str) -> str:
    """`tel:` target: digits and a leading +, nothing else."""
    digits = "".join(c for c in number if c.isdigit())
    return f"+{digits}" if number.strip().startswith("+") else digits


def _phones(phones: Iterable[Phone]) -> list[PhoneLink]:
    return [
        PhoneLink(p.number, tel_link(p.number), p.extension, p.description)
        for p in phones
        if tel_link(p.number).lstrip("+")
    ]


@lru_cache(maxsize=8)
def _language_names(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def language_name(code: str, fallback: str = "") -> str:
    """A language's name in the reader's language (pycountry's translations)."""
    code = code.strip().lower()
    found = (
        pycountry.languages.get(alpha_2=code)
        if len(code) == 2
        else pycountry.languages.get(alpha_3=code)
    )
    if found is None:
        return fallback or code
    reader = (translation.get_language() or "en")[:2]
    return _language_names(reader).gettext(found.name)


def directions_url(location: Location, address: Address | None) -> str:
    """A link to OpenStreetMap that the visitor may follow; nothing is loaded from it."""
    if address is None or not address.address_1:  # no street: the place is not published
        return ""
    if location.latitude is not None and location.longitude is not None:
        lat, lon = Decimal(location.latitude), Decimal(location.longitude)
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    query = f"{address.address_1}, {address.postal_code} {address.city}"
    return "https://www.openstreetmap.org/search?" + urllib.parse.urlencode({"query": query})


def _descriptions(schedules: Iterable[Schedule]) -> list[dict[str, str]]:
    return [s.description for s in schedules if any(s.description.values())]


def present(services: Iterable[Service], *, at: datetime | None = None) -> list[Result]:
    """The results of one page (services loaded `with_details`)."""
    moment = at or hours.current_time()
    results = []
    for service in services:
        result = Result(service=service)
        for attribute in service.attributes.all():
            term = attribute.taxonomy_term
            if term.taxonomy.code == SERVICE_TYPES:
                result.types.append(term)
            elif term.taxonomy.code == GROUPS:
                result.groups.append(term)
        result.nationwide = any(area.voivodeship == "" for area in service.service_areas.all())
        own_rules = [rule_from(s) for s in service.schedules.all()]
        codes: dict[str, str] = {}
        for spoken in service.languages.all():
            codes.setdefault(spoken.code.lower(), spoken.name)
        for phone in service.phones.all():
            for spoken in phone.languages.all():
                codes.setdefault(spoken.code.lower(), spoken.name)
        result.phones = _phones(service.phones.all())
        for sal in service.service_at_locations.all():
            location = sal.location
            for spoken in location.languages.all():
                codes.setdefault(spoken.code.lower(), spoken.name)
            address = next(iter(location.addresses.all()), None)
            if location.location_type == LocationType.VIRTUAL:
                address = None
            schedules = (
                list(sal.schedules.all())
                or list(service.schedules.all())
                or list(location.schedules.all())
            )
            rules = _place_rules(
                own_rules,
                [rule_from(s) for s in sal.schedules.all()],
                [rule_from(s) for s in location.schedules.all()],
            )
            result.places.append(
                Place(
                    location=location,
                    address=address,
                    phones=_phones([*sal.phones.all(), *location.phones.all()]),
                    hours=hours_in_words(rules),
                    notes=_descriptions(schedules),
                    has_hours=any(rule.timed for rule in rules),
                    open_now=not result.temporarily_closed and is_open(rules, moment),
                    directions_url=directions_url(location, address),
                )
            )
        if not result.places:
            result.hours = hours_in_words(own_rules)
            result.notes = _descriptions(service.schedules.all())
            result.has_hours = any(rule.timed for rule in own_rules)
            result.open_now = not result.temporarily_closed and is_open(own_rules, moment)
        else:
            result.has_hours = any(place.has_hours for place in result.places)
            result.open_now = any(place.open_now for place in result.places)
        result.languages = sorted(
            {language_name(code, name) for code, name in codes.items() if code or name},
            key=normalise,
        )
        result.capacities = [
            Capacity(
                unit=capacity.unit_name,
                available=capacity.available,
                maximum=capacity.maximum,
                as_of=date_format(timezone.localtime(capacity.updated).date()),
            )
            for capacity in service.capacities.all()
        ]
        results.append(result)
    return results
