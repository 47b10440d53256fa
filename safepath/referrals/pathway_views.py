"""The pathway templates pages, for administrators (`pathway.manage`)."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safepath.core.decorators import capability_required
from safepath.core.http import AuthedRequest
from safepath.referrals import pathway_services
from safepath.referrals.forms import PathwayForm
from safepath.referrals.models import PathwayTemplate
from safepath.referrals.views import form_status


@login_required
@capability_required("pathway.manage")
@require_GET
def pathway_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "referrals/pathway_list.html",
        {"pathways": PathwayTemplate.objects.all()},
    )


def _pathway_initial(pathway: PathwayTemplate) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "code": pathway.code,
        "position": pathway.position,
        "active": pathway.active,
        "service_types": list(pathway.service_types or []),
        "groups": list(pathway.groups or []),
        "trigger_groups": list((pathway.trigger or {}).get("groups", [])),
    }
    for key in ("outcome", "population", "flags", "needs", "factors"):
        initial[key] = list((pathway.trigger or {}).get(key, []))
    for code, text in (pathway.name or {}).items():
        initial[f"name_{code}"] = text
    for code, text in (pathway.description or {}).items():
        initial[f"description_{code}"] = text
    return initial


@login_required
@capability_required("pathway.manage")
@require_http_methods(["GET", "POST"])
def pathway_edit(request: AuthedRequest, pathway_id: uuid.UUID | None = None) -> HttpResponse:
    pathway = None
    if pathway_id is not None:
        pathway = PathwayTemplate.objects.filter(public_id=pathway_id).first()
        if pathway is None:
            raise Http404
    form = PathwayForm(
        request.POST if request.method == "POST" else None,
        initial=_pathway_initial(pathway) if pathway else None,
        editing=pathway is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pathway_services.pathway_save(
                actor=request.user,
                pathway=pathway,
                code=pathway.code if pathway else data["code"],
                name=form.texts("name"),
                description=form.texts("description"),
                trigger=form.trigger(),
                service_types=data["service_types"],
                groups=data["groups"],
                active=data["active"],
                position=data["position"],
            )
        except pathway_services.PathwayInvalid as exc:
            for field, problem in exc.errors.items():
                form.add_error(
                    field if field in form.fields else None,
                    _("This code is already used.")
                    if problem == "taken"
                    else _("This value is not accepted."),
                )
        else:
            messages.success(request, _("Pathway saved."))
            return redirect("referrals:pathways")
    return render(
        request,
        "referrals/pathway_form.html",
        {"form": form, "pathway": pathway},
        status=form_status(request),
    )
