"""Erasure requests on the case page: ask (caseworkers and supervisors who may change
the case) and decide (supervisors; approving executes the erasure). Both fetch the case
through `access_case` and answer 404 to whoever may not act on it."""

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safepath.cases import retention_selectors, retention_services, selectors
from safepath.cases.models.retention import ErasureRequest, ErasureStatus
from safepath.cases.retention_forms import DECISION_PREFIX, REQUEST_PREFIX, ErasureRequestForm
from safepath.cases.services import CaseInvalid
from safepath.cases.workflow_forms import DecisionForm
from safepath.core.decorators import capability_required
from safepath.core.http import AuthedRequest


def _run(request: AuthedRequest, form: Form, action: Callable[[], ErasureRequest]) -> None:
    """Validate, act, and say how it went; a refusal saves nothing."""
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
        return
    try:
        done = action()
    except CaseInvalid as exc:
        for problem in exc.errors:
            messages.error(request, problem.detail)
        return
    if done.status == ErasureStatus.PENDING:
        messages.success(request, _("Erasure requested: a supervisor decides on it."))
    elif done.status == ErasureStatus.EXECUTED:
        messages.success(
            request,
            _(
                "Erasure executed: the person's identity and the free text of their cases "
                "were removed."
            ),
        )
    else:
        messages.success(request, _("Decision recorded."))


@login_required
@capability_required("case.change")
@require_POST
def erasure_request(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = selectors.access_case(actor=request.user, case_id=case_id, purpose="erasure", via="web")
    if not retention_selectors.can_request_erasure(request.user, case):
        raise Http404
    form = ErasureRequestForm(request.POST, prefix=REQUEST_PREFIX)
    _run(
        request,
        form,
        lambda: retention_services.erasure_request(
            actor=request.user,
            case=case,
            reason=form.cleaned_data["reason"],
            detail=form.cleaned_data["detail"],
        ),
    )
    return redirect(case.get_absolute_url())


@login_required
@capability_required("case.approve")
@require_POST
def erasure_decide(
    request: AuthedRequest, case_id: uuid.UUID, request_id: uuid.UUID
) -> HttpResponse:
    case = selectors.access_case(actor=request.user, case_id=case_id, purpose="erasure", via="web")
    if not retention_selectors.can_decide_erasure(request.user, case):
        raise Http404
    erasure = retention_selectors.access_erasure_request(case=case, request_id=request_id)
    form = DecisionForm(request.POST, prefix=DECISION_PREFIX)
    _run(
        request,
        form,
        lambda: retention_services.erasure_decide(
            actor=request.user,
            request=erasure,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        ),
    )
    return redirect(case.get_absolute_url())
