"""Directory rows for the "find help" tests, made with the ORM (fictional services)."""

from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal

from safepath.directory.models import (
    Address,
    Attribute,
    DirectoryOrganization,
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
)
from safepath.directory.taxonomies import GROUPS, SERVICE_TYPES, ensure_taxonomies, term

type Names = dict[str, str]


def four(en: str, pl: str, uk: str, ru: str) -> Names:
    return {"en": en, "pl": pl, "uk": uk, "ru": ru}


def make_service(
    *,
    name: Names,
    provider: Names | None = None,
    status: str = ServiceStatus.ACTIVE,
    types: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    city: str = "",
    street: str = "ul. Przykładowa 1",
    postal_code: str = "00-001",
    voivodeship: str = "",
    nationwide: bool = False,
    area_voivodeship: str | None = None,
    hours: tuple[tuple[str, time, time], ...] = (),
    hours_at_location: bool = False,
    phone: str = "",
    languages: tuple[str, ...] = (),
    description: Names | None = None,
    eligibility: Names | None = None,
    application: Names | None = None,
    transportation: Names | None = None,
    alert: Names | None = None,
    minimum_age: int | None = None,
    maximum_age: int | None = None,
    beds: tuple[int, int | None] | None = None,
    coordinates: tuple[str, str] | None = None,
) -> Service:
    organization = DirectoryOrganization.objects.create(
        name=provider
        or four("Example Foundation", "Fundacja Przykład", "Фонд Приклад", "Фонд Пример")
    )
    service = Service.objects.create(
        organization=organization,
        name=name,
        status=status,
        description=description or {},
        eligibility_description=eligibility or {},
        application_process=application or {},
        alert=alert or {},
        minimum_age=minimum_age,
        maximum_age=maximum_age,
    )
    for code in types:
        Attribute.objects.create(service=service, taxonomy_term=term(SERVICE_TYPES, code))
    for code in groups:
        Attribute.objects.create(service=service, taxonomy_term=term(GROUPS, code))
    sal = None
    if city:
        location = Location.objects.create(
            organization=organization,
            location_type=LocationType.PHYSICAL,
            voivodeship=voivodeship,
            transportation=transportation or {},
            latitude=Decimal(coordinates[0]) if coordinates else None,
            longitude=Decimal(coordinates[1]) if coordinates else None,
        )
        Address.objects.create(
            location=location,
            address_1=street,
            city=city,
            state_province=voivodeship,
            postal_code=postal_code,
        )
        sal = ServiceAtLocation.objects.create(service=service, location=location)
    if nationwide:
        ServiceArea.objects.create(service=service, name="Polska", voivodeship="")
    if area_voivodeship is not None:
        ServiceArea.objects.create(service=service, voivodeship=area_voivodeship)
    for byday, opens, closes in hours:
        if hours_at_location and sal is not None:
            Schedule.objects.create(
                service_at_location=sal,
                freq="WEEKLY",
                byday=byday,
                opens_at=opens,
                closes_at=closes,
            )
        else:
            Schedule.objects.create(
                service=service, freq="WEEKLY", byday=byday, opens_at=opens, closes_at=closes
            )
    if phone:
        Phone.objects.create(service=service, number=phone)
    for code in languages:
        Language.objects.create(service=service, code=code)
    if beds is not None:
        ServiceCapacity.objects.create(
            service=service,
            unit_name=four("beds", "łóżek", "ліжок", "коек"),
            available=beds[0],
            maximum=beds[1],
            updated=datetime(2025, 5, 12, 8, 0, tzinfo=UTC),
        )
    return service


@dataclass
class Directory:
    shelter: Service  # Kraków, Mon-Fri 09:00-17:00
    legal: Service  # Lublin, Polish name only, Mon and Wed 18:00-02:00
    hotline: Service  # nationwide, no location, open 24 hours
    closed: Service  # Rzeszów, temporarily closed
    inactive: Service  # never shown
    defunct: Service  # never shown


def small_directory() -> Directory:
    ensure_taxonomies()
    return Directory(
        shelter=make_service(
            name=four(
                "Safe House Kraków",
                "Bezpieczny Dom Kraków",
                "Безпечний дім Краків",
                "Безопасный дом Краков",
            ),
            types=("shelter", "trafficking_assistance"),
            groups=("women", "third_country_nationals"),
            city="Kraków",
            street="ul. Fikcyjna 7",
            postal_code="31-001",
            voivodeship="12",
            hours=(("MO,TU,WE,TH,FR", time(9), time(17)),),
            phone="+48 12 345 67 89",
            languages=("pl", "uk"),
            eligibility=four(
                "Adult women.", "Dorosłe kobiety.", "Дорослі жінки.", "Взрослые женщины."
            ),
            application=four(
                "Call first.", "Najpierw zadzwoń.", "Спершу зателефонуйте.", "Сначала позвоните."
            ),
            transportation=four("Tram 4.", "Tramwaj 4.", "Трамвай 4.", "Трамвай 4."),
            minimum_age=18,
            beds=(3, 12),
            coordinates=("50.061400", "19.936600"),
        ),
        legal=make_service(
            name={"pl": "Poradnia Prawna Lublin"},
            types=("legal_aid",),
            groups=("third_country_nationals",),
            city="Lublin",
            street="ul. Zmyślona 3",
            postal_code="20-001",
            voivodeship="06",
            hours=(("MO,WE", time(18), time(2)),),
            hours_at_location=True,
            phone="81 111 22 33",
            languages=("ru",),
        ),
        hotline=make_service(
            name=four("Help Line", "Linia Pomocy", "Лінія допомоги", "Линия помощи"),
            types=("hotline",),
            nationwide=True,
            hours=(("", time(0), time(23, 59)),),
            phone="+48 800 000 000",
            languages=("en", "uk"),
        ),
        closed=make_service(
            name=four("Drop-in Rzeszów", "Punkt Rzeszów", "Пункт Жешув", "Пункт Жешув"),
            status=ServiceStatus.TEMPORARILY_CLOSED,
            types=("material_assistance",),
            city="Rzeszów",
            voivodeship="18",
            hours=(("MO,TU,WE,TH,FR,SA,SU", time(0), time(0)),),
            alert=four(
                "Closed until June.",
                "Zamknięte do czerwca.",
                "Зачинено до червня.",
                "Закрыто до июня.",
            ),
        ),
        inactive=make_service(
            name=four("Old Shelter", "Stare Schronisko", "Старий притулок", "Старый приют"),
            status=ServiceStatus.INACTIVE,
            types=("shelter",),
            city="Kraków",
            voivodeship="12",
        ),
        defunct=make_service(
            name=four("Gone Service", "Nieistniejąca", "Зникла", "Исчезнувшая"),
            status=ServiceStatus.DEFUNCT,
            types=("shelter",),
            nationwide=True,
        ),
    )


LONG = four(
    "Confidential support, accommodation, meals, clothes, help with documents and an escort "
    "to appointments with a trusted worker who speaks your language.",
    "Poufne wsparcie, zakwaterowanie, posiłki, ubrania, pomoc w sprawie dokumentów i "
    "towarzyszenie w wizytach z zaufaną osobą, która mówi w Twoim języku.",
    "Конфіденційна підтримка, житло, харчування, одяг, допомога з документами та "
    "супровід на зустрічі з довіреним працівником, який розмовляє вашою мовою.",
    "Конфиденциальная поддержка, жильё, питание, одежда, помощь с документами и "
    "сопровождение на встречи с доверенным сотрудником, который говорит на вашем языке.",
)


def demo_like_directory(count: int) -> list[Service]:
    """`count` services filled the way the demo fills them (four languages, long texts,
    address, phone, hours, languages, groups, capacity), all in Mazowieckie."""
    ensure_taxonomies()
    return [
        make_service(
            name=four(
                f"Support Centre {n}",
                f"Centrum Wsparcia {n}",
                f"Центр підтримки {n}",
                f"Центр поддержки {n}",
            ),
            provider=four(f"Foundation {n}", f"Fundacja {n}", f"Фонд {n}", f"Фонд {n}"),
            types=("shelter", "mhpss", "legal_aid"),
            groups=("women", "children", "third_country_nationals"),
            city="Warszawa",
            street=f"ul. Przykładowa {n}",
            voivodeship="14",
            hours=(("MO,TU,WE,TH,FR", time(9), time(17)), ("SA", time(10), time(14))),
            phone=f"+48 22 100 {n:02d} {n:02d}",
            languages=("pl", "uk", "ru", "en"),
            description=LONG,
            eligibility=LONG,
            application=LONG,
            transportation=four("Bus 175.", "Autobus 175.", "Автобус 175.", "Автобус 175."),
            minimum_age=18,
            beds=(n % 5, 20),
            coordinates=("52.229700", "21.012200"),
        )
        for n in range(1, count + 1)
    ]
