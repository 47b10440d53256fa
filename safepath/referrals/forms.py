"""Input shapes of the referral pages. The rules (consent, legal ground, who may move a
referral) live in `safepath.referrals.services` and `transition_services`; these only
shape input."""

from typing import Any, Final

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _lazy

from safepath.core.geography import voivodeship_choices
from safepath.directory.i18n import pick
from safepath.directory.models import TaxonomyTerm
from safepath.directory.taxonomies import GROUPS, SERVICE_TYPES
from safepath.referrals import pathways
from safepath.referrals.models import LegalGround, ReferralStatus, SentVia
from safepath.screening.vulnerability import FACTOR_INDEX, FLAGS, NEEDS

MAX_PURPOSE: Final = 2000
MAX_TEXT: Final = 2000
MAX_NAME: Final = 200


def _terms(taxonomy: str) -> list[tuple[str, str]]:
    return [
        (term.code, pick(term.name).text)
        for term in TaxonomyTerm.objects.filter(taxonomy__code=taxonomy)
    ]


def _text(label: Any, *, max_length: int = MAX_TEXT, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


class DirectorySearchForm(forms.Form):
    """Step 1's directory search (GET): what, where. Nothing about the person."""

    service_type = forms.ChoiceField(label=_lazy("Type of service"), required=False)
    voivodeship = forms.ChoiceField(label=_lazy("Voivodeship"), required=False)
    city = forms.CharField(label=_lazy("City"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _lazy("Any"))]
        self.fields["service_type"].choices = [*anything, *_terms(SERVICE_TYPES)]  # type: ignore[attr-defined]
        self.fields["voivodeship"].choices = [*anything, *voivodeship_choices()]  # type: ignore[attr-defined]


class ReferralForm(forms.Form):
    """Step 2: what to share and why. For a recipient outside safepath also who it is,
    the language of the form they receive and how it will be sent."""

    share = forms.MultipleChoiceField(
        label=_lazy("What to share"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_lazy("Share only what the service needs. Nothing else leaves safepath."),
    )
    purpose = _text(_lazy("Purpose of the referral"), max_length=MAX_PURPOSE, rows=4)
    urgent = forms.BooleanField(
        label=_lazy("Urgent (the recipient is asked to answer within 4 hours)"), required=False
    )
    legal_ground = forms.ChoiceField(
        label=_lazy("Legal ground for sharing without consent"),
        choices=LegalGround.choices,
        required=False,
    )
    external_recipient = forms.CharField(
        label=_lazy("Recipient (organisation or service)"), max_length=MAX_NAME, required=False
    )
    recipient_language = forms.ChoiceField(
        label=_lazy("Language of the referral form"),
        choices=[(code, name) for code, name in settings.LANGUAGES],
        required=False,
    )
    sent_via = forms.ChoiceField(
        label=_lazy("How it will be sent"),
        choices=[(v, label) for v, label in SentVia.choices if v != SentVia.SAFEPATH],
        required=False,
    )

    def __init__(
        self, *args: Any, share_choices: list[tuple[str, str]], external: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.external = external
        self.fields["share"].choices = share_choices  # type: ignore[attr-defined]
        if not external:
            for name in ("external_recipient", "recipient_language", "sent_via"):
                del self.fields[name]
        else:
            for name in ("external_recipient", "recipient_language", "sent_via"):
                self.fields[name].required = True


class ReasonForm(forms.Form):
    reason = _text(_lazy("Reason"))


class OutcomeForm(forms.Form):
    outcome = _text(_lazy("Outcome"))


class UpdateForm(forms.Form):
    text = _text(_lazy("Update"))


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_lazy("Status"),
        choices=[("", _lazy("Any")), *ReferralStatus.choices],
        required=False,
    )
    box = forms.ChoiceField(
        label=_lazy("Show"),
        choices=[
            ("", _lazy("All I can see")),
            ("sent", _lazy("Sent")),
            ("received", _lazy("Received")),
        ],
        required=False,
    )


class PathwayForm(forms.Form):
    """A pathway template, for administrators."""

    code = forms.SlugField(label=_lazy("Code"), max_length=64)
    position = forms.IntegerField(label=_lazy("Position"), min_value=0, max_value=1000, initial=0)
    active = forms.BooleanField(label=_lazy("Active"), required=False, initial=True)
    service_types = forms.MultipleChoiceField(
        label=_lazy("Service types proposed"), widget=forms.CheckboxSelectMultiple
    )
    groups = forms.MultipleChoiceField(
        label=_lazy("Groups served (preferred)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    outcome = forms.MultipleChoiceField(
        label=_lazy("When the screening outcome is"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=[
            ("possible_victim", _lazy("Possible victim of trafficking")),
            ("not_indicated", _lazy("Trafficking not indicated")),
        ],
    )
    population = forms.MultipleChoiceField(
        label=_lazy("When the person was assessed as"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=[("adult", _lazy("An adult")), ("child", _lazy("A child"))],
    )
    flags = forms.MultipleChoiceField(
        label=_lazy("When one of these is required"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=list(FLAGS),
    )
    needs = forms.MultipleChoiceField(
        label=_lazy("When the person needs"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=list(NEEDS),
    )
    factors = forms.MultipleChoiceField(
        label=_lazy("When one of these vulnerability factors was recorded"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=[(code, factor.label) for code, factor in FACTOR_INDEX.items()],
    )
    trigger_groups = forms.MultipleChoiceField(
        label=_lazy("When the person belongs to one of these groups"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = _terms(GROUPS)
        self.fields["service_types"].choices = _terms(SERVICE_TYPES)  # type: ignore[attr-defined]
        self.fields["groups"].choices = groups  # type: ignore[attr-defined]
        self.fields["trigger_groups"].choices = groups  # type: ignore[attr-defined]
        for code, name in settings.LANGUAGES:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_lazy("Name (%(language)s)") % {"language": name},
                max_length=MAX_NAME,
                required=code == "en",
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_lazy("Description (%(language)s)") % {"language": name},
                max_length=MAX_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if editing:
            self.fields["code"].disabled = True

    def texts(self, prefix: str) -> dict[str, str]:
        return {
            code: self.cleaned_data[f"{prefix}_{code}"].strip()
            for code, _name in settings.LANGUAGES
            if self.cleaned_data.get(f"{prefix}_{code}", "").strip()
        }

    def trigger(self) -> dict[str, list[str]]:
        data = self.cleaned_data
        found = {key: list(data.get(key) or []) for key in pathways.TRIGGER_KEYS if key != "groups"}
        found["groups"] = list(data.get("trigger_groups") or [])
        return {key: values for key, values in found.items() if values}
