"""The forms of the case page's history section (trafficking events, perpetrators).
The services check every value again."""

from typing import Any, Final

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from safepath.cases.history_services import MAX_SHORT
from safepath.cases.models.history import TraffickingEventKind
from safepath.cases.models.reports import PerpetratorRole
from safepath.cases.services import MAX_TEXT
from safepath.core.geography import country_choices
from safepath.people.models import Sex

EVENT_PREFIX: Final = "hte"
PERPETRATOR_PREFIX: Final = "per"
NOT_NAMES: Final = _lazy("Do not write the person's name: this text is removed with the data.")


class DateInput(forms.DateInput):
    input_type = "date"


def _with_countries(field: forms.Field) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", "—"), *country_choices()]


class TraffickingEventForm(forms.Form):
    kind = forms.ChoiceField(label=_lazy("What happened"), choices=TraffickingEventKind.choices)
    country = forms.ChoiceField(label=_lazy("Country"), required=False)
    place = forms.CharField(label=_lazy("Place"), required=False, max_length=MAX_SHORT)
    date = forms.DateField(label=_lazy("Date"), required=False, widget=DateInput())
    description = forms.CharField(
        label=_lazy("Description"),
        required=False,
        max_length=MAX_TEXT,
        help_text=NOT_NAMES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _with_countries(self.fields["country"])


class PerpetratorForm(forms.Form):
    role = forms.ChoiceField(label=_lazy("Role in the process"), choices=PerpetratorRole.choices)
    sex = forms.ChoiceField(label=_lazy("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    nationality = forms.ChoiceField(label=_lazy("Nationality"), required=False)
    name = forms.CharField(
        label=_lazy("Name or alias"),
        required=False,
        max_length=MAX_SHORT,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_lazy("Description"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _with_countries(self.fields["nationality"])
