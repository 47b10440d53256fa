"""The case's history on the case page: add or remove a trafficking event or a
perpetrator (who may change the case). Every view fetches the case through
`access_case` and answers 404 to whoever may not change it; a refusal saves nothing."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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


def _form_errors(request: AuthedRequest, form: Form) -> bool:
    if form.is_valid():
        return False
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, str(message))
    return True


@login_required
@capability_required("case.change")
@require_POST
def trafficking_event_add(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case(request, case_id)
    form = TraffickingEventForm(request.POST, prefix=EVENT_PREFIX)
    if not _form_errors(request, form):
        data = form.cleaned_data
        _run(
            request,
            lambda: history_services.trafficking_event_add(actor=request.user, case=case, **data),
            _("Trafficking event added."),
        )
    return redirect(case.get_absolute_url())


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
@require_POST
def perpetrator_add(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case(request, case_id)
    form = PerpetratorForm(request.POST, prefix=PERPETRATOR_PREFIX)
    if not _form_errors(request, form):
        data = form.cleaned_data
        _run(
            request,
            lambda: history_services.perpetrator_add(actor=request.user, case=case, **data),
            _("Perpetrator added."),
        )
    return redirect(case.get_absolute_url())


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
