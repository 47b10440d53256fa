"""Assistance, stock and shelter pages. Thin: fetch through an access_* selector,
validate, call one service, render.

Pages that only need a capability answer 404 without it (`capability_required`,
checked before the method); a POST checks the capability it writes with before it
reads anything, so a role that may only read leaves no trace when it tries to write.
"""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepath.accounts import policies
from safepath.cases import assistance_events as events
from safepath.cases import assistance_selectors as selectors
from safepath.cases import assistance_services as services
from safepath.cases.assistance_forms import (
    AdmitForm,
    AssistanceForm,
    DepartForm,
    ReceiptForm,
    ShelterForm,
    ThresholdForm,
    TransferForm,
    WarehouseForm,
)
from safepath.cases.models import Assistance, Shelter, StockBalance, Warehouse
from safepath.cases.selectors import access_case
from safepath.core.decorators import capability_required
from safepath.core.exceptions import NotAllowed
from safepath.core.http import AuthedRequest

MOVEMENTS_SHOWN = 50


def _report(form: forms.Form, exc: services.Invalid, aliases: dict[str, str] | None = None) -> None:
    """Put each error of the service on its form field (or on the form)."""
    for error in exc.errors:
        name = (aliases or {}).get(error.field, error.field)
        form.add_error(name if name in form.fields else None, error.detail)


# --- assistance -----------------------------------------------------------------------


@login_required
@capability_required("assistance.view")
@require_http_methods(["GET", "POST"])
def case_assistance(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    """The assistance given for a case, and the form to record more."""
    actor = request.user
    if request.method == "POST" and not policies.can(actor, "assistance.record"):
        raise Http404
    case = access_case(actor=actor, case_id=case_id, purpose="assistance", via="web")
    if not selectors.can_view_assistance(actor, case):
        raise Http404
    can_record = selectors.can_record_assistance(actor, case)
    if request.method == "POST" and not can_record:
        raise Http404
    form = None
    if can_record and not case.is_closed:
        form = AssistanceForm(
            request.POST or None,
            providers=selectors.providers(),
            warehouses=selectors.issuing_warehouses(actor),
        )
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            assistance = services.assistance_record(
                actor=actor,
                case=case,
                kind=data["kind"],
                quantity=data["quantity"],
                given_on=data["given_on"],
                provider=data["provider"],
                warehouse=data["warehouse"],
                stock_field="warehouse",
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except services.Invalid as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Assistance recorded."))
            _warn_if_low(request, assistance)
            return redirect("cases:assistance", case.public_id)
    rows = list(selectors.assistance_of_case(actor, case))
    events.assistance_listed(actor=actor, case=case, count=len(rows), via="web")
    return render(
        request,
        "cases/assistance/case_assistance.html",
        {"case": case, "rows": rows, "form": form, "can_record": can_record},
    )


def _warn_if_low(request: AuthedRequest, assistance: Assistance) -> None:
    movement = getattr(assistance, "stock_issue", None)
    if movement is None:
        return
    balance = StockBalance.objects.get(warehouse=movement.warehouse, kind=movement.kind)
    if balance.is_low:
        messages.warning(request, _low_stock_text(balance, movement.warehouse))


def _low_stock_text(balance: StockBalance, warehouse: Warehouse) -> str:
    return _("Low stock: %(count)d × %(item)s left in %(warehouse)s.") % {
        "count": balance.quantity,
        "item": balance.get_kind_display(),
        "warehouse": warehouse.name,
    }


# --- stock ----------------------------------------------------------------------------


@login_required
@capability_required("stock.view")
@require_http_methods(["GET", "POST"])
def stock_list(request: AuthedRequest) -> HttpResponse:
    """The organisation's warehouses with their balances; supervisors add warehouses."""
    actor = request.user
    can_manage = policies.can(actor, "stock.manage")
    if request.method == "POST" and not can_manage:
        raise Http404
    form = WarehouseForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            warehouse = services.warehouse_create(
                actor=actor,
                name=form.cleaned_data["name"],
                voivodeship=form.cleaned_data["voivodeship"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except services.Invalid as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Warehouse created."))
            return redirect(warehouse.get_absolute_url())
    return render(
        request,
        "cases/assistance/stock_list.html",
        {"rows": selectors.warehouse_overview(actor), "form": form},
    )


def _warehouse_page(
    request: AuthedRequest, warehouse: Warehouse, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    actor = request.user
    can_manage = selectors.can_manage_stock(actor, warehouse)
    destinations = (
        selectors.visible_warehouses(actor).filter(is_active=True).exclude(pk=warehouse.pk)
    )
    context: dict[str, Any] = {
        "warehouse": warehouse,
        "balances": list(selectors.balances_of(warehouse)),
        "movements": list(selectors.movements_of(warehouse)[:MOVEMENTS_SHOWN]),
        "can_manage": can_manage,
    }
    if can_manage:
        context["receipt_form"] = bound.get("receipt_form") or ReceiptForm(prefix="receipt")
        context["transfer_form"] = bound.get("transfer_form") or TransferForm(
            prefix="transfer", destinations=destinations
        )
        context["threshold_form"] = bound.get("threshold_form") or ThresholdForm(prefix="threshold")
    return render(request, "cases/assistance/warehouse_detail.html", context, status=status)


@login_required
@capability_required("stock.view")
@require_http_methods(["GET"])
def warehouse_detail(request: AuthedRequest, warehouse_id: uuid.UUID) -> HttpResponse:
    warehouse = selectors.access_warehouse(actor=request.user, warehouse_id=warehouse_id)
    return _warehouse_page(request, warehouse)


def _managed_warehouse(request: AuthedRequest, warehouse_id: uuid.UUID) -> Warehouse:
    warehouse = selectors.access_warehouse(actor=request.user, warehouse_id=warehouse_id)
    if not selectors.can_manage_stock(request.user, warehouse):
        raise Http404
    return warehouse


@login_required
@capability_required("stock.manage")
@require_POST
def warehouse_receipt(request: AuthedRequest, warehouse_id: uuid.UUID) -> HttpResponse:
    warehouse = _managed_warehouse(request, warehouse_id)
    form = ReceiptForm(request.POST, prefix="receipt")
    if form.is_valid():
        try:
            services.stock_receive(
                actor=request.user,
                warehouse=warehouse,
                kind=form.cleaned_data["kind"],
                quantity=form.cleaned_data["quantity"],
                received_on=form.cleaned_data["received_on"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except services.Invalid as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Receipt recorded."))
            return redirect(warehouse.get_absolute_url())
    return _warehouse_page(request, warehouse, status=400, receipt_form=form)


@login_required
@capability_required("stock.manage")
@require_POST
def warehouse_transfer(request: AuthedRequest, warehouse_id: uuid.UUID) -> HttpResponse:
    warehouse = _managed_warehouse(request, warehouse_id)
    form = TransferForm(
        request.POST,
        prefix="transfer",
        destinations=selectors.visible_warehouses(request.user)
        .filter(is_active=True)
        .exclude(pk=warehouse.pk),
    )
    if form.is_valid():
        try:
            services.stock_transfer(
                actor=request.user,
                source=warehouse,
                destination=form.cleaned_data["destination"],
                kind=form.cleaned_data["kind"],
                quantity=form.cleaned_data["quantity"],
                moved_on=form.cleaned_data["moved_on"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except services.Invalid as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Transfer recorded."))
            balance = StockBalance.objects.get(warehouse=warehouse, kind=form.cleaned_data["kind"])
            if balance.is_low:
                messages.warning(request, _low_stock_text(balance, warehouse))
            return redirect(warehouse.get_absolute_url())
    return _warehouse_page(request, warehouse, status=400, transfer_form=form)


@login_required
@capability_required("stock.manage")
@require_POST
def warehouse_threshold(request: AuthedRequest, warehouse_id: uuid.UUID) -> HttpResponse:
    warehouse = _managed_warehouse(request, warehouse_id)
    form = ThresholdForm(request.POST, prefix="threshold")
    if form.is_valid():
        try:
            services.stock_set_threshold(
                actor=request.user,
                warehouse=warehouse,
                kind=form.cleaned_data["kind"],
                threshold=form.cleaned_data["threshold"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except services.Invalid as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Low-stock threshold saved."))
            return redirect(warehouse.get_absolute_url())
    return _warehouse_page(request, warehouse, status=400, threshold_form=form)


# --- shelters -------------------------------------------------------------------------


@login_required
@capability_required("shelter.view")
@require_http_methods(["GET", "POST"])
def shelter_list(request: AuthedRequest) -> HttpResponse:
    """The organisation's shelters with their occupancy; supervisors add shelters."""
    actor = request.user
    can_manage = policies.can(actor, "shelter.manage")
    if request.method == "POST" and not can_manage:
        raise Http404
    form = ShelterForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            shelter = services.shelter_create(
                actor=actor,
                name=form.cleaned_data["name"],
                voivodeship=form.cleaned_data["voivodeship"],
                capacity=form.cleaned_data["capacity"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except services.Invalid as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Shelter created."))
            return redirect(shelter.get_absolute_url())
    return render(
        request,
        "cases/assistance/shelter_list.html",
        {
            "shelters": selectors.visible_shelters(actor).order_by("-is_active", "name"),
            "form": form,
        },
    )


def _shelter_page(
    request: AuthedRequest,
    shelter: Shelter,
    status: int = 200,
    **bound: forms.Form,
) -> HttpResponse:
    actor = request.user
    can_admit = selectors.can_admit(actor, shelter)
    stays = selectors.current_stays(actor=actor, shelter=shelter, via="web")
    context: dict[str, Any] = {
        "shelter": shelter,
        "stays": stays,
        "occupancy": len(stays),
        "free": max(shelter.capacity - len(stays), 0),
        "can_admit": can_admit,
        "admit_form": (bound.get("admit_form") or AdmitForm(prefix="admit")) if can_admit else None,
        "depart_form": bound.get("depart_form") or DepartForm(prefix="depart"),
    }
    return render(request, "cases/assistance/shelter_detail.html", context, status=status)


@login_required
@capability_required("shelter.view")
@require_http_methods(["GET"])
def shelter_detail(request: AuthedRequest, shelter_id: uuid.UUID) -> HttpResponse:
    shelter = selectors.access_shelter(actor=request.user, shelter_id=shelter_id)
    return _shelter_page(request, shelter)


def _admitting_shelter(request: AuthedRequest, shelter_id: uuid.UUID) -> Shelter:
    shelter = selectors.access_shelter(actor=request.user, shelter_id=shelter_id)
    if not selectors.can_admit(request.user, shelter):
        raise Http404
    return shelter


@login_required
@capability_required("shelter.admit")
@require_POST
def shelter_admit(request: AuthedRequest, shelter_id: uuid.UUID) -> HttpResponse:
    shelter = _admitting_shelter(request, shelter_id)
    form = AdmitForm(request.POST, prefix="admit")
    if form.is_valid():
        person = selectors.admissible_person(request.user, form.cleaned_data["person"])
        if person is None:
            # The same answer for a code that does not exist and one out of reach.
            form.add_error("person", _("No person with this code among the people you may see."))
        else:
            try:
                services.shelter_admit(
                    actor=request.user,
                    shelter=shelter,
                    person=person,
                    admitted_on=form.cleaned_data["admitted_on"],
                )
            except NotAllowed as exc:
                raise Http404 from exc
            except services.Invalid as exc:
                _report(form, exc, {"shelter": "person"})
            else:
                messages.success(request, _("Admission recorded."))
                return redirect(shelter.get_absolute_url())
    return _shelter_page(request, shelter, status=400, admit_form=form)


@login_required
@capability_required("shelter.admit")
@require_POST
def shelter_depart(
    request: AuthedRequest, shelter_id: uuid.UUID, stay_id: uuid.UUID
) -> HttpResponse:
    shelter = _admitting_shelter(request, shelter_id)
    stay = selectors.access_stay(shelter=shelter, stay_id=stay_id)
    form = DepartForm(request.POST, prefix="depart")
    if form.is_valid():
        try:
            services.shelter_depart(
                actor=request.user, stay=stay, departed_on=form.cleaned_data["departed_on"]
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except services.Invalid as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Departure recorded."))
            return redirect(shelter.get_absolute_url())
    return _shelter_page(request, shelter, status=400, depart_form=form)
