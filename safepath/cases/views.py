"""Case pages. Thin: fetch through access_case, validate, call one service, render."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepath.accounts import policies
from safepath.accounts.reauthentication import reauthenticate, recently_authenticated
from safepath.cases import events, htcds_export, selectors, services, timeline
from safepath.cases.forms import AssignForm, CaseForm, NoteForm
from safepath.cases.models import Case
from safepath.cases.services import EDITABLE
from safepath.cases.transfer_views import TransferForm
from safepath.cases.workflow_forms import ApprovalRequestForm, DecisionForm, PlanItemForm, TaskForm
from safepath.core.decorators import capability_required
from safepath.core.downloads import private_download
from safepath.core.exceptions import ConflictError, NotAllowed
from safepath.core.http import AuthedRequest
from safepath.core.pagination import CappedPaginator
from safepath.people.selectors import access_person
from safepath.screening.selectors import access_screening

PAGE_SIZE = 50


def _show_identity(request: AuthedRequest, case: Case) -> bool:
    return policies.in_scope(request.user, "person.view_identity", case.person)


@login_required
@capability_required("case.view")
def case_list(request: AuthedRequest) -> HttpResponse:
    page = CappedPaginator(selectors.listed_cases(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    events.cases_listed(actor=request.user, count=len(page.object_list), via="web", filters=[])
    return render(
        request,
        "cases/case_list.html",
        {"page": page, "can_export_identity": htcds_export.may_include_identity(request.user)},
    )


@login_required
@capability_required("case.create")
@require_POST
def case_open(request: AuthedRequest) -> HttpResponse:
    """Open a case from a screening (`screening`) or for a person (`person`)."""
    screening = person = None
    if screening_id := request.POST.get("screening"):
        screening = access_screening(
            actor=request.user, screening_id=screening_id, purpose="case", via="web"
        )
        back = screening.get_absolute_url()
    elif person_id := request.POST.get("person"):
        person = access_person(actor=request.user, person_id=person_id, purpose="case", via="web")
        back = person.get_absolute_url()
    else:
        raise Http404
    try:
        case = services.case_open(actor=request.user, person=person, screening=screening)
    except NotAllowed as exc:
        raise Http404 from exc
    except services.CaseInvalid as exc:
        for error in exc.errors:
            messages.error(request, error.detail)
        return redirect(back)
    messages.success(request, _("Case opened."))
    return redirect(case.get_absolute_url())


@login_required
@capability_required("case.view")
def case_detail(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = selectors.access_case(
        actor=request.user, case_id=case_id, purpose="case_work", via="web"
    )
    can_change = selectors.can_change(request.user, case)
    can_assign = selectors.can_assign(request.user, case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "show_identity": _show_identity(request, case),
            "can_change": can_change,
            "timeline": timeline.lines(selectors.timeline_of(case)),
            "notes": selectors.notes_of(case),
            "note_form": NoteForm() if can_change else None,
            "assign_form": AssignForm(
                queryset=selectors.assignable_caseworkers(request.user, case),
                initial={"owner": case.owner_id},
            )
            if can_assign
            else None,
            "labels": _labels(case),
            **_workflow(request, case, can_change=can_change),
            "transfers": case.transfers.select_related("to_organisation"),
            "transfer_form": TransferForm(exclude=case.organisation_id)
            if can_change and not case.is_closed
            else None,
        },
    )


def _workflow(request: AuthedRequest, case: Case, *, can_change: bool) -> dict[str, Any]:
    """Approvals, plan and tasks of the case page, with the forms the user may use."""
    return {
        "approvals": selectors.approvals_of(case),
        "plan_items": selectors.plan_of(case),
        "tasks": selectors.tasks_of(case),
        "can_approve": selectors.can_approve(request.user, case),
        "approval_form": ApprovalRequestForm() if can_change else None,
        "decision_form": DecisionForm(),
        "plan_form": PlanItemForm() if can_change else None,
        "task_form": TaskForm(
            queryset=selectors.assignable_caseworkers(request.user, case),
            initial={"assignee": case.owner_id},
        )
        if can_change
        else None,
    }


def _labels(case: Case) -> dict[str, list[str]]:
    """The list fields' codes in words (the form's choices hold the labels)."""
    form = CaseForm(show_identity=False)
    labels: dict[str, list[str]] = {}
    for name in (
        "exploitation_types",
        "forced_labour_industries",
        "means_of_control",
        "recruitment_methods",
    ):
        choices = dict(form.fields[name].choices)  # type: ignore[attr-defined]
        labels[name] = [str(choices.get(code, code)) for code in getattr(case, name)]
    return labels


def _initial(case: Case, show_identity: bool) -> dict[str, Any]:
    names = [n for n in EDITABLE if show_identity or n != "safety_concerns"]
    return {**{name: getattr(case, name) for name in names}, "version": case.version}


@login_required
@capability_required("case.change")
@require_http_methods(["GET", "POST"])
def case_edit(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = selectors.access_case(actor=request.user, case_id=case_id, purpose="edit", via="web")
    if not selectors.can_change(request.user, case):
        raise Http404
    show_identity = _show_identity(request, case)
    form = CaseForm(
        request.POST or None, initial=_initial(case, show_identity), show_identity=show_identity
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.case_update(
                actor=request.user,
                case=case,
                data=data,
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError:
            # Nothing was saved: show what they sent beside what is there now.
            current = Case.objects.get(pk=case.pk)
            return render(
                request,
                "cases/case_conflict.html",
                {
                    "case": current,
                    "rows": _conflict_rows(form, data, current),
                    "form": CaseForm(
                        initial=_initial(current, show_identity), show_identity=show_identity
                    ),
                },
                status=409,
            )
        except services.CaseInvalid as exc:
            for error in exc.errors:
                form.add_error(error.field if error.field in form.fields else None, error.detail)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(case.get_absolute_url())
    return render(request, "cases/case_form.html", {"case": case, "form": form})


def _display(form: CaseForm, name: str, value: Any) -> str:
    field = form.fields[name]
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value) or "—"
    if choices:
        return str(choices.get(value, value)) or "—"
    return str(value) if value not in (None, "") else "—"


def _conflict_rows(form: CaseForm, data: dict[str, Any], current: Case) -> list[dict[str, Any]]:
    rows = []
    for name, mine in data.items():
        theirs = getattr(current, name)
        rows.append(
            {
                "label": form.fields[name].label,
                "mine": _display(form, name, mine),
                "theirs": _display(form, name, theirs),
                "differs": mine != theirs,
            }
        )
    return rows


@login_required
@capability_required("case.change")
@require_POST
def case_note(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = selectors.access_case(actor=request.user, case_id=case_id, purpose="note", via="web")
    if not selectors.can_change(request.user, case):
        raise Http404
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_add_note(actor=request.user, case=case, text=form.cleaned_data["text"])
        except services.CaseInvalid as exc:
            for error in exc.errors:
                messages.error(request, error.detail)
        else:
            messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Write the note first (at most 5,000 characters)."))
    return redirect(case.get_absolute_url())


@login_required
@capability_required("case.assign")
@require_POST
def case_assign(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = selectors.access_case(actor=request.user, case_id=case_id, purpose="assign", via="web")
    if not selectors.can_assign(request.user, case):
        raise Http404
    form = AssignForm(request.POST, queryset=selectors.assignable_caseworkers(request.user, case))
    if form.is_valid():
        try:
            services.case_assign(actor=request.user, case=case, owner=form.cleaned_data["owner"])
        except services.CaseInvalid as exc:
            for error in exc.errors:
                messages.error(request, error.detail)
        else:
            messages.success(request, _("Case assigned."))
    else:
        messages.error(request, _("Choose a caseworker from the list."))
    return redirect(case.get_absolute_url())


@login_required
@capability_required("case.view")
def export_htcds(request: AuthedRequest) -> HttpResponseBase:
    """The cases in reach as HTCDS CSV. With `?identity=1`, for a role that may see
    identity, the names, birth date and phone are included after a re-authentication
    made in the last five minutes."""
    identity = request.GET.get("identity") == "1"
    if identity:
        if not htcds_export.may_include_identity(request.user):
            raise Http404
        if not recently_authenticated(request):
            return reauthenticate(request)
    rows = htcds_export.export_rows(request.user, identity=identity, via="web")
    return private_download(
        htcds_export.as_csv_lines(rows),
        content_type="text/csv",
        filename="safepath-cases-htcds.csv",
    )
