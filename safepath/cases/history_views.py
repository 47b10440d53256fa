"""The case's history: add a trafficking event or a perpetrator (a page of its own,
linked from the case page, whose forms carry country lists too long to render on every
view of the case), or remove one (a button on the case page), for whoever may change
the case. Every view fetches the case through `access_case` and answers 404 to whoever
may not change it; a refusal saves nothing and shows the form again with the reason."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepath.cases import history_selectors, history_services, selectors
from safepath.cases.history_forms import (
    EVENT_PREFIX,
    PERPETRATOR_PREFIX,
    PerpetratorForm,
    TraffickingEventForm,
)
from safepath.cases.models import Case
from safepath.cases.services import CaseInvalid
from safepath.core.decorators import capability_required
from safepath.core.http import AuthedRequest


def _case(request: AuthedRequest, case_id: uuid.UUID) -> Case:
    case = selectors.access_case(actor=request.user, case_id=case_id, purpose="history", via="web")
    if not selectors.can_change(request.user, case):
        raise Http404
    return case


def _run(request: AuthedRequest, action: Callable[[], Any], done: str) -> None:
    try:
        action()
    except CaseInvalid as exc:
        for problem in exc.errors:
            messages.error(request, problem.detail)
    else:
        messages.success(request, done)


def _add_page(
    request: AuthedRequest,
    case: Case,
    form: Form,
    add: Callable[..., Any],
    texts: tuple[str, str, str],
) -> HttpResponse:
    """GET: the empty form. POST: add and go back to the case, or show the form again
    with what is wrong (nothing saved)."""
    heading, submit, done = texts
    if request.method == "POST" and form.is_valid():
        try:
            add(actor=request.user, case=case, **form.cleaned_data)
        except CaseInvalid as exc:
            for problem in exc.errors:
                form.add_error(
                    problem.field if problem.field in form.fields else None, problem.detail
                )
        else:
            messages.success(request, done)
            return redirect(case.get_absolute_url())
    return render(
        request,
        "cases/history/history_form.html",
        {"case": case, "form": form, "heading": heading, "submit": submit},
    )


@login_required
@capability_required("case.change")
@require_http_methods(["GET", "POST"])
def trafficking_event_add(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case(request, case_id)
    form = TraffickingEventForm(request.POST or None, prefix=EVENT_PREFIX)
    texts = (_("Add a trafficking event"), _("Add the event"), _("Trafficking event added."))
    return _add_page(request, case, form, history_services.trafficking_event_add, texts)


@login_required
@capability_required("case.change")
@require_POST
def trafficking_event_remove(
    request: AuthedRequest, case_id: uuid.UUID, event_id: uuid.UUID
) -> HttpResponse:
    case = _case(request, case_id)
    event = history_selectors.access_event(case=case, event_id=event_id)
    _run(
        request,
        lambda: history_services.trafficking_event_remove(actor=request.user, event=event),
        _("Trafficking event removed."),
    )
    return redirect(case.get_absolute_url())


@login_required
@capability_required("case.change")
@require_http_methods(["GET", "POST"])
def perpetrator_add(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case(request, case_id)
    form = PerpetratorForm(request.POST or None, prefix=PERPETRATOR_PREFIX)
    texts = (_("Add a perpetrator"), _("Add the perpetrator"), _("Perpetrator added."))
    return _add_page(request, case, form, history_services.perpetrator_add, texts)


@login_required
@capability_required("case.change")
@require_POST
def perpetrator_remove(
    request: AuthedRequest, case_id: uuid.UUID, perpetrator_id: uuid.UUID
) -> HttpResponse:
    case = _case(request, case_id)
    perpetrator = history_selectors.access_perpetrator(case=case, perpetrator_id=perpetrator_id)
    _run(
        request,
        lambda: history_services.perpetrator_remove(actor=request.user, perpetrator=perpetrator),
        _("Perpetrator removed."),
    )
    return redirect(case.get_absolute_url())
