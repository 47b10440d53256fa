"""Input shapes of the people pages. Validation rules live in validators.py."""

import datetime
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import Organisation
from safepath.core.geography import country_choices, voivodeship_choices
from safepath.people import validators
from safepath.people.models import (
    SPOKEN_LANGUAGES,
    ConsentMethod,
    ConsentPurpose,
    Person,
)
from safepath.people.selectors import IDENTITY_FIELDS

LANGUAGE_CHOICES = SPOKEN_LANGUAGES


class DateInput(forms.DateInput):
    input_type = "date"


class PersonForm(forms.ModelForm):  # type: ignore[type-arg]
    nationality = forms.ChoiceField(label=_lazy("Nationality"), required=False)
    voivodeship = forms.ChoiceField(label=_lazy("Voivodeship"), required=False)
    languages = forms.MultipleChoiceField(
        label=_lazy("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "date_of_birth",
            "phone",
            "document_number",
            "address",
            "notes",
            "sex",
            "age_band",
            "nationality",
            "languages",
            "voivodeship",
            "arrival_date",
            "protection_status",
            "child_status",
            "wg_seeing",
            "wg_hearing",
            "wg_walking",
            "wg_remembering",
            "wg_selfcare",
            "wg_communicating",
        ]
        widgets = {
            "given_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "family_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "document_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "date_of_birth": DateInput(),
            "arrival_date": DateInput(),
        }

    def __init__(self, *args: Any, show_identity: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_fields = {"nationality": country_choices(), "voivodeship": voivodeship_choices()}
        for name, choices in choice_fields.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "—"), *choices]
        # The model's TextFields carry no limit; apply the API's, so both doors agree.
        for name, limit in validators.MAX_LENGTHS.items():
            text = self.fields.get(name)
            if isinstance(text, forms.CharField):
                text.max_length = limit
                text.validators.append(MaxLengthValidator(limit))
                text.widget.attrs["maxlength"] = str(limit)
        if not show_identity:
            for name in IDENTITY_FIELDS:
                self.fields.pop(name, None)

    def clean_phone(self) -> str:
        return validators.normalise_phone(self.cleaned_data.get("phone", ""))

    def clean_nationality(self) -> str:
        return validators.validate_nationality(self.cleaned_data.get("nationality", ""))

    def clean_voivodeship(self) -> str:
        return validators.validate_voivodeship(self.cleaned_data.get("voivodeship", ""))

    def clean_date_of_birth(self) -> datetime.date | None:
        return validators.validate_birth_date(self.cleaned_data.get("date_of_birth"))

    def clean_arrival_date(self) -> datetime.date | None:
        return validators.validate_not_future(self.cleaned_data.get("arrival_date"))


class PersonSearchForm(forms.Form):
    query = forms.CharField(
        label=_lazy("Code, full name or phone"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_lazy("Purpose"), choices=ConsentPurpose.choices)
    given = forms.TypedChoiceField(
        label=_lazy("Decision"),
        choices=[("yes", _lazy("Consent given")), ("no", _lazy("Consent refused or withdrawn"))],
        coerce=lambda value: value == "yes",
    )
    method = forms.ChoiceField(label=_lazy("How consent was given"), choices=ConsentMethod.choices)
    recipient = forms.ModelChoiceField(
        label=_lazy("Recipient organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )
    date = forms.DateField(label=_lazy("Date of the decision"), widget=DateInput())
    expires_on = forms.DateField(label=_lazy("Valid until"), required=False, widget=DateInput())

    def clean_date(self) -> datetime.date | None:
        return validators.validate_not_future(self.cleaned_data.get("date"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date, expires = data.get("date"), data.get("expires_on")
        if date and expires and expires < date:
            self.add_error(
                "expires_on",
                _lazy("The end of validity cannot be earlier than the date of the decision."),
            )
        return data
