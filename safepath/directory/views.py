"""Staff pages of the service directory. Thin: fetch through a selector, validate, call
one service, render.

Reading needs `directory.view` (404 without it, whatever the method). Changing a
service goes through `selectors.access_service`, which answers 404 for a service the
actor may not change exactly as for a missing one; the capability a POST writes with is
checked before anything is read.
"""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepath.accounts import policies
from safepath.core.decorators import capability_required
from safepath.core.exceptions import NotAllowed
from safepath.core.geography import voivodeship_name
from safepath.core.http import AuthedRequest
from safepath.directory import provider_services, selectors, services
from safepath.directory.forms import WEEKDAY_LABELS, FilterForm, ProviderForm, ServiceForm
from safepath.directory.i18n import LANGUAGE_CODES
from safepath.directory.inputs import TEXT_FIELDS, WEEKDAYS
from safepath.directory.validators import Invalid

PAGE_SIZE = 50


def _may_change_any(request: AuthedRequest) -> bool:
    return policies.can(request.user, "directory.manage") or policies.can(
        request.user, "directory.maintain"
    )


def _report(form: forms.Form, exc: Invalid) -> None:
    """Put each error of the service on its form field (a translatable text on its
    first language's box), or on the form."""
    for error in exc.errors:
        name = error.field
        if name in TEXT_FIELDS or name == "capacity_unit":
            name = f"{name}_{LANGUAGE_CODES[0]}"
        form.add_error(name if name in form.fields else None, error.detail)


def _form_context(form: ServiceForm) -> dict[str, object]:
    """The form's fields grouped for the page: texts side by side per language, the
    week's opening hours as rows."""
    return {
        "form": form,
        "languages": LANGUAGE_CODES,
        "text_rows": [[form[f"{name}_{code}"] for code in LANGUAGE_CODES] for name in TEXT_FIELDS],
        "unit_row": [form[f"capacity_unit_{code}"] for code in LANGUAGE_CODES],
        "hour_rows": [
            (WEEKDAY_LABELS[day], form[f"opens_{day}"], form[f"closes_{day}"]) for day in WEEKDAYS
        ],
    }


@login_required
@capability_required("directory.view")
@require_http_methods(["GET"])
def service_list(request: AuthedRequest) -> HttpResponse:
    """The services, filtered by voivodeship, service type and text."""
    form = FilterForm(request.GET or None)
    filters = {"voivodeship": "", "service_type": "", "text": ""}
    if form.is_bound and form.is_valid():
        filters.update({k: v.strip() for k, v in form.cleaned_data.items() if v})
    rows = selectors.service_list(request.user, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/service_list.html",
        {
            "filter_form": form,
            "page": page,
            "query": query.urlencode(),
            "stale_before": selectors.unverified_before(),
            "can_add": selectors.editable_providers(request.user).exists(),
        },
    )


@login_required
@capability_required("directory.view")
@require_http_methods(["GET"])
def service_detail(request: AuthedRequest, service_id: uuid.UUID) -> HttpResponse:
    service = selectors.view_service(actor=request.user, service_id=service_id)
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "unverified": selectors.is_unverified(service),
            "can_edit": services.can_edit(request.user, service),
            "changes": selectors.service_changes(service),
            "hours": [
                (
                    ", ".join(
                        str(WEEKDAY_LABELS[d]) for d in s.byday.split(",") if d in WEEKDAY_LABELS
                    ),
                    s.opens_at,
                    s.closes_at,
                )
                for s in service.schedules.all()
                if s.opens_at is not None and s.closes_at is not None
            ],
            "areas": [
                voivodeship_name(a.voivodeship) if a.voivodeship else _("The whole country")
                for a in service.service_areas.all()
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request: AuthedRequest) -> HttpResponse:
    if not _may_change_any(request):
        raise Http404
    actor = request.user
    providers = selectors.editable_providers(actor)
    if not providers.exists():
        raise Http404
    initial = {}
    wanted = request.GET.get("provider")
    if wanted:
        initial["provider"] = wanted
    form = ServiceForm(request.POST or None, actor=actor, providers=providers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(
                actor=actor, organization=form.cleaned_data["provider"], data=form.to_data()
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Invalid as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Service added to the directory."))
            return redirect("directory:service", service.public_id)
    return render(request, "directory/service_form.html", {**_form_context(form), "service": None})


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: AuthedRequest, service_id: uuid.UUID) -> HttpResponse:
    if not _may_change_any(request):
        raise Http404
    actor = request.user
    service = selectors.access_service(actor=actor, service_id=service_id)
    form = ServiceForm(
        request.POST or None,
        actor=actor,
        service=service,
        initial=ServiceForm.initial_for(service),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.service_update(actor=actor, service=service, data=form.to_data())
        except NotAllowed as exc:
            raise Http404 from exc
        except Invalid as exc:
            _report(form, exc)
        else:
            if changed:
                messages.success(request, _("Service saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("directory:service", service.public_id)
    return render(
        request, "directory/service_form.html", {**_form_context(form), "service": service}
    )


@login_required
@require_POST
def service_verify(request: AuthedRequest, service_id: uuid.UUID) -> HttpResponse:
    if not _may_change_any(request):
        raise Http404
    service = selectors.access_service(actor=request.user, service_id=service_id)
    try:
        services.service_verify(actor=request.user, service=service)
    except NotAllowed as exc:
        raise Http404 from exc
    messages.success(request, _("Marked as verified today."))
    return redirect("directory:service", service.public_id)


@login_required
@capability_required("directory.view")
@require_http_methods(["GET", "POST"])
def provider_list(request: AuthedRequest) -> HttpResponse:
    """The service providers; `directory.manage` adds one here."""
    actor = request.user
    can_manage = policies.can(actor, "directory.manage")
    if request.method == "POST" and not can_manage:
        raise Http404
    form = ProviderForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            provider = provider_services.provider_create(actor=actor, data=form.to_data())
        except Invalid as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Service provider added."))
            return redirect(f"{reverse('directory:service_create')}?provider={provider.public_id}")
    return render(
        request,
        "directory/provider_list.html",
        {"providers": selectors.provider_list(actor), "form": form},
    )


@login_required
@capability_required("directory.manage")
@require_http_methods(["GET", "POST"])
def provider_edit(request: AuthedRequest, provider_id: uuid.UUID) -> HttpResponse:
    provider = selectors.access_provider(actor=request.user, provider_id=provider_id)
    form = ProviderForm(request.POST or None, initial=ProviderForm.initial_for(provider))
    if request.method == "POST" and form.is_valid():
        try:
            provider_services.provider_update(
                actor=request.user, organization=provider, data=form.to_data()
            )
        except Invalid as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Service provider saved."))
            return redirect("directory:providers")
    return render(request, "directory/provider_form.html", {"form": form, "provider": provider})
