"""Checks on directory input, shared by the staff pages and every loader: each
problem names its field. Bad input raises `Invalid`, naming every problem, and nothing
is written.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.core.geography import VOIVODESHIP_CODES
from safepath.directory import i18n
from safepath.directory.inputs import TEXT_FIELDS, WEEKDAYS, Hours, ProviderData, ServiceData
from safepath.directory.models import ServiceStatus
from safepath.directory.taxonomies import GROUP_CODES, SERVICE_TYPE_CODES

MAX_AGE: Final = 120
MAX_CAPACITY: Final = 100_000
MAX_TEXT: Final = 4000
MAX_NAME: Final = 200


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    detail: str


class Invalid(ValueError):
    """The input does not make a valid directory entry; every problem is named and
    nothing is written."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.detail}" for e in errors))
        self.errors = list(errors)


def _text_errors(name: str, value: Mapping[str, str], *, required: bool) -> list[FieldError]:
    try:
        cleaned = i18n.clean(dict(value))
    except ValueError:
        return [FieldError(name, _("Write the text in the languages offered."))]
    if required and not cleaned:
        return [FieldError(name, _("Write it in at least one language."))]
    limit = MAX_NAME if name == "name" else MAX_TEXT
    if any(len(text) > limit for text in cleaned.values()):
        return [FieldError(name, _("At most %(count)d characters.") % {"count": limit})]
    return []


def _age_errors(data: ServiceData) -> list[FieldError]:
    errors = []
    for name in ("minimum_age", "maximum_age"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= MAX_AGE:
            errors.append(
                FieldError(name, _("Enter an age from 0 to %(maximum)d.") % {"maximum": MAX_AGE})
            )
    if (
        not errors
        and data.minimum_age is not None
        and data.maximum_age is not None
        and data.minimum_age > data.maximum_age
    ):
        errors.append(
            FieldError("maximum_age", _("The maximum age cannot be below the minimum age."))
        )
    return errors


def _hours_errors(hours: Hours) -> list[FieldError]:
    errors = []
    for day, (opens, closes) in hours.items():
        if day not in WEEKDAYS:
            errors.append(FieldError("hours", _("Unknown day of the week.")))
        elif closes <= opens:
            errors.append(
                FieldError(f"closes_{day}", _("The closing time must be after the opening time."))
            )
    return errors


def _capacity_errors(data: ServiceData) -> list[FieldError]:
    errors = []
    for name in ("capacity_available", "capacity_maximum"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= MAX_CAPACITY:
            errors.append(
                FieldError(
                    name,
                    _("Enter a number from 0 to %(maximum)d.") % {"maximum": MAX_CAPACITY},
                )
            )
    if errors:
        return errors
    if data.capacity_available is None and (
        data.capacity_maximum is not None or data.capacity_updated is not None
    ):
        errors.append(FieldError("capacity_available", _("Enter how many are available.")))
    if (
        data.capacity_available is not None
        and data.capacity_maximum is not None
        and data.capacity_available > data.capacity_maximum
    ):
        errors.append(FieldError("capacity_available", _("More are available than the maximum.")))
    if data.capacity_updated is not None and data.capacity_updated > timezone.localdate():
        errors.append(FieldError("capacity_updated", _("The date cannot be in the future.")))
    return errors


def validate_service(data: ServiceData) -> list[FieldError]:
    """Every problem of `data`, each naming its field."""
    errors: list[FieldError] = []
    for name in TEXT_FIELDS:
        errors += _text_errors(name, getattr(data, name), required=name == "name")
    if data.status not in ServiceStatus.values:
        errors.append(FieldError("status", _("Choose a status from the list.")))
    if not set(data.service_types) <= SERVICE_TYPE_CODES:
        errors.append(FieldError("service_types", _("Choose service types from the list.")))
    if not set(data.groups) <= GROUP_CODES:
        errors.append(FieldError("groups", _("Choose groups from the list.")))
    errors += _age_errors(data)
    if data.voivodeship not in VOIVODESHIP_CODES and (data.voivodeship or data.street or data.city):
        errors.append(FieldError("voivodeship", _("Choose a voivodeship from the list.")))
    if data.area and data.area not in VOIVODESHIP_CODES:
        errors.append(FieldError("area", _("Choose a voivodeship from the list.")))
    if (data.street or data.city or data.postal_code) and not (data.city and data.postal_code):
        errors.append(FieldError("city", _("An address needs its city and postal code.")))
    if any(
        not (code.isascii() and code.isalpha() and 2 <= len(code) <= 3) for code in data.languages
    ):
        errors.append(FieldError("languages", _("Choose languages from the list.")))
    errors += _hours_errors(data.hours)
    errors += _capacity_errors(data)
    return errors


def validate_provider(data: ProviderData) -> list[FieldError]:
    errors = _text_errors("name", data.name, required=True)
    errors += _text_errors("description", data.description, required=False)
    if len(data.legal_status) > MAX_NAME:
        errors.append(
            FieldError("legal_status", _("At most %(count)d characters.") % {"count": MAX_NAME})
        )
    return errors
