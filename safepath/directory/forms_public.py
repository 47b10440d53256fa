"""The public "find help" search form (a GET form: what a visitor searches by is not
personal data, and nothing of it is stored). Choices are built in the reader's
language each time the form is made."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy

from safepath.core.geography import voivodeship_choices
from safepath.directory.i18n import pick
from safepath.directory.models import Language
from safepath.directory.search import PUBLIC_STATUSES, Criteria, language_name, normalise
from safepath.directory.taxonomies import GROUPS, SERVICE_TYPES, TERMS

FIELDS = ("voivodeship", "city", "service_type", "language", "group", "open_now")


def _terms(taxonomy: str) -> list[tuple[str, str]]:
    return [(code, pick(names).text) for code, names in TERMS[taxonomy]]


def spoken_languages() -> list[tuple[str, str]]:
    """The languages spoken at public services, by their name in the reader's language."""
    spoken = (
        Language.objects.filter(
            Q(service__status__in=PUBLIC_STATUSES)
            | Q(location__service_at_locations__service__status__in=PUBLIC_STATUSES)
            | Q(phone__service__status__in=PUBLIC_STATUSES)
        )
        .order_by()
        .values_list("code", flat=True)
        .distinct()
    )
    codes = {code.strip().lower() for code in spoken if code.strip()}
    return sorted(
        ((code, language_name(code)) for code in codes), key=lambda pair: normalise(pair[1])
    )


class FindHelpForm(forms.Form):
    voivodeship = forms.ChoiceField(label=_lazy("Voivodeship (region)"), required=False)
    city = forms.CharField(label=_lazy("City or town"), required=False, max_length=100)
    service_type = forms.ChoiceField(label=_lazy("Kind of help"), required=False)
    language = forms.ChoiceField(label=_lazy("Language spoken"), required=False)
    group = forms.ChoiceField(label=_lazy("For"), required=False)
    open_now = forms.BooleanField(label=_lazy("Open now"), required=False)

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["voivodeship"].choices = [  # type: ignore[attr-defined]
            ("", _lazy("Anywhere in Poland")),
            *sorted(voivodeship_choices(), key=lambda pair: normalise(pair[1])),
        ]
        self.fields["service_type"].choices = [  # type: ignore[attr-defined]
            ("", _lazy("Any kind of help")),
            *_terms(SERVICE_TYPES),
        ]
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _lazy("Any language")),
            *languages,
        ]
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            ("", _lazy("Anyone")),
            *_terms(GROUPS),
        ]
        # Suggestions from the directory (a <datalist>, no script); the browser keeps
        # no history of what was typed.
        self.fields["city"].widget.attrs.update({"list": "find-help-cities", "autocomplete": "off"})

    def clean_city(self) -> str:
        city: str = self.cleaned_data["city"]
        if any(not c.isprintable() for c in city):
            raise forms.ValidationError(
                _lazy("Write only the name of a city or town."), code="invalid"
            )
        return " ".join(city.split())

    def criteria(self) -> Criteria:
        data = self.cleaned_data
        return Criteria(
            voivodeship=data["voivodeship"],
            city=data["city"],
            service_type=data["service_type"],
            language=data["language"],
            group=data["group"],
            open_now=bool(data["open_now"]),
        )
