"""safepath's two taxonomies (issue 5 §1), as HSDS `taxonomy` and `taxonomy_term` rows:
the types of service this field refers people to, and the groups a service serves.
Codes are stable identifiers (used by the API, the import, pathways and searches);
names are in the four languages (safepath's own wording, awaiting native-speaker
review like the other translatable data). Documented in docs/directory.md.

`ensure_taxonomies()` creates or updates them (idempotent); migrations, the demo, the
import and tests call it.
"""

import uuid
from typing import Final

from django.db import transaction

from safepath.directory.models import Taxonomy, TaxonomyTerm

# Stable HSDS ids: the same taxonomy and term have the same UUID in every installation.
NAMESPACE: Final = uuid.UUID("6f1d1c52-3b7a-5f0e-9a53-6a2f5e0d1a11")
SERVICE_TYPES: Final = "safepath-service-types"
GROUPS: Final = "safepath-groups-served"

type Names = dict[str, str]

TAXONOMIES: Final[dict[str, tuple[Names, Names]]] = {
    SERVICE_TYPES: (
        {
            "en": "Service types",
            "pl": "Rodzaje usług",
            "uk": "Види послуг",
            "ru": "Виды услуг",
        },
        {
            "en": "What a service does, for referrals of people at risk of trafficking.",
            "pl": "Czym zajmuje się usługa – do kierowania osób zagrożonych handlem ludźmi.",
            "uk": "Чим займається послуга – для скерування людей, яким загрожує торгівля людьми.",
            "ru": "Чем занимается услуга – для направления людей, которым грозит торговля людьми.",
        },
    ),
    GROUPS: (
        {
            "en": "Groups served",
            "pl": "Grupy odbiorców",
            "uk": "Групи отримувачів",
            "ru": "Группы получателей",
        },
        {
            "en": "Who a service is for.",
            "pl": "Dla kogo jest usługa.",
            "uk": "Для кого ця послуга.",
            "ru": "Для кого эта услуга.",
        },
    ),
}

TERMS: Final[dict[str, list[tuple[str, Names]]]] = {
    SERVICE_TYPES: [
        (
            "trafficking_assistance",
            {
                "en": "Specialised assistance for victims of trafficking",
                "pl": "Specjalistyczna pomoc dla ofiar handlu ludźmi",
                "uk": "Спеціалізована допомога постраждалим від торгівлі людьми",
                "ru": "Специализированная помощь пострадавшим от торговли людьми",
            },
        ),
        ("shelter", {"en": "Shelter", "pl": "Schronienie", "uk": "Притулок", "ru": "Приют"}),
        (
            "emergency_accommodation",
            {
                "en": "Emergency accommodation",
                "pl": "Zakwaterowanie interwencyjne",
                "uk": "Екстрене житло",
                "ru": "Экстренное жильё",
            },
        ),
        (
            "legal_aid",
            {
                "en": "Legal aid",
                "pl": "Pomoc prawna",
                "uk": "Правова допомога",
                "ru": "Юридическая помощь",
            },
        ),
        (
            "medical_care",
            {
                "en": "Medical care",
                "pl": "Opieka medyczna",
                "uk": "Медична допомога",
                "ru": "Медицинская помощь",
            },
        ),
        (
            "mhpss",
            {
                "en": "Mental health and psychosocial support",
                "pl": "Wsparcie psychologiczne i psychospołeczne",
                "uk": "Психологічна та психосоціальна підтримка",
                "ru": "Психологическая и психосоциальная поддержка",
            },
        ),
        (
            "child_protection",
            {
                "en": "Child protection",
                "pl": "Ochrona dzieci",
                "uk": "Захист дітей",
                "ru": "Защита детей",
            },
        ),
        (
            "gbv_services",
            {
                "en": "Services for survivors of gender-based violence",
                "pl": "Pomoc dla osób doświadczających przemocy ze względu na płeć",
                "uk": "Допомога постраждалим від ґендерно зумовленого насильства",
                "ru": "Помощь пострадавшим от гендерного насилия",
            },
        ),
        (
            "interpretation",
            {
                "en": "Interpretation",
                "pl": "Tłumaczenie ustne",
                "uk": "Усний переклад",
                "ru": "Устный перевод",
            },
        ),
        (
            "employment_support",
            {
                "en": "Employment support",
                "pl": "Pomoc w znalezieniu pracy",
                "uk": "Допомога з працевлаштуванням",
                "ru": "Помощь в трудоустройстве",
            },
        ),
        (
            "hotline",
            {"en": "Hotline", "pl": "Infolinia", "uk": "Гаряча лінія", "ru": "Горячая линия"},
        ),
        (
            "material_assistance",
            {
                "en": "Material assistance",
                "pl": "Pomoc materialna",
                "uk": "Матеріальна допомога",
                "ru": "Материальная помощь",
            },
        ),
        ("education", {"en": "Education", "pl": "Edukacja", "uk": "Освіта", "ru": "Образование"}),
        ("other", {"en": "Other", "pl": "Inne", "uk": "Інше", "ru": "Другое"}),
    ],
    GROUPS: [
        ("children", {"en": "Children", "pl": "Dzieci", "uk": "Діти", "ru": "Дети"}),
        (
            "unaccompanied_children",
            {
                "en": "Unaccompanied children",
                "pl": "Dzieci bez opieki",
                "uk": "Діти без супроводу",
                "ru": "Несопровождаемые дети",
            },
        ),
        ("women", {"en": "Women", "pl": "Kobiety", "uk": "Жінки", "ru": "Женщины"}),
        ("men", {"en": "Men", "pl": "Mężczyźni", "uk": "Чоловіки", "ru": "Мужчины"}),
        (
            "lgbtqi",
            {
                "en": "LGBTQI+ people",
                "pl": "Osoby LGBTQI+",
                "uk": "ЛГБТКІ+ люди",
                "ru": "ЛГБТКИ+ люди",
            },
        ),
        ("roma", {"en": "Roma", "pl": "Romowie", "uk": "Роми", "ru": "Ромы"}),
        (
            "disabilities",
            {
                "en": "Persons with disabilities",
                "pl": "Osoby z niepełnosprawnościami",
                "uk": "Люди з інвалідністю",
                "ru": "Люди с инвалидностью",
            },
        ),
        (
            "elderly",
            {
                "en": "Elderly people",
                "pl": "Osoby starsze",
                "uk": "Літні люди",
                "ru": "Пожилые люди",
            },
        ),
        (
            "third_country_nationals",
            {
                "en": "Third-country nationals",
                "pl": "Obywatele państw trzecich",
                "uk": "Громадяни третіх країн",
                "ru": "Граждане третьих стран",
            },
        ),
    ],
}

SERVICE_TYPE_CODES: Final = frozenset(code for code, _names in TERMS[SERVICE_TYPES])
GROUP_CODES: Final = frozenset(code for code, _names in TERMS[GROUPS])


def stable_id(*codes: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(codes))


@transaction.atomic
def ensure_taxonomies() -> None:
    """Create or update both taxonomies and their terms; nothing else changes."""
    for code, (name, description) in TAXONOMIES.items():
        taxonomy, _created = Taxonomy.objects.update_or_create(
            code=code,
            defaults={"name": name, "description": description, "version": "1"},
            create_defaults={
                "public_id": stable_id(code),
                "name": name,
                "description": description,
                "version": "1",
            },
        )
        for position, (term_code, term_name) in enumerate(TERMS[code]):
            TaxonomyTerm.objects.update_or_create(
                taxonomy=taxonomy,
                code=term_code,
                defaults={"name": term_name, "position": position},
                create_defaults={
                    "public_id": stable_id(code, term_code),
                    "name": term_name,
                    "position": position,
                },
            )


def term(taxonomy: str, code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.select_related("taxonomy").get(taxonomy__code=taxonomy, code=code)
