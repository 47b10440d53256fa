"""Input shapes of approvals, the plan and tasks."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import User
from safepath.cases.forms import DateInput
from safepath.cases.models import ApprovalKind, TaskKind


class ApprovalRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_lazy("Ask a supervisor to approve"), choices=ApprovalKind.choices
    )
    comment = forms.CharField(
        label=_lazy("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_lazy("Decision"),
        choices=(("approve", _lazy("Approve")), ("reject", _lazy("Reject"))),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_lazy("Comment (required to reject)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PlanItemForm(forms.Form):
    goal = forms.CharField(label=_lazy("Goal"), max_length=5000)
    action = forms.CharField(label=_lazy("Action"), required=False, max_length=5000)
    responsible = forms.CharField(label=_lazy("Who"), required=False, max_length=200)
    due_on = forms.DateField(label=_lazy("Due"), required=False, widget=DateInput())


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_lazy("Kind"), choices=TaskKind.choices)
    title = forms.CharField(label=_lazy("What"), max_length=200)
    due_on = forms.DateField(label=_lazy("Due"), widget=DateInput())
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_lazy("Who"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ModelChoiceField)
        assignee.queryset = queryset
