"""Model fields whose values are encrypted at rest (see safepath.core.crypto)."""

import datetime
from typing import Any

from django import forms
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from safepath.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as a Fernet token. Not searchable: use a blind index beside it."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)


class EncryptedDateField(models.TextField):  # type: ignore[type-arg]
    """A date stored as an encrypted ISO string; Python sees a `datetime.date`."""

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return crypto.encrypt(value.isoformat())

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> datetime.date | None:
        if value is None or value == "":
            return None
        return datetime.date.fromisoformat(crypto.decrypt(value))

    def to_python(self, value: Any) -> datetime.date | None:
        if value is None or value == "" or isinstance(value, datetime.date):
            return value or None
        return datetime.date.fromisoformat(str(value))

    def formfield(self, **kwargs: Any) -> Any:
        # A date in forms, not TextField's free text (which handed validators a str).
        return models.Field.formfield(self, **{"form_class": forms.DateField, **kwargs})
