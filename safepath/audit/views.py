"""The audit browser for administrators."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from safepath.accounts import policies
from safepath.audit.forms import AuditFilterForm
from safepath.audit.selectors import audit_events
from safepath.core.http import AuthedRequest


@login_required
def event_list(request: AuthedRequest) -> HttpResponse:
    if not policies.can(request.user, "audit.view"):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events(request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
