"""The audit browser for administrators."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from safepath.audit.events import record
from safepath.audit.forms import AuditFilterForm
from safepath.audit.selectors import audit_events
from safepath.core.decorators import capability_required
from safepath.core.http import AuthedRequest


@login_required
@capability_required("audit.view")
def event_list(request: AuthedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    used = {k: v for k, v in filters.items() if v}
    events = audit_events(request.user, **used)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
    # Reading the trail is itself recorded (after rendering, so the page shows the trail
    # as it was); filter names only, never their values.
    record(actor=request.user, action="audit.viewed", detail={"filters": sorted(used)})
    return response
