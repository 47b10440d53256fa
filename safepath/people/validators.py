"""Checks on person input shared by the web forms and the API."""

import datetime
from collections.abc import Callable

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.core.geography import VOIVODESHIP_CODES, is_country_code

type Check[T] = Callable[[T], T]

# Longest accepted text per identity field: the same on both doors (forms and API schemas).
MAX_LENGTHS: dict[str, int] = {
    "given_name": 200,
    "family_name": 200,
    "phone": 32,
    "document_number": 200,
    "address": 1000,
    "notes": 10000,
}


def normalise_phone(value: str) -> str:
    """The E.164 form of a phone number, or a ValidationError."""
    value = value.strip()
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, "PL")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter the phone number with its country code, for example +48 600 100 200."),
            code="invalid_phone",
        ) from exc
    if not phonenumbers.is_possible_number(parsed) or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("This is not a valid phone number. Check the digits and the country code."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def validate_nationality(value: str) -> str:
    value = value.strip().upper()
    if value and not is_country_code(value):
        raise ValidationError(
            _("Choose a country by its three-letter ISO code, for example UKR."),
            code="invalid_country",
        )
    return value


def validate_voivodeship(value: str) -> str:
    value = value.strip()
    if value and value not in VOIVODESHIP_CODES:
        raise ValidationError(
            _("Choose a voivodeship by its two-digit TERYT code, for example 14."),
            code="invalid_voivodeship",
        )
    return value


def validate_birth_date(value: datetime.date | None) -> datetime.date | None:
    if value is None:
        return None
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("The date of birth cannot be in the future."), code="future_date")
    if value.year < today.year - 120:
        raise ValidationError(_("The date of birth is too far in the past."), code="too_old")
    return value


def validate_not_future(value: datetime.date | None) -> datetime.date | None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future_date")
    return value


def age_band_for(date_of_birth: datetime.date, on: datetime.date) -> str:
    years = (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
    if years < 5:
        return "0-4"
    if years < 12:
        return "5-11"
    if years < 18:
        return "12-17"
    if years < 60:
        return "18-59"
    return "60+"
