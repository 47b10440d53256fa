"""What the directory's writes take: a service (`ServiceData`) and a provider
(`ProviderData`), as the edit form and the loaders give them, and the fixed lists their
fields draw on (weekdays, languages offered, the translatable texts).

Opening hours are given per weekday ("MO".."SU"), each with its opening and closing
time; a day absent is closed.
"""

import datetime
from dataclasses import dataclass, field
from typing import Final

from safepath.accounts.models import Organisation, User
from safepath.directory.models import ServiceStatus

WEEKDAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

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
