"""Input shapes of the report-to-law-enforcement pages. The rules (what a draft may
hold, which transition is allowed) live in `report_services`; these only shape input."""

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _lazy

from safepath.cases.forms import BLANK, DateInput
from safepath.cases.models.reports import (
    LegalGround,
    PerpetratorRole,
    ReportOutcome,
    SendingChannel,
)
from safepath.cases.report_services import MAX_FACTS, MAX_PLACE, MAX_ROWS, MAX_TEXT
from safepath.core.geography import country_choices, voivodeship_choices


def _text(label: Any, *, max_length: int, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    facts = _text(
        _lazy("Facts"),
        max_length=MAX_FACTS,
        rows=8,
        help_text=_lazy(
            "What happened, in order, as the person told it. Do not write the person's name "
            "or contact details here: the report adds their identity only with their "
            "consent or on a legal ground."
        ),
    )
    indicators = forms.MultipleChoiceField(
        label=_lazy("Indicators observed"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_lazy("From the case's screening."),
    )
    legal_ground = forms.ChoiceField(
        label=_lazy("Legal ground for sharing the identity without consent"),
        choices=[
            ("", _lazy("None: share the identity only with the person's consent")),
            *LegalGround.choices,
        ],
        required=False,
    )
    legal_ground_reason = _text(_lazy("Why the legal ground applies"), max_length=MAX_TEXT)

    def __init__(self, *args: Any, indicators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicators"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (code, f"{code} · {label}" if label else code) for code, label in indicators
        ]
        if not indicators:
            del self.fields["indicators"]


class PlaceForm(forms.Form):
    place = forms.CharField(label=_lazy("Place"), max_length=MAX_PLACE, required=False)
    country = forms.ChoiceField(label=_lazy("Country"), required=False)
    voivodeship = forms.ChoiceField(label=_lazy("Voivodeship"), required=False)
    date = forms.DateField(label=_lazy("Date"), required=False, widget=DateInput())
    what_happened = _text(_lazy("What happened"), max_length=MAX_TEXT, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        voivodeship = self.fields["voivodeship"]
        assert isinstance(country, forms.ChoiceField)
        assert isinstance(voivodeship, forms.ChoiceField)
        country.choices = BLANK + country_choices()
        voivodeship.choices = BLANK + voivodeship_choices()


class PerpetratorForm(forms.Form):
    role = forms.ChoiceField(
        label=_lazy("Role"), choices=BLANK + PerpetratorRole.choices, required=False
    )
    description = _text(
        _lazy("What is known of them"),
        max_length=MAX_TEXT,
        rows=2,
        help_text=_lazy("Name, nickname, appearance, vehicle, phone, accounts."),
    )


PlaceFormSet = formset_factory(
    PlaceForm, extra=2, max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS
)
PerpetratorFormSet = formset_factory(
    PerpetratorForm, extra=2, max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS
)


class RejectForm(forms.Form):
    comment = forms.CharField(
        label=_lazy("What needs to change"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SendForm(forms.Form):
    unit = forms.CharField(
        label=_lazy("Unit"),
        max_length=200,
        help_text=_lazy(
            "For example: Komenda Wojewódzka Policji w Lublinie, Wydział do walki z Handlem Ludźmi."
        ),
    )
    channel = forms.ChoiceField(label=_lazy("Channel"), choices=BLANK + SendingChannel.choices)
    sent_on = forms.DateField(label=_lazy("Sent on"), widget=DateInput())


class AcknowledgeForm(forms.Form):
    acknowledged_on = forms.DateField(label=_lazy("Acknowledged on"), widget=DateInput())
    reference = forms.CharField(label=_lazy("Their reference"), max_length=64, required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_lazy("Outcome"), choices=BLANK + ReportOutcome.choices)
    outcome_on = forms.DateField(label=_lazy("Outcome on"), widget=DateInput())
