"""`{% case_erasure case as erasure %}`: the case page's "Personal data" section
(anonymisation and erasure requests), without a change to the case view. It shows the
requests only to who may ask for or decide on them, and their text only to roles that
may see identity."""

from typing import Any

from django import template

from safepath.accounts import policies
from safepath.cases import retention_selectors
from safepath.cases.models import Case
from safepath.cases.models.retention import ErasureStatus
from safepath.cases.retention_forms import DECISION_PREFIX, REQUEST_PREFIX, ErasureRequestForm
from safepath.cases.workflow_forms import DecisionForm

register = template.Library()


@register.simple_tag(takes_context=True)
def case_erasure(context: dict[str, Any], case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"visible": False, "anonymised_at": case.anonymised_at}
    can_request = retention_selectors.can_request_erasure(user, case)
    can_decide = retention_selectors.can_decide_erasure(user, case)
    if not (can_request or can_decide):
        return {"visible": False, "anonymised_at": case.anonymised_at}
    requests = list(retention_selectors.erasure_requests_of(case))
    pending = next((r for r in requests if r.status == ErasureStatus.PENDING), None)
    return {
        "visible": True,
        "anonymised_at": case.anonymised_at,
        "requests": requests,
        "show_identity": policies.in_scope(user, "person.view_identity", case.person),
        "request_form": ErasureRequestForm(prefix=REQUEST_PREFIX)
        if can_request and pending is None and not retention_selectors.nothing_left_to_erase(case)
        else None,
        "decision_form": DecisionForm(prefix=DECISION_PREFIX)
        if can_decide and pending is not None and pending.requested_by_id != user.pk
        else None,
    }
