"""The shape of an export request on the exports page."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from safepath.cases.models import ExportKind
from safepath.cases.vocabularies import CaseStatus

FORMATS = {"csv": ExportKind.CASELOAD_CSV, "xlsx": ExportKind.CASELOAD_XLSX}


class CaseloadExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_lazy("Format"),
        choices=[("csv", _lazy("CSV")), ("xlsx", _lazy("Excel (XLSX)"))],
        initial="xlsx",
    )
    status = forms.ChoiceField(
        label=_lazy("Status"),
        choices=[("", _lazy("Every status")), *CaseStatus.choices],
        required=False,
    )
    identity = forms.BooleanField(
        label=_lazy("Include identity (name, date of birth, phone)"),
        help_text=_lazy("You will be asked for your password again."),
        required=False,
    )

    def __init__(self, *args: Any, allow_identity: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_identity:
            del self.fields["identity"]

    @property
    def kind(self) -> str:
        return FORMATS[self.cleaned_data["format"]]

    @property
    def wants_identity(self) -> bool:
        return bool(self.cleaned_data.get("identity"))
