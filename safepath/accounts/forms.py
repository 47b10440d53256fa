"""Administration forms for organisations, teams and users."""

import re
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import Organisation, Team, User
from safepath.core.geography import voivodeship_choices

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")


class OrganisationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Organisation
        fields = ["name", "code", "type", "is_active"]

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip().upper()
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError(
                _lazy(
                    "Use 2 to 32 characters: capital letters A–Z, digits and hyphens, "
                    "for example POLICE-PK."
                )
            )
        return code


class TeamForm(forms.ModelForm):  # type: ignore[type-arg]
    voivodeship = forms.ChoiceField(label=_lazy("Voivodeship"), required=False)

    class Meta:
        model = Team
        fields = ["organisation", "name", "voivodeship"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["voivodeship"].choices = [("", "—"), *voivodeship_choices()]  # type: ignore[attr-defined]


class UserForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role", "organisation", "team", "language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].required = True
        self.fields["organisation"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        team, organisation = data.get("team"), data.get("organisation")
        if (
            team is not None
            and organisation is not None
            and team.organisation_id != organisation.pk
        ):
            self.add_error("team", _lazy("The team must belong to the user's organisation."))
        return data


class UserCreateForm(UserForm):
    username = forms.RegexField(
        label=_lazy("Username"),
        regex=r"^[a-z0-9][a-z0-9._-]{2,149}$",
        error_messages={
            "invalid": _lazy(
                "Use 3 to 150 characters: lower-case letters a–z, digits, dots, "
                "hyphens or underscores."
            )
        },
    )
    password = forms.CharField(
        label=_lazy("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
    )

    class Meta(UserForm.Meta):
        fields = ["username", *UserForm.Meta.fields]

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"])
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError(_lazy("This username is already taken."))
        return username

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        validate_password(password)
        return password
