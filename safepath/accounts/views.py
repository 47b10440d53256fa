"""Administration pages: organisations, teams, users. Administrators only (others: 404)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepath.accounts import selectors, services
from safepath.accounts.forms import OrganisationForm, TeamForm, UserCreateForm, UserForm
from safepath.accounts.models import Organisation, Team, User
from safepath.core.decorators import capability_required
from safepath.core.exceptions import NotAllowed
from safepath.core.http import AuthedRequest


def _copy[M: Organisation | Team | User](obj: M | None) -> M | None:
    return type(obj).objects.get(pk=obj.pk) if obj is not None else None  # type: ignore[return-value]


@login_required
@capability_required("organisation.manage")
def overview(request: AuthedRequest) -> HttpResponse:
    organisations = selectors.organisations_for(request.user)
    return render(request, "accounts/overview.html", {"organisations": organisations})


@login_required
@capability_required("organisation.manage")
@require_http_methods(["GET", "POST"])
def organisation_edit(
    request: AuthedRequest, organisation_id: uuid.UUID | None = None
) -> HttpResponse:
    organisation = (
        selectors.access_organisation(actor=request.user, organisation_id=organisation_id)
        if organisation_id
        else None
    )
    # The form validates against its own copy, so the service still sees what changed.
    form = OrganisationForm(request.POST or None, instance=_copy(organisation))
    if request.method == "POST" and form.is_valid():
        services.organisation_save(
            actor=request.user, data=form.cleaned_data, organisation=organisation
        )
        messages.success(request, _("Organisation saved."))
        return redirect("manage:overview")
    return render(request, "accounts/form.html", {"form": form, "title": _("Organisation")})


@login_required
@capability_required("organisation.manage")
@require_http_methods(["GET", "POST"])
def team_edit(request: AuthedRequest, team_id: uuid.UUID | None = None) -> HttpResponse:
    team = selectors.access_team(actor=request.user, team_id=team_id) if team_id else None
    form = TeamForm(request.POST or None, instance=_copy(team))
    if request.method == "POST" and form.is_valid():
        services.team_save(actor=request.user, data=form.cleaned_data, team=team)
        messages.success(request, _("Team saved."))
        return redirect("manage:overview")
    return render(request, "accounts/form.html", {"form": form, "title": _("Team")})


@login_required
@capability_required("user.manage")
def user_list(request: AuthedRequest) -> HttpResponse:
    users = selectors.users_for(request.user)
    return render(request, "accounts/user_list.html", {"users": users})


@login_required
@capability_required("user.manage")
@require_http_methods(["GET", "POST"])
def user_create(request: AuthedRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password")
        services.user_create(actor=request.user, data=data, password=password)
        messages.success(request, _("User created."))
        return redirect("manage:user_list")
    return render(request, "accounts/form.html", {"form": form, "title": _("New user")})


@login_required
@capability_required("user.manage")
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, user_id: uuid.UUID) -> HttpResponse:
    user = selectors.access_user(actor=request.user, user_id=user_id)
    form = UserForm(request.POST or None, instance=_copy(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, data=form.cleaned_data)
        except NotAllowed:
            form.add_error(
                None,
                _(
                    "You cannot change your own role, organisation or team. "
                    "Ask another administrator."
                ),
            )
        else:
            messages.success(request, _("User saved."))
            return redirect("manage:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": user.username, "subject": user, "password_form": None},
    )


@login_required
@capability_required("user.manage")
@require_POST
def user_password(request: AuthedRequest, user_id: uuid.UUID) -> HttpResponse:
    """An administrator sets a new password (there is no e-mail reset in safepath)."""
    user = selectors.access_user(actor=request.user, user_id=user_id)
    password_form = SetPasswordForm(user, request.POST)
    if password_form.is_valid():
        services.user_set_password(
            actor=request.user, user=user, password=password_form.cleaned_data["new_password1"]
        )
        messages.success(request, _("New password set; the user's sessions and tokens have ended."))
        return redirect("manage:user_list")
    form = UserForm(instance=_copy(user))
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": user.username, "subject": user, "password_form": password_form},
        status=400,
    )


@login_required
@capability_required("user.manage")
@require_POST
def user_active(request: AuthedRequest, user_id: uuid.UUID) -> HttpResponse:
    user = selectors.access_user(actor=request.user, user_id=user_id)
    active = request.POST.get("active") == "1"
    if user.pk == request.user.pk and not active:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("manage:user_list")
    services.user_set_active(actor=request.user, user=user, active=active)
    if active:
        messages.success(request, _("User activated."))
    else:
        messages.success(request, _("User deactivated; their sessions and tokens have ended."))
    return redirect("manage:user_list")
