"""The dashboards' filters: whole months, a voivodeship, a population and, for those who
see every organisation, one organisation. Codes only in the URL (GET)."""

import datetime
import re
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import Organisation
from safepath.core.geography import voivodeship_choices
from safepath.insights.models.rollups import ALL
from safepath.insights.rollups.build import month_start, period_end
from safepath.insights.rollups.queries import last_months

DEFAULT_MONTHS = 12
MAX_MONTHS = 36
EARLIEST_YEAR = 2000
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def today() -> datetime.date:
    return timezone.localdate()


def month_value(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def months_back(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` months before `day`'s month."""
    start = month_start(day)
    for _ in range(months):
        start = month_start(start - datetime.timedelta(days=1))
    return start


class MonthField(forms.Field):
    """A whole month written YYYY-MM (the browser's month input), as its first day."""

    widget = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        text = str(value or "").strip()
        if not text:
            return None
        found = _MONTH.match(text)
        if found is None:
            raise forms.ValidationError(
                _lazy("Enter a month as year and month, for example 2025-03."), code="format"
            )
        year, month = int(found[1]), int(found[2])
        if not 1 <= month <= 12:
            raise forms.ValidationError(
                _lazy("There is no month %(month)s."), params={"month": month}, code="month"
            )
        if year < EARLIEST_YEAR:
            raise forms.ValidationError(
                _lazy("Choose a month from %(year)s on."),
                params={"year": EARLIEST_YEAR},
                code="early",
            )
        return datetime.date(year, month, 1)


class DashboardFilterForm(forms.Form):
    from_month = MonthField(label=_lazy("From (month)"))
    to_month = MonthField(label=_lazy("To (month)"))
    voivodeship = forms.ChoiceField(label=_lazy("Voivodeship"), required=False)
    population = forms.ChoiceField(
        label=_lazy("Population"),
        required=False,
        choices=[
            ("", _lazy("Adults and children")),
            ("adult", _lazy("Adults")),
            ("child", _lazy("Children")),
        ],
    )
    organisation = forms.ModelChoiceField(
        label=_lazy("Organisation"),
        required=False,
        queryset=Organisation.objects.order_by("name"),
        to_field_name="code",
        empty_label=_lazy("All organisations"),
    )

    def __init__(self, data: Any = None, *, every_organisation: bool = False) -> None:
        super().__init__(data)
        self.fields["voivodeship"].choices = [  # type: ignore[attr-defined]
            ("", _lazy("All voivodeships")),
            *voivodeship_choices(),
        ]
        if not every_organisation:
            # The others see their own organisation only: no such filter for them.
            del self.fields["organisation"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        current = month_start(today())
        _first, default_end = last_months(today(), DEFAULT_MONTHS)
        start: datetime.date | None = data.get("from_month")
        last: datetime.date | None = data.get("to_month")
        if self.errors:
            return data
        if last is None:
            last = month_start(default_end - datetime.timedelta(days=1))
            if start is not None and start > last:
                last = start
        if start is None:
            start = months_back(last, DEFAULT_MONTHS - 1)
        if last > current:
            self.add_error("to_month", _lazy("Choose a month that has begun."))
        if start > last:
            self.add_error("from_month", _lazy("The first month must not come after the last."))
        elif (last.year - start.year) * 12 + last.month - start.month + 1 > MAX_MONTHS:
            self.add_error(
                "from_month",
                forms.ValidationError(
                    _lazy("Choose at most %(months)s months."), params={"months": MAX_MONTHS}
                ),
            )
        data["start"] = start
        data["end"] = period_end("M", last)
        return data

    def filter_values(self) -> dict[str, Any]:
        """The cleaned filters as `dashboards.screen_filters` takes them."""
        data = self.cleaned_data
        organisation = data.get("organisation")
        return {
            "start": data["start"],
            "end": data["end"],
            "voivodeship": data.get("voivodeship") or ALL,
            "population": data.get("population") or ALL,
            "organisation_id": organisation.pk if organisation is not None else None,
        }


def presets(query: dict[str, str]) -> list[tuple[str, str]]:
    """(label, query string) of the usual periods, keeping the other filters."""
    now = today()
    this_month = month_start(now)
    choices: list[tuple[Any, datetime.date, datetime.date]] = [
        (_lazy("Last 3 months"), months_back(now, 2), this_month),
        (_lazy("Last 6 months"), months_back(now, 5), this_month),
        (_lazy("Last 12 months"), months_back(now, 11), this_month),
        (_lazy("This year"), datetime.date(now.year, 1, 1), this_month),
        (_lazy("Last year"), datetime.date(now.year - 1, 1, 1), datetime.date(now.year - 1, 12, 1)),
    ]
    kept = {k: v for k, v in query.items() if k not in ("from_month", "to_month") and v}
    return [
        (
            str(label),
            urlencode({**kept, "from_month": month_value(start), "to_month": month_value(last)}),
        )
        for label, start, last in choices
    ]
