"""The shape of the directory's web forms: a service (its texts in the four languages
side by side, types and groups, ages, address, phone, languages, opening hours per
weekday, capacity, responsible person, "verified today") and a provider. The rules
themselves are in `safepath.directory.validators.validate_*`, shared with every loader.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts import policies
from safepath.accounts.models import Organisation, Role, User
from safepath.core.geography import voivodeship_choices
from safepath.directory.i18n import LANGUAGE_CODES, pick
from safepath.directory.inputs import (
    COMMON_LANGUAGES,
    LANGUAGE_NAMES,
    TEXT_FIELDS,
    WEEKDAYS,
    ProviderData,
    ServiceData,
)
from safepath.directory.models import DirectoryOrganization, Service, ServiceStatus
from safepath.directory.taxonomies import GROUPS, SERVICE_TYPES, TERMS

TEXT_LABELS = {
    "name": _lazy("Name"),
    "description": _lazy("Description"),
    "eligibility_description": _lazy("Who can use it"),
    "application_process": _lazy("How to apply"),
    "transportation": _lazy("How to get there"),
    "alert": _lazy("Alert"),
}
LONG_TEXTS = frozenset({"description", "eligibility_description", "application_process"})
WEEKDAY_LABELS = {
    "MO": _lazy("Monday"),
    "TU": _lazy("Tuesday"),
    "WE": _lazy("Wednesday"),
    "TH": _lazy("Thursday"),
    "FR": _lazy("Friday"),
    "SA": _lazy("Saturday"),
    "SU": _lazy("Sunday"),
}


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def term_choices(taxonomy: str) -> list[tuple[str, str]]:
    return [(code, pick(names).text) for code, names in TERMS[taxonomy]]


def responsible_users(actor: User) -> QuerySet[User]:
    """Who can be responsible for a service: the staff who may keep services true;
    a partner focal point chooses within their own organisation."""
    roles = [
        role
        for role in Role.values
        if policies.CAPABILITIES.get(role, {}).keys() & {"directory.manage", "directory.maintain"}
    ]
    users = User.objects.filter(is_active=True, role__in=roles).order_by("username")
    if not policies.can(actor, "directory.manage"):
        if actor.organisation_id is None:
            return users.none()
        users = users.filter(organisation_id=actor.organisation_id)
    return users


class FilterForm(forms.Form):
    """The filters of the service list (GET; a service directory is no personal data)."""

    voivodeship = forms.ChoiceField(label=_lazy("Voivodeship"), required=False)
    service_type = forms.ChoiceField(label=_lazy("Service type"), required=False)
    text = forms.CharField(label=_lazy("Text"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything: list[tuple[str, str]] = [("", str(_lazy("Any")))]
        voivodeship = self.fields["voivodeship"]
        service_type = self.fields["service_type"]
        assert isinstance(voivodeship, forms.ChoiceField)
        assert isinstance(service_type, forms.ChoiceField)
        voivodeship.choices = anything + voivodeship_choices()
        service_type.choices = anything + term_choices(SERVICE_TYPES)


class ServiceForm(forms.Form):
    def __init__(
        self,
        *args: Any,
        actor: User,
        providers: QuerySet[DirectoryOrganization] | None = None,
        service: Service | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        if providers is not None:
            fields["provider"] = forms.ModelChoiceField(
                label=_lazy("Service provider"), queryset=providers, to_field_name="public_id"
            )
            fields["provider"].label_from_instance = lambda p: pick(p.name).text  # type: ignore[attr-defined]
        for name in TEXT_FIELDS:
            for code in LANGUAGE_CODES:
                widget = forms.Textarea(attrs={"rows": 3}) if name in LONG_TEXTS else None
                fields[f"{name}_{code}"] = forms.CharField(
                    label=f"{TEXT_LABELS[name]} ({language_name(code)})",
                    required=False,
                    widget=widget,
                    max_length=4000,
                )
        fields["status"] = forms.ChoiceField(
            label=_lazy("Status"), choices=ServiceStatus.choices, initial=ServiceStatus.ACTIVE
        )
        fields["url"] = forms.URLField(
            label=_lazy("Website"), required=False, assume_scheme="https"
        )
        fields["email"] = forms.EmailField(label=_lazy("E-mail"), required=False)
        fields["service_types"] = forms.MultipleChoiceField(
            label=_lazy("Service types"),
            choices=term_choices(SERVICE_TYPES),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        fields["groups"] = forms.MultipleChoiceField(
            label=_lazy("Groups served"),
            choices=term_choices(GROUPS),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        fields["minimum_age"] = forms.IntegerField(label=_lazy("Minimum age"), required=False)
        fields["maximum_age"] = forms.IntegerField(label=_lazy("Maximum age"), required=False)
        fields["street"] = forms.CharField(
            label=_lazy("Street and number"), required=False, max_length=200
        )
        fields["city"] = forms.CharField(label=_lazy("City"), required=False, max_length=100)
        fields["postal_code"] = forms.CharField(
            label=_lazy("Postal code"), required=False, max_length=16
        )
        fields["voivodeship"] = forms.ChoiceField(
            label=_lazy("Voivodeship"),
            required=False,
            choices=[("", "—"), *voivodeship_choices()],
        )
        fields["area"] = forms.ChoiceField(
            label=_lazy("Offered in"),
            required=False,
            choices=[("", _lazy("The whole country")), *voivodeship_choices()],
        )
        fields["phone"] = forms.CharField(label=_lazy("Phone"), required=False, max_length=40)
        codes = list(COMMON_LANGUAGES)
        if service is not None:
            codes += [c for c in service.languages.values_list("code", flat=True) if c not in codes]
        fields["languages"] = forms.MultipleChoiceField(
            label=_lazy("Languages spoken"),
            choices=[(code, f"{LANGUAGE_NAMES.get(code, code)} ({code})") for code in codes],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for day in WEEKDAYS:
            fields[f"opens_{day}"] = forms.TimeField(
                label=f"{WEEKDAY_LABELS[day]}: {_lazy('opens')}", required=False
            )
            fields[f"closes_{day}"] = forms.TimeField(
                label=f"{WEEKDAY_LABELS[day]}: {_lazy('closes')}", required=False
            )
        fields["capacity_available"] = forms.IntegerField(label=_lazy("Available"), required=False)
        fields["capacity_maximum"] = forms.IntegerField(label=_lazy("Maximum"), required=False)
        for code in LANGUAGE_CODES:
            fields[f"capacity_unit_{code}"] = forms.CharField(
                label=f"{_lazy('Unit, e.g. beds')} ({language_name(code)})",
                required=False,
                max_length=100,
            )
        fields["capacity_updated"] = forms.DateField(
            label=_lazy("Capacity as of"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        choices = responsible_users(actor)
        if service is not None and service.responsible_id is not None:
            # The person an administrator chose stays choosable (and chosen) for a
            # partner who could not pick them: saving the form must not drop them.
            choices = choices | User.objects.filter(pk=service.responsible_id)
        fields["responsible"] = forms.ModelChoiceField(
            label=_lazy("Responsible person"),
            queryset=choices.distinct().order_by("username"),
            required=False,
            to_field_name="username",
        )
        fields["verified"] = forms.BooleanField(
            label=_lazy("Mark as verified today"), required=False
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for day in WEEKDAYS:
            opens, closes = cleaned.get(f"opens_{day}"), cleaned.get(f"closes_{day}")
            if (opens is None) != (closes is None) and not self.has_error(f"opens_{day}"):
                self.add_error(
                    f"closes_{day}" if closes is None else f"opens_{day}",
                    _lazy("Give both the opening and the closing time, or neither."),
                )
        return cleaned

    def to_data(self) -> ServiceData:
        data = self.cleaned_data

        def texts(prefix: str) -> dict[str, str]:
            return {
                code: data[f"{prefix}_{code}"]
                for code in LANGUAGE_CODES
                if data[f"{prefix}_{code}"]
            }

        hours = {
            day: (data[f"opens_{day}"], data[f"closes_{day}"])
            for day in WEEKDAYS
            if data.get(f"opens_{day}") is not None and data.get(f"closes_{day}") is not None
        }
        return ServiceData(
            name=texts("name"),
            description=texts("description"),
            eligibility_description=texts("eligibility_description"),
            application_process=texts("application_process"),
            transportation=texts("transportation"),
            alert=texts("alert"),
            status=data["status"],
            url=data["url"],
            email=data["email"],
            service_types=list(data["service_types"]),
            groups=list(data["groups"]),
            minimum_age=data["minimum_age"],
            maximum_age=data["maximum_age"],
            street=data["street"].strip(),
            city=data["city"].strip(),
            postal_code=data["postal_code"].strip(),
            voivodeship=data["voivodeship"],
            area=data["area"],
            phone=data["phone"].strip(),
            languages=list(data["languages"]),
            hours=hours,
            capacity_available=data["capacity_available"],
            capacity_maximum=data["capacity_maximum"],
            capacity_unit=texts("capacity_unit"),
            capacity_updated=data["capacity_updated"],
            responsible=data["responsible"],
            verified=data["verified"],
        )

    @staticmethod
    def initial_for(service: Service) -> dict[str, Any]:
        """The form's values for an existing service (its first place)."""
        initial: dict[str, Any] = {
            "status": service.status,
            "url": service.url,
            "email": service.email,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "responsible": service.responsible.get_username() if service.responsible else None,
        }
        for name in (
            "name",
            "description",
            "eligibility_description",
            "application_process",
            "alert",
        ):
            for code, text in (getattr(service, name) or {}).items():
                initial[f"{name}_{code}"] = text
        initial["service_types"] = [
            a.taxonomy_term.code
            for a in service.attributes.select_related("taxonomy_term__taxonomy")
            if a.taxonomy_term.taxonomy.code == SERVICE_TYPES
        ]
        initial["groups"] = [
            a.taxonomy_term.code
            for a in service.attributes.select_related("taxonomy_term__taxonomy")
            if a.taxonomy_term.taxonomy.code == GROUPS
        ]
        initial["languages"] = list(service.languages.values_list("code", flat=True))
        area = service.service_areas.first()
        initial["area"] = area.voivodeship if area is not None else ""
        phone = service.phones.first()
        initial["phone"] = phone.number if phone is not None else ""
        for schedule in service.schedules.all():
            for day in schedule.byday.split(","):
                if day in WEEKDAYS:
                    initial[f"opens_{day}"] = schedule.opens_at
                    initial[f"closes_{day}"] = schedule.closes_at
        link = service.service_at_locations.select_related("location").order_by("id").first()
        if link is not None:
            location = link.location
            initial["voivodeship"] = location.voivodeship
            for code, text in (location.transportation or {}).items():
                initial[f"transportation_{code}"] = text
            address = location.addresses.first()
            if address is not None:
                initial.update(
                    street=address.address_1, city=address.city, postal_code=address.postal_code
                )
        capacity = service.capacities.first()
        if capacity is not None:
            initial.update(
                capacity_available=capacity.available,
                capacity_maximum=capacity.maximum,
                capacity_updated=timezone.localdate(capacity.updated),
            )
            for code, text in (capacity.unit_name or {}).items():
                initial[f"capacity_unit_{code}"] = text
        return initial


class ProviderForm(forms.Form):
    email = forms.EmailField(label=_lazy("E-mail"), required=False)
    website = forms.URLField(label=_lazy("Website"), required=False, assume_scheme="https")
    legal_status = forms.CharField(label=_lazy("Legal status"), required=False, max_length=200)
    organisation = forms.ModelChoiceField(
        label=_lazy("Organisation in safepath"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        to_field_name="code",
        help_text=_lazy("Referrals to its services reach this organisation's focal points."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "description"):
            for code in LANGUAGE_CODES:
                self.fields[f"{name}_{code}"] = forms.CharField(
                    label=f"{TEXT_LABELS[name]} ({language_name(code)})",
                    required=False,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 3}) if name == "description" else None,
                )
        self.order_fields(
            [f"name_{c}" for c in LANGUAGE_CODES] + [f"description_{c}" for c in LANGUAGE_CODES]
        )

    def to_data(self) -> ProviderData:
        data = self.cleaned_data
        return ProviderData(
            name={c: data[f"name_{c}"] for c in LANGUAGE_CODES if data[f"name_{c}"]},
            description={
                c: data[f"description_{c}"] for c in LANGUAGE_CODES if data[f"description_{c}"]
            },
            email=data["email"],
            website=data["website"],
            legal_status=data["legal_status"],
            organisation=data["organisation"],
        )

    @staticmethod
    def initial_for(provider: DirectoryOrganization) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "email": provider.email,
            "website": provider.website,
            "legal_status": provider.legal_status,
            "organisation": provider.organisation.code if provider.organisation else None,
        }
        for name in ("name", "description"):
            for code, text in (getattr(provider, name) or {}).items():
                initial[f"{name}_{code}"] = text
        return initial
