"""Input shapes of erasure requests. The decision reuses `DecisionForm`."""

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from safepath.cases.models.retention import ErasureReason

# Form prefixes: the case page also holds the approvals' forms, whose fields share names.
REQUEST_PREFIX = "erasure"
DECISION_PREFIX = "erasure_decision"


class ErasureRequestForm(forms.Form):
    reason = forms.ChoiceField(
        label=_lazy("Why is the data to be erased?"),
        choices=ErasureReason.choices,
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(
        label=_lazy("Details (required for another reason)"),
        help_text=_lazy("Do not write the person's name: this text is removed with the data."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
