"""Input shapes of the case pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import User
from safepath.cases.vocabularies import (
    CaseStatus,
    DecidingOrganisation,
    ExploitationType,
    ForcedLabourIndustry,
    GuardianStatus,
    MeansOfControl,
    RecruitmentMethod,
    RelationshipToTrafficker,
    RiskLevel,
    SupportPlanType,
    TraffickingStatus,
)

BLANK: list[tuple[str, Any]] = [("", "—")]


class DateInput(forms.DateInput):
    input_type = "date"


def _many(label: Any, choices: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class CaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_lazy("Status"), choices=CaseStatus.choices)
    risk_level = forms.ChoiceField(
        label=_lazy("Risk level"), choices=BLANK + RiskLevel.choices, required=False
    )
    trafficking_status = forms.ChoiceField(
        label=_lazy("Trafficking status"),
        choices=BLANK + TraffickingStatus.choices,
        required=False,
        help_text=_lazy(
            "Record the decision of an authorised body; safepath never decides it. A "
            "possible victim has indicators that nobody has verified yet."
        ),
    )
    trafficking_status_decided_by = forms.ChoiceField(
        label=_lazy("Decided by"), choices=BLANK + DecidingOrganisation.choices, required=False
    )
    trafficking_status_date = forms.DateField(
        label=_lazy("Decided on"), required=False, widget=DateInput()
    )
    exploitation_types = _many(_lazy("Types of exploitation"), ExploitationType.choices)
    forced_labour_industries = _many(
        _lazy("Forced labour: industry (ISIC)"), ForcedLabourIndustry.choices
    )
    means_of_control = _many(_lazy("Means of control"), MeansOfControl.choices)
    recruitment_methods = _many(_lazy("Methods of recruitment"), RecruitmentMethod.choices)
    relationship_to_trafficker = forms.ChoiceField(
        label=_lazy("Relationship to the trafficker"),
        choices=BLANK + RelationshipToTrafficker.choices,
        required=False,
    )
    is_child = forms.BooleanField(label=_lazy("The person is a child"), required=False)
    guardian_status = forms.ChoiceField(
        label=_lazy("Legal guardian"), choices=BLANK + GuardianStatus.choices, required=False
    )
    guardian_court = forms.CharField(label=_lazy("Family court"), required=False, max_length=200)
    guardian_appointed_on = forms.DateField(
        label=_lazy("Guardian appointed on"), required=False, widget=DateInput()
    )
    support_plan_type = forms.ChoiceField(
        label=_lazy("Support plan"), choices=BLANK + SupportPlanType.choices, required=False
    )
    safety_concerns = forms.CharField(
        label=_lazy("Safety concerns"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, show_identity: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not show_identity:
            del self.fields["safety_concerns"]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_lazy("New note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    owner: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_lazy("Caseworker"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = queryset
