"""Statistics exports pages: ask for a standard export (CTDC, codebook v2 columns, HXL,
trends report), follow it, download it. Everything needs `insights.export`; the worker
makes the file; an export is only its owner's (404 to anyone else). A refused or invalid
request writes nothing."""

import json
import uuid
from typing import Final

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from safepath.core.decorators import capability_required
from safepath.core.downloads import private_download
from safepath.core.exceptions import NotAllowed
from safepath.core.http import AuthedRequest
from safepath.insights import export_selectors, export_services
from safepath.insights.export_forms import StatisticsExportForm
from safepath.insights.models.exports import StatisticsExportKind

# While the worker is busy, the page reloads itself this often (no script needed).
REFRESH_SECONDS: Final = 3
LIST_SIZE: Final = 50
CONTENT_TYPES: Final = {
    StatisticsExportKind.CTDC_GLOBAL: ("text/csv; charset=utf-8", "safepath-ctdc-{id}.csv"),
    StatisticsExportKind.CTDC_SYNTHETIC_V2: (
        "text/csv; charset=utf-8",
        "safepath-ctdc-codebook-v2-{id}.csv",
    ),
    StatisticsExportKind.HXL_WEEKLY: ("text/csv; charset=utf-8", "safepath-hxl-weekly-{id}.csv"),
    StatisticsExportKind.TRENDS_PDF: ("application/pdf", "safepath-trends-{id}.pdf"),
}


@login_required
@capability_required("insights.export")
@require_http_methods(["GET", "POST"])
def export_list(request: AuthedRequest) -> HttpResponseBase:
    form = StatisticsExportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                export = export_services.export_request(
                    actor=request.user, language=get_language(), **form.request_arguments()
                )
            except NotAllowed as exc:
                raise Http404 from exc
            except export_services.InvalidParameters as exc:  # checked again: a race
                form.add_error(None, str(exc))
            else:
                return redirect(export.get_absolute_url())
        status = 400
    exports = list(export_selectors.my_exports(request.user)[:LIST_SIZE])
    working = request.method == "GET" and any(export.working for export in exports)
    return render(
        request,
        "insights/exports.html",
        {"form": form, "exports": exports, "refresh": REFRESH_SECONDS if working else None},
        status=status,
    )


@login_required
@capability_required("insights.export")
@require_GET
def export_detail(request: AuthedRequest, export_id: uuid.UUID) -> HttpResponse:
    export = export_selectors.access_export(actor=request.user, export_id=export_id)
    return render(
        request,
        "insights/export.html",
        {
            "export": export,
            "downloadable": export_selectors.downloadable(request.user, export),
            "refresh": REFRESH_SECONDS if export.working else None,
            "report": export.report,
            "report_json": json.dumps(export.report, indent=2, sort_keys=True),
        },
    )


@login_required
@capability_required("insights.export")
@require_GET
def export_download(request: AuthedRequest, export_id: uuid.UUID) -> HttpResponseBase:
    export = export_selectors.access_export(actor=request.user, export_id=export_id)
    data = export_services.export_download(actor=request.user, export=export)
    content_type, name = CONTENT_TYPES[StatisticsExportKind(export.kind)]
    return private_download(
        data, content_type=content_type, filename=name.format(id=export.public_id)
    )
