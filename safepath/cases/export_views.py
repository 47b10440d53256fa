"""Exports pages: ask for a caseload export or a case's PDF, follow its progress,
download it. The worker makes the file; an export is only its owner's (404 to anyone
else). Identity leaves only after a password check made in the last five minutes."""

import uuid
from typing import Final

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST

from safepath.accounts import policies
from safepath.accounts.reauthentication import reauthenticate, recently_authenticated
from safepath.cases import export_selectors, export_services, selectors
from safepath.cases.export_forms import CaseloadExportForm
from safepath.cases.models import CaseExport, ExportKind
from safepath.core.decorators import capability_required
from safepath.core.downloads import private_download
from safepath.core.exceptions import NotAllowed
from safepath.core.http import AuthedRequest

# While the worker is busy, the page reloads itself this often (no script needed).
REFRESH_SECONDS: Final = 3
CONTENT_TYPES: Final = {
    ExportKind.CASELOAD_CSV: ("text/csv; charset=utf-8", "safepath-caseload-{id}.csv"),
    ExportKind.CASELOAD_XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "safepath-caseload-{id}.xlsx",
    ),
    ExportKind.CASE_PDF: ("application/pdf", "safepath-case-summary-{id}.pdf"),
}


@login_required
@capability_required("case.view")
@require_http_methods(["GET", "POST"])
def export_list(request: AuthedRequest) -> HttpResponseBase:
    allow_identity = export_services.may_include_identity(request.user)
    form = CaseloadExportForm(request.POST or None, allow_identity=allow_identity)
    if request.method == "POST" and form.is_valid():
        if form.wants_identity and not recently_authenticated(request):
            return reauthenticate(request, reverse("cases:exports"))
        try:
            export = export_services.caseload_export_request(
                actor=request.user,
                kind=form.kind,
                status=form.cleaned_data["status"],
                identity=form.wants_identity,
                language=get_language(),
            )
        except NotAllowed as exc:
            raise Http404 from exc
        return redirect(export.get_absolute_url())
    exports = list(export_selectors.my_exports(request.user)[:50])
    working = request.method == "GET" and any(export.working for export in exports)
    return render(
        request,
        "cases/exports/export_list.html",
        {"form": form, "exports": exports, "refresh": REFRESH_SECONDS if working else None},
    )


@login_required
@capability_required("case.view")
def export_detail(request: AuthedRequest, export_id: uuid.UUID) -> HttpResponse:
    export = export_selectors.access_export(actor=request.user, export_id=export_id)
    return render(
        request,
        "cases/exports/export_detail.html",
        {
            "export": export,
            "downloadable": export_selectors.downloadable(request.user, export),
            "refresh": REFRESH_SECONDS if export.working else None,
        },
    )


@login_required
@capability_required("case.view")
def export_download(request: AuthedRequest, export_id: uuid.UUID) -> HttpResponseBase:
    export = export_selectors.access_export(actor=request.user, export_id=export_id)
    # Identity leaves when the file is downloaded, perhaps days after it was asked for:
    # the password is checked again then too.
    if export.identity and not recently_authenticated(request):
        return reauthenticate(request, reverse("cases:export_detail", args=[export.public_id]))
    data = export_services.export_download(actor=request.user, export=export)
    return attachment(data, export)


def attachment(data: bytes, export: CaseExport) -> HttpResponse:
    """The file as a download (never shown inline) that no cache keeps, named by the
    export's id only."""
    content_type, name = CONTENT_TYPES[ExportKind(export.kind)]
    return private_download(
        data, content_type=content_type, filename=name.format(id=export.public_id)
    )


@login_required
@capability_required("case.view")
@require_POST
def case_pdf(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponseBase:
    """Ask for the case's summary PDF (`identity=1` for name and date of birth)."""
    # Out of reach, or identity the role may not see, is 404 before anything is
    # written; the re-authentication redirect writes nothing either. The read is audited
    # (access_case) only when the export is really asked for.
    reached = selectors.visible_cases(request.user).filter(public_id=case_id).first()
    identity = request.POST.get("identity") == "1"
    if reached is None or (
        identity and not policies.in_scope(request.user, "person.view_identity", reached.person)
    ):
        raise Http404
    if identity and not recently_authenticated(request):
        return reauthenticate(request, reverse("cases:detail", args=[case_id]))
    case = selectors.access_case(actor=request.user, case_id=case_id, purpose="export", via="web")
    try:
        export = export_services.case_pdf_request(
            actor=request.user, case=case, identity=identity, language=get_language()
        )
    except NotAllowed as exc:
        raise Http404 from exc
    return redirect(export.get_absolute_url())
