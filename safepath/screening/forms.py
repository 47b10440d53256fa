"""Input shapes of the web screening, one form per step (safepath.screening.steps)."""

from typing import Any, Final

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from safepath.core.geography import voivodeship_choices
from safepath.people.models import ConsentMethod
from safepath.screening import steps, vulnerability
from safepath.screening.indicators.catalogue import Catalogue
from safepath.screening.interview_texts import INTERVIEW_LANGUAGES
from safepath.screening.models import SiteType

YES: Final = "yes"
NO: Final = "no"
DONT_KNOW: Final = "dont_know"
ANSWER_CHOICES: Final = (
    (YES, _lazy("Yes")),
    (NO, _lazy("No")),
    (DONT_KNOW, _lazy("Don't know")),
)
INDICATOR_PREFIX: Final = "indicator_"


class StartForm(forms.Form):
    interview_language = forms.ChoiceField(
        label=_lazy("Interview language"),
        help_text=_lazy("The language you speak with the person. The screen stays in yours."),
        choices=INTERVIEW_LANGUAGES,
        widget=forms.RadioSelect,
    )


class ConsentStepForm(forms.Form):
    decision = forms.ChoiceField(
        label=_lazy("The person's decision"),
        choices=(
            (YES, _lazy("Consent given")),
            (NO, _lazy("Consent refused: continue without the person's identity")),
        ),
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(
        label=_lazy("How consent was given"),
        choices=ConsentMethod.choices,
        initial=ConsentMethod.ORAL_WITNESSED,
    )


class WhereForm(forms.Form):
    site_type = forms.ChoiceField(
        label=_lazy("Where is the screening taking place?"),
        choices=SiteType.choices,
        widget=forms.RadioSelect,
    )
    voivodeship = forms.ChoiceField(label=_lazy("Voivodeship"), required=False)
    age = forms.ChoiceField(
        label=_lazy("How old is the person?"),
        help_text=_lazy("A person who may be under 18 is screened as a child."),
        choices=(
            (steps.UNDER_18, _lazy("Under 18")),
            (steps.ADULT_AGE, _lazy("18 or over")),
            (steps.AGE_NOT_KNOWN, _lazy("Not known")),
        ),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        voivodeship = self.fields["voivodeship"]
        assert isinstance(voivodeship, forms.ChoiceField)
        voivodeship.choices = [("", "—"), *voivodeship_choices()]


class ActForm(forms.Form):
    act = forms.ChoiceField(choices=ANSWER_CHOICES, widget=forms.RadioSelect, required=False)


class DimensionForm(forms.Form):
    """One question per indicator of one dimension; an unanswered question is not asked."""

    def __init__(self, *args: Any, catalogue: Catalogue, dimension: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = [
            indicator
            for indicator in catalogue.indicators.values()
            if indicator.dimension == dimension
        ]
        for indicator in self.indicators:
            self.fields[INDICATOR_PREFIX + indicator.code] = forms.ChoiceField(
                label=indicator.code,
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )

    def answers(self) -> dict[str, str]:
        """Indicator code -> answer, for the questions answered."""
        return {
            name[len(INDICATOR_PREFIX) :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(INDICATOR_PREFIX) and value
        }


class NeedsForm(forms.Form):
    factors = forms.MultipleChoiceField(
        label=_lazy("Vulnerability"),
        choices=[(factor.code, factor.label) for factor in vulnerability.FACTORS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    needs = forms.MultipleChoiceField(
        label=_lazy("Immediate needs"),
        choices=vulnerability.NEEDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
