"""Countries (ISO 3166-1 alpha-3) and Polish voivodeships (TERYT), with localised names.

Names and their translations come from pycountry (the Debian iso-codes data),
so nothing here needs translating by hand. Voivodeship TERYT codes are the
two digits of ISO 3166-2:PL (../shared/reference/poland.md, GUS TERYT).
"""

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language

VOIVODESHIP_CODES: tuple[str, ...] = (
    "02", "04", "06", "08", "10", "12", "14", "16",
    "18", "20", "22", "24", "26", "28", "30", "32",
)  # fmt: skip


@lru_cache(maxsize=16)
def _translation(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def voivodeship_name(code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=f"PL-{code}")  # type: ignore[no-untyped-call]
    if subdivision is None:
        return code
    return _translation("iso3166-2", _language()).gettext(subdivision.name)


def voivodeship_choices() -> list[tuple[str, str]]:
    return [(code, voivodeship_name(code)) for code in VOIVODESHIP_CODES]


def is_country_code(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code) is not None


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return _translation("iso3166-1", _language()).gettext(country.name)


def country_choices() -> list[tuple[str, str]]:
    translate = _translation("iso3166-1", _language()).gettext
    pairs = [(c.alpha_3, translate(c.name)) for c in pycountry.countries]
    return sorted(pairs, key=lambda pair: pair[1])
