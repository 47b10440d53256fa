"""Attachments on the case page: upload (who may change the case) and download (who
may also see the person's identity). Both fetch the case through `access_case` and
answer 404 to whoever may not act on it; a download is audited and sent as an
attachment that is never cached nor sniffed."""

import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safepath.cases import attachment_events, attachment_selectors, attachment_services, selectors
from safepath.cases import attachment_files as files
from safepath.cases.attachment_forms import PREFIX, AttachmentForm
from safepath.cases.services import CaseInvalid
from safepath.core.decorators import capability_required
from safepath.core.downloads import private_download
from safepath.core.http import AuthedRequest

logger = logging.getLogger(__name__)


@login_required
@capability_required("case.change")
@require_POST
def attachment_upload(request: AuthedRequest, case_id: uuid.UUID) -> HttpResponse:
    case = selectors.access_case(
        actor=request.user, case_id=case_id, purpose="attachment", via="web"
    )
    if not attachment_selectors.can_upload(request.user, case):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES, prefix=PREFIX)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
        return redirect(case.get_absolute_url())
    upload = form.cleaned_data["file"]
    try:
        attachment_services.attachment_upload(
            actor=request.user, case=case, name=upload.name or "", data=upload.read()
        )
    except CaseInvalid as exc:
        for problem in exc.errors:
            messages.error(request, problem.detail)
    else:
        messages.success(request, _("Attachment added."))
    return redirect(case.get_absolute_url())


@login_required
@capability_required("person.view_identity")
@require_GET
def attachment_download(
    request: AuthedRequest, case_id: uuid.UUID, attachment_id: uuid.UUID
) -> HttpResponse:
    case = selectors.access_case(
        actor=request.user, case_id=case_id, purpose="attachment", via="web"
    )
    if not attachment_selectors.can_download(request.user, case):
        raise Http404
    attachment = attachment_selectors.access_attachment(case=case, attachment_id=attachment_id)
    try:
        data = files.read(attachment.stored_as)
    except FileNotFoundError as exc:
        logger.error("attachment %s has no file", attachment.public_id)
        raise Http404 from exc
    attachment_events.attachment_downloaded(actor=request.user, attachment=attachment, via="web")
    response = private_download(
        data,
        content_type=attachment.content_type,
        filename=attachment_services.download_name(attachment),
    )
    # A file from outside: even opened by mistake, it runs nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
