"""The shape of a statistics export request on the exports page. The form reads the
values; `export_services.parameters_for` decides what each kind accepts."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from safepath.insights import export_services
from safepath.insights.models.exports import StatisticsExportKind


class StatisticsExportForm(forms.Form):
    kind = forms.ChoiceField(label=_lazy("Export"), choices=StatisticsExportKind.choices)
    k = forms.IntegerField(
        label=_lazy("k (CTDC files)"),
        help_text=_lazy(
            "Every combination of gender, age band, citizenship, country of exploitation "
            "and year occurs at least k times. CTDC publishes with 11."
        ),
        required=False,
        initial=11,
    )
    start = forms.DateField(
        label=_lazy("From (weekly figures)"),
        help_text=_lazy("A day of the first week. Empty: the last 12 complete weeks."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_lazy("To (weekly figures)"),
        help_text=_lazy("A day of the last week, which must be over."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    month = forms.DateField(
        label=_lazy("Month (trends report)"),
        help_text=_lazy("As YYYY-MM."),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    report_language = forms.ChoiceField(
        label=_lazy("Language of the report"),
        choices=[("en", _lazy("English")), ("pl", _lazy("Polish"))],
        required=False,
        initial="en",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            self.parameters = export_services.parameters_for(
                cleaned["kind"],
                k=cleaned.get("k"),
                start=cleaned.get("start"),
                end=cleaned.get("end"),
                month=cleaned.get("month"),
                report_language=cleaned.get("report_language") or None,
            )
        except export_services.InvalidParameters as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc))
        return cleaned

    def request_arguments(self) -> dict[str, Any]:
        """The service's keyword arguments from the cleaned form."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "k": data.get("k"),
            "start": data.get("start"),
            "end": data.get("end"),
            "month": data.get("month"),
            "report_language": data.get("report_language") or None,
        }
