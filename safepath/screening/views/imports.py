"""Importing offline submissions in the web app (supervisors): upload, see the check,
confirm, follow the progress. The work runs on the background worker."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from safepath.core.decorators import capability_required
from safepath.core.exceptions import NotAllowed
from safepath.core.http import AuthedRequest
from safepath.screening import import_files, import_jobs, selectors
from safepath.screening.models import ImportJob

# While the worker is busy, the page reloads itself this often (no script needed).
REFRESH_SECONDS = 3


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_lazy("Export of the screening form"),
        help_text=_lazy(
            "KoboToolbox: JSON or CSV (XML values and headers). ODK Central: the CSV of "
            "the submissions."
        ),
    )


@login_required
@capability_required("screening.import")
@require_http_methods(["GET", "POST"])
def import_list(request: AuthedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_jobs.import_job_create(actor=request.user, name=upload.name, stream=upload)
        except import_jobs.UploadRefused as exc:
            form.add_error("file", str(exc))
        except NotAllowed as exc:
            raise Http404 from exc
        else:
            return redirect("screening:import_detail", job_id=job.public_id)
    return render(
        request,
        "screening/import_list.html",
        {"form": form, "jobs": selectors.visible_import_jobs(request.user)[:50]},
    )


@login_required
@capability_required("screening.import")
def import_detail(request: AuthedRequest, job_id: uuid.UUID) -> HttpResponse:
    job = selectors.access_import_job(actor=request.user, job_id=job_id)
    progress = import_files.read_progress(job) if job.status == ImportJob.Status.IMPORTING else None
    return render(
        request,
        "screening/import_detail.html",
        {
            "job": job,
            "progress": progress,
            "refresh": REFRESH_SECONDS if job.working else None,
            "more_problems": job.problem_count - len(job.problems),
        },
    )


@login_required
@capability_required("screening.import")
@require_POST
def import_confirm(request: AuthedRequest, job_id: uuid.UUID) -> HttpResponse:
    job = selectors.access_import_job(actor=request.user, job_id=job_id)
    try:
        import_jobs.import_job_confirm(actor=request.user, job=job)
    except import_jobs.UploadRefused as exc:
        messages.error(request, str(exc))
    return redirect("screening:import_detail", job_id=job.public_id)


@login_required
@capability_required("screening.import")
@require_POST
def import_cancel(request: AuthedRequest, job_id: uuid.UUID) -> HttpResponse:
    job = selectors.access_import_job(actor=request.user, job_id=job_id)
    try:
        import_jobs.import_job_cancel(actor=request.user, job=job)
    except import_jobs.UploadRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Import cancelled. The uploaded file was deleted."))
    return redirect("screening:import_detail", job_id=job.public_id)
