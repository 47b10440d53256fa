"""Approvals, the case plan, tasks, and the "my work" page. Every action fetches the
case through `access_case` and answers 404 to whoever may not act on it."""

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safepath.cases import selectors, transfer_services, workflow_services
from safepath.cases.models import Case
from safepath.cases.services import CaseInvalid
from safepath.cases.workflow_forms import ApprovalRequestForm, DecisionForm, PlanItemForm, TaskForm
from safepath.core import pagination
from safepath.core.decorators import capability_required
from safepath.core.http import AuthedRequest

MY_WORK_ROWS = 50


def _case_to_change(request: AuthedRequest, case_id: uuid.UUID, purpose: str) -> Case:
    case = selectors.access_case(actor=request.user, case_id=case_id, purpose=purpose, via="web")
    if not selectors.can_change(request.user, case):
        raise Http404
    return case


def _run(request: AuthedRequest, form: Form, action: Callable[[], object], done: str) -> None:
    """Validate, act, and say how it went; a refusal saves nothing."""
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
        return
    try:
        action()
    except CaseInvalid as exc:
        for problem in exc.errors:
            messages.error(request, problem.detail)
    else:
        messages.success(request, done)


@login_required
@capability_required("case.change")
@require_POST
def approval_request(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case_to_change(request, case_id, "approval")
    form = ApprovalRequestForm(request.POST)
    _run(
        request,
        form,
        lambda: workflow_services.approval_request(
            actor=request.user,
            case=case,
            kind=form.cleaned_data["kind"],
            comment=form.cleaned_data["comment"],
        ),
        _("Approval requested."),
    )
    return redirect(case.get_absolute_url())


@login_required
@capability_required("case.approve")
@require_POST
def approval_decide(
    request: AuthedRequest, case_id: uuid.UUID, approval_id: uuid.UUID
) -> HttpResponse:
    case = selectors.access_case(actor=request.user, case_id=case_id, purpose="approval", via="web")
    if not selectors.can_approve(request.user, case):
        raise Http404
    approval = selectors.access_approval(actor=request.user, case=case, approval_id=approval_id)
    form = DecisionForm(request.POST)
    _run(
        request,
        form,
        lambda: workflow_services.approval_decide(
            actor=request.user,
            approval=approval,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        ),
        _("Decision recorded."),
    )
    return redirect(case.get_absolute_url())


@login_required
@capability_required("case.change")
@require_POST
def plan_add(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case_to_change(request, case_id, "plan")
    form = PlanItemForm(request.POST)
    _run(
        request,
        form,
        lambda: workflow_services.plan_item_add(actor=request.user, case=case, **form.cleaned_data),
        _("Added to the case plan."),
    )
    return redirect(case.get_absolute_url())


@login_required
@capability_required("case.change")
@require_POST
def plan_done(request: AuthedRequest, case_id: uuid.UUID, item_id: uuid.UUID) -> HttpResponse:
    case = _case_to_change(request, case_id, "plan")
    item = selectors.access_plan_item(case=case, item_id=item_id)
    workflow_services.plan_item_done(actor=request.user, item=item)
    return redirect(case.get_absolute_url())


@login_required
@capability_required("case.change")
@require_POST
def task_add(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case_to_change(request, case_id, "task")
    form = TaskForm(request.POST, queryset=selectors.assignable_caseworkers(request.user, case))
    _run(
        request,
        form,
        lambda: workflow_services.task_add(actor=request.user, case=case, **form.cleaned_data),
        _("Task added."),
    )
    return redirect(case.get_absolute_url())


@login_required
@capability_required("case.change")
@require_POST
def task_done(request: AuthedRequest, case_id: uuid.UUID, task_id: uuid.UUID) -> HttpResponse:
    case = _case_to_change(request, case_id, "task")
    task = selectors.access_task(case=case, task_id=task_id)
    workflow_services.task_done(actor=request.user, task=task)
    return redirect(case.get_absolute_url())


@login_required
@capability_required("case.view")
def my_work(request: AuthedRequest) -> HttpResponse:
    """Bounded lists: a caseworker with thousands of cases still gets the page at once;
    the counts say how many more there are."""
    today = timezone.localdate()
    tasks = selectors.my_tasks(request.user)
    overdue = tasks.filter(due_on__lt=today)
    upcoming = tasks.filter(due_on__gte=today)
    cases = selectors.my_open_cases(request.user).order_by("-id")
    approvals = selectors.approvals_to_decide(request.user)
    # Counting 100,000 open cases costs more than listing 50: the count stops at the cap.
    open_cases = pagination.count_at_most(cases)
    return render(
        request,
        "cases/my_work.html",
        {
            "overdue": overdue[:MY_WORK_ROWS],
            "overdue_count": overdue.count(),
            "upcoming": upcoming[:MY_WORK_ROWS],
            "upcoming_count": upcoming.count(),
            "approvals": approvals[:MY_WORK_ROWS],
            "cases": cases[:MY_WORK_ROWS],
            "cases_count": min(open_cases, pagination.COUNT_CAP),
            "cases_capped": open_cases > pagination.COUNT_CAP,
            "transfers": transfer_services.incoming_transfers(request.user),
        },
    )
