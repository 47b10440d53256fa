"""Administration pages: organisations, teams, users. Administrators only (others: 404)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepath.accounts import policies, services
from safepath.accounts.forms import OrganisationForm, TeamForm, UserCreateForm, UserForm
from safepath.accounts.models import Organisation, Team, User
from safepath.core.http import AuthedRequest


def _require(request: AuthedRequest, capability: str) -> None:
    if not policies.can(request.user, capability):
        raise Http404


def _copy[M: Organisation | Team | User](obj: M | None) -> M | None:
    return type(obj).objects.get(pk=obj.pk) if obj is not None else None  # type: ignore[return-value]


@login_required
def overview(request: AuthedRequest) -> HttpResponse:
    _require(request, "organisation.manage")
    organisations = Organisation.objects.prefetch_related("teams")
    return render(request, "accounts/overview.html", {"organisations": organisations})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(
    request: AuthedRequest, organisation_id: uuid.UUID | None = None
) -> HttpResponse:
    _require(request, "organisation.manage")
    organisation = (
        get_object_or_404(Organisation, public_id=organisation_id) if organisation_id else None
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
@require_http_methods(["GET", "POST"])
def team_edit(request: AuthedRequest, team_id: uuid.UUID | None = None) -> HttpResponse:
    _require(request, "organisation.manage")
    team = get_object_or_404(Team, public_id=team_id) if team_id else None
    form = TeamForm(request.POST or None, instance=_copy(team))
    if request.method == "POST" and form.is_valid():
        services.team_save(actor=request.user, data=form.cleaned_data, team=team)
        messages.success(request, _("Team saved."))
        return redirect("manage:overview")
    return render(request, "accounts/form.html", {"form": form, "title": _("Team")})


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    _require(request, "user.manage")
    users = User.objects.select_related("organisation", "team").order_by("username")
    return render(request, "accounts/user_list.html", {"users": users})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: AuthedRequest) -> HttpResponse:
    _require(request, "user.manage")
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password")
        services.user_create(actor=request.user, data=data, password=password)
        messages.success(request, _("User created."))
        return redirect("manage:user_list")
    return render(request, "accounts/form.html", {"form": form, "title": _("New user")})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, user_id: uuid.UUID) -> HttpResponse:
    _require(request, "user.manage")
    user = get_object_or_404(User, public_id=user_id)
    form = UserForm(request.POST or None, instance=_copy(user))
    if request.method == "POST" and form.is_valid():
        services.user_update(actor=request.user, user=user, data=form.cleaned_data)
        messages.success(request, _("User saved."))
        return redirect("manage:user_list")
    return render(
        request, "accounts/user_form.html", {"form": form, "title": user.username, "subject": user}
    )


@login_required
@require_POST
def user_active(request: AuthedRequest, user_id: uuid.UUID) -> HttpResponse:
    _require(request, "user.manage")
    user = get_object_or_404(User, public_id=user_id)
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
