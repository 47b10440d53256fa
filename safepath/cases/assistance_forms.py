"""Input shapes of the assistance, stock and shelter pages. The services check
everything again (the API has no forms); these give the pages labels and widgets."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from safepath.accounts.models import Organisation
from safepath.cases.assistance_services import MAX_CAPACITY, MAX_QUANTITY
from safepath.cases.models import AssistanceKind, StockItem, Warehouse
from safepath.core.geography import voivodeship_choices

BLANK: list[tuple[str, Any]] = [("", "—")]


class DateInput(forms.DateInput):
    """A browser date picker; its value is always ISO (2026-11-30), whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PastDateField(forms.DateField):
    """A date that is today or earlier (the services check it too; here the page says so
    together with the other fields' problems)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(_lazy("The date cannot be in the future."), code="future")


def _date(label: Any) -> forms.DateField:
    return PastDateField(label=label, widget=DateInput(), initial=timezone.localdate)


def _quantity(label: Any = None, *, minimum: int = 1) -> forms.IntegerField:
    return forms.IntegerField(
        label=label or _lazy("Quantity"), min_value=minimum, max_value=MAX_QUANTITY
    )


class VoivodeshipField(forms.ChoiceField):
    """Voivodeship names in the reader's language, resolved when the form is built."""

    def __init__(self, *, required: bool, **kwargs: Any) -> None:
        super().__init__(
            choices=lambda: BLANK + voivodeship_choices(),
            required=required,
            **kwargs,
        )


class AssistanceForm(forms.Form):
    """Record assistance for a case. The fieldsets are listed in `fieldsets`."""

    kind = forms.ChoiceField(label=_lazy("Item or service"), choices=BLANK + AssistanceKind.choices)
    quantity = forms.IntegerField(
        label=_lazy("Quantity"),
        min_value=1,
        max_value=MAX_QUANTITY,
        help_text=_lazy("In the unit named with the item: kits, nights, PLN, sessions, hours."),
    )
    given_on = _date(_lazy("Given on"))
    provider: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_lazy("Provider organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_lazy("Your organisation"),
    )
    warehouse: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(
        label=_lazy("Issue from the stock of"),
        queryset=Warehouse.objects.none(),
        required=False,
        empty_label=_lazy("Not from stock"),
        help_text=_lazy(
            "Non-food item kits and hygiene kits only. The stock goes down in the same step."
        ),
    )

    fieldsets: tuple[tuple[Any, tuple[str, ...]], ...] = (
        (_lazy("What was given"), ("kind", "quantity", "given_on")),
        (_lazy("Who gave it"), ("provider",)),
        (_lazy("Stock"), ("warehouse",)),
    )

    def __init__(self, *args: Any, providers: Any, warehouses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("provider", providers), ("warehouse", warehouses)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """(legend, fields) of each fieldset, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]


class WarehouseForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a place", "Name"), max_length=200)
    voivodeship = VoivodeshipField(label=_lazy("Voivodeship"), required=False)


class ReceiptForm(forms.Form):
    kind = forms.ChoiceField(label=_lazy("Item"), choices=BLANK + StockItem.choices)
    quantity = _quantity()
    received_on = _date(_lazy("Received on"))


class TransferForm(forms.Form):
    kind = forms.ChoiceField(label=_lazy("Item"), choices=BLANK + StockItem.choices)
    quantity = _quantity()
    destination: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(
        label=_lazy("To the warehouse"), queryset=Warehouse.objects.none()
    )
    moved_on = _date(_lazy("Moved on"))

    def __init__(self, *args: Any, destinations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["destination"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = destinations


class ThresholdForm(forms.Form):
    kind = forms.ChoiceField(label=_lazy("Item"), choices=BLANK + StockItem.choices)
    threshold = _quantity(_lazy("Warn below"), minimum=0)


class ShelterForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a place", "Name"), max_length=200)
    voivodeship = VoivodeshipField(label=_lazy("Voivodeship"), required=True)
    capacity = forms.IntegerField(
        label=_lazy("Capacity (places)"), min_value=1, max_value=MAX_CAPACITY
    )


class AdmitForm(forms.Form):
    person = forms.CharField(
        label=_lazy("Person's code"),
        max_length=16,
        help_text=_lazy("The code shown on the person's page, for example SP-7K3Q-9X."),
    )
    admitted_on = _date(_lazy("Admitted on"))


class DepartForm(forms.Form):
    departed_on = _date(_lazy("Departed on"))
