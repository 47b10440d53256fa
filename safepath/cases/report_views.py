"""Report-to-law-enforcement pages. Thin: fetch through access_case / access_report,
validate, call one service, render. Every transition is a POST; the PDF is a GET that
needs a re-authentication made within the last five minutes."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseFormSet, Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safepath.accounts import policies
from safepath.accounts.reauthentication import reauthenticate, recently_authenticated
from safepath.cases import report_selectors as selectors
from safepath.cases import report_services as services
from safepath.cases.models import Case, LawEnforcementReport
from safepath.cases.models.reports import LOCKED_STATUSES, ReportStatus
from safepath.cases.report_forms import (
    AcknowledgeForm,
    OutcomeForm,
    PerpetratorFormSet,
    PlaceFormSet,
    RejectForm,
    ReportForm,
    SendForm,
)
from safepath.cases.report_pdf import attachment
from safepath.cases.selectors import access_case
from safepath.core.decorators import capability_required
from safepath.core.exceptions import ConflictError, NotAllowed
from safepath.core.http import AuthedRequest

PDF_LANGUAGES = (("pl", "Polski"), ("en", "English"))


def _content(
    form: ReportForm, places: BaseFormSet[Any], perpetrators: BaseFormSet[Any]
) -> services.ReportContent:
    data = form.cleaned_data
    return services.ReportContent(
        facts=data["facts"],
        indicators=data.get("indicators", []),
        legal_ground=data["legal_ground"],
        legal_ground_reason=data["legal_ground_reason"],
        places=[
            services.PlaceIn(
                place=row["place"],
                country=row["country"],
                voivodeship=row["voivodeship"],
                date=row["date"],
                what_happened=row["what_happened"],
            )
            for row in places.cleaned_data
            if row and any(row.values())
        ],
        perpetrators=[
            services.PerpetratorIn(role=row["role"], description=row["description"])
            for row in perpetrators.cleaned_data
            if row and any(row.values())
        ],
    )


def _initial(report: LawEnforcementReport) -> dict[str, Any]:
    return {
        "version": report.version,
        "facts": report.facts,
        "indicators": list(report.indicators),
        "legal_ground": report.legal_ground,
        "legal_ground_reason": report.legal_ground_reason,
    }


def _forms(
    request: AuthedRequest, case: Case, report: LawEnforcementReport | None
) -> tuple[ReportForm, BaseFormSet[Any], BaseFormSet[Any]]:
    data = request.POST if request.method == "POST" else None
    indicators = selectors.screening_indicators(case)
    form = ReportForm(
        data,
        initial=_initial(report) if report else {"indicators": [c for c, _l in indicators]},
        indicators=indicators,
    )
    places = PlaceFormSet(
        data,
        prefix="places",
        initial=[
            {
                "place": p.place,
                "country": p.country,
                "voivodeship": p.voivodeship,
                "date": p.date,
                "what_happened": p.what_happened,
            }
            for p in report.places.all()
        ]
        if report
        else None,
    )
    perpetrators = PerpetratorFormSet(
        data,
        prefix="perpetrators",
        initial=[{"role": p.role, "description": p.description} for p in report.perpetrators.all()]
        if report
        else None,
    )
    return form, places, perpetrators


def _errors_to_form(form: Form, exc: services.ReportInvalid) -> None:
    for error in exc.errors:
        form.add_error(error.field if error.field in form.fields else None, error.detail)


def _render_form(
    request: AuthedRequest,
    case: Case,
    report: LawEnforcementReport | None,
    forms: tuple[ReportForm, BaseFormSet[Any], BaseFormSet[Any]],
    status: int = 200,
) -> HttpResponse:
    form, places, perpetrators = forms
    return render(
        request,
        "cases/reports/report_form.html",
        {
            "case": case,
            "report": report,
            "form": form,
            "places": places,
            "perpetrators": perpetrators,
        },
        status=status,
    )


@login_required
@capability_required("report.prepare")
@require_http_methods(["GET", "POST"])
def report_create(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access_case(actor=request.user, case_id=case_id, purpose="report", via="web")
    if not selectors.can_prepare(request.user, case):
        raise Http404
    forms = _forms(request, case, None)
    form, places, perpetrators = forms
    if request.method == "POST" and all(f.is_valid() for f in forms):
        try:
            report = services.report_create(
                actor=request.user, case=case, content=_content(form, places, perpetrators)
            )
        except services.ReportInvalid as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Draft report saved."))
            return redirect(report.get_absolute_url())
    return _render_form(request, case, None, forms)


@login_required
@capability_required("report.prepare")
@require_http_methods(["GET", "POST"])
def report_edit(request: AuthedRequest, report_id: uuid.UUID) -> HttpResponse:
    report = selectors.access_report(
        actor=request.user, report_id=report_id, purpose="edit", via="web"
    )
    if not selectors.can_prepare(request.user, report.case):
        raise Http404
    if report.status != ReportStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect(report.get_absolute_url())
    forms = _forms(request, report.case, report)
    form, places, perpetrators = forms
    if request.method == "POST" and all(f.is_valid() for f in forms):
        try:
            services.report_update(
                actor=request.user,
                report=report,
                content=_content(form, places, perpetrators),
                expected_version=form.cleaned_data["version"] or 0,
            )
        except ConflictError as exc:
            form.add_error(
                None,
                _(
                    "Someone else changed this report while you were editing it (it is at "
                    "version %(version)d now). Nothing was saved: keep a copy of your text, "
                    "open the report again and reapply your changes."
                )
                % {"version": exc.current_version},
            )
            return _render_form(request, report.case, report, forms, status=409)
        except services.ReportInvalid as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(report.get_absolute_url())
    return _render_form(request, report.case, report, forms)


@login_required
@capability_required("report.view")
@require_GET
def report_detail(request: AuthedRequest, report_id: uuid.UUID) -> HttpResponse:
    report = selectors.access_report(
        actor=request.user, report_id=report_id, purpose="case_work", via="web"
    )
    case = report.case
    can_prepare = selectors.can_prepare(request.user, case)
    basis = selectors.identity_basis(report)
    return render(
        request,
        "cases/reports/report_detail.html",
        {
            "report": report,
            "case": case,
            "show_text": policies.in_scope(request.user, "person.view_identity", case.person),
            "indicators": selectors.report_indicators(report),
            "places": report.places.all(),
            "perpetrators": report.perpetrators.all(),
            "basis": basis,
            "can_prepare": can_prepare,
            "can_approve": selectors.can_approve(request.user, report),
            "reject_form": RejectForm(),
            "send_form": SendForm(),
            "acknowledge_form": AcknowledgeForm(),
            "outcome_form": OutcomeForm(),
            "pdf_ready": report.status in LOCKED_STATUSES,
            "pdf_languages": PDF_LANGUAGES,
            "statuses": ReportStatus,
        },
    )


def _transition(
    request: AuthedRequest,
    report_id: uuid.UUID,
    *,
    purpose: str,
    done: str,
    act: Callable[[LawEnforcementReport], object],
    form: Form | None = None,
) -> HttpResponse:
    """The shared body of the transition POSTs: reach the report (404 otherwise), check
    the form, call the service, say what happened, go back to the report."""
    report = selectors.access_report(
        actor=request.user, report_id=report_id, purpose=purpose, via="web"
    )
    if form is not None and not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in errors:
                messages.error(request, f"{label}: {message}" if label else str(message))
        return redirect(report.get_absolute_url())
    try:
        act(report)
    except NotAllowed as exc:
        raise Http404 from exc
    except services.ReportInvalid as exc:
        for error in exc.errors:
            messages.error(request, error.detail)
    else:
        messages.success(request, done)
    return redirect(report.get_absolute_url())


@login_required
@capability_required("report.prepare")
@require_POST
def report_submit(request: AuthedRequest, report_id: uuid.UUID) -> HttpResponse:
    return _transition(
        request,
        report_id,
        purpose="submit",
        done=_("Sent to a supervisor for approval."),
        act=lambda report: services.report_submit(actor=request.user, report=report),
    )


@login_required
@capability_required("report.approve")
@require_POST
def report_approve(request: AuthedRequest, report_id: uuid.UUID) -> HttpResponse:
    return _transition(
        request,
        report_id,
        purpose="approve",
        done=_("Report approved."),
        act=lambda report: services.report_approve(actor=request.user, report=report),
    )


@login_required
@capability_required("report.approve")
@require_POST
def report_reject(request: AuthedRequest, report_id: uuid.UUID) -> HttpResponse:
    form = RejectForm(request.POST)
    return _transition(
        request,
        report_id,
        purpose="approve",
        done=_("Report returned to its author as a draft."),
        act=lambda report: services.report_reject(
            actor=request.user, report=report, comment=form.cleaned_data["comment"]
        ),
        form=form,
    )


@login_required
@capability_required("report.prepare")
@require_POST
def report_send(request: AuthedRequest, report_id: uuid.UUID) -> HttpResponse:
    form = SendForm(request.POST)
    return _transition(
        request,
        report_id,
        purpose="send",
        done=_("Sending recorded."),
        act=lambda report: services.report_send(
            actor=request.user,
            report=report,
            unit=form.cleaned_data["unit"],
            channel=form.cleaned_data["channel"],
            sent_on=form.cleaned_data["sent_on"],
        ),
        form=form,
    )


@login_required
@capability_required("report.prepare")
@require_POST
def report_acknowledge(request: AuthedRequest, report_id: uuid.UUID) -> HttpResponse:
    form = AcknowledgeForm(request.POST)
    return _transition(
        request,
        report_id,
        purpose="follow_up",
        done=_("Acknowledgement recorded."),
        act=lambda report: services.report_acknowledge(
            actor=request.user,
            report=report,
            acknowledged_on=form.cleaned_data["acknowledged_on"],
            reference=form.cleaned_data["reference"],
        ),
        form=form,
    )


@login_required
@capability_required("report.prepare")
@require_POST
def report_outcome(request: AuthedRequest, report_id: uuid.UUID) -> HttpResponse:
    form = OutcomeForm(request.POST)
    return _transition(
        request,
        report_id,
        purpose="follow_up",
        done=_("Outcome recorded."),
        act=lambda report: services.report_record_outcome(
            actor=request.user,
            report=report,
            outcome=form.cleaned_data["outcome"],
            outcome_on=form.cleaned_data["outcome_on"],
        ),
        form=form,
    )


@login_required
@capability_required("report.view")
@require_GET
def report_pdf(request: AuthedRequest, report_id: uuid.UUID) -> HttpResponse:
    """The PDF, as an attachment never cached. The report is found without writing a
    read event: a request sent to re-authenticate first has read nothing; generating the
    PDF writes its own event."""
    report = selectors.find_report(actor=request.user, report_id=report_id)
    language = request.GET.get("language", "")
    if language not in services.PDF_LANGUAGES:
        messages.error(request, _("Choose Polish or English for the PDF."))
        return redirect(report.get_absolute_url())
    if report.status not in LOCKED_STATUSES:
        messages.error(request, _("The PDF is made once the report is approved."))
        return redirect(report.get_absolute_url())
    if not recently_authenticated(request):
        return reauthenticate(request)
    try:
        pdf = services.report_generate_pdf(
            actor=request.user, report=report, language=language, recently_authenticated=True
        )
    except NotAllowed as exc:
        raise Http404 from exc
    return attachment(pdf, report, language)
