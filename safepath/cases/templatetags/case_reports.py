"""`{% law_enforcement_reports case as le %}`: the case page's reports section, without
a change to the case view. Reads through the report selectors, so it shows only what
the signed-in user may see (nothing at all without `report.view`)."""

from typing import Any

from django import template

from safepath.accounts import policies
from safepath.cases import report_selectors
from safepath.cases.models import Case

register = template.Library()


@register.simple_tag(takes_context=True)
def law_enforcement_reports(context: dict[str, Any], case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not policies.can(user, "report.view"):
        return {"visible": False, "reports": [], "can_prepare": False}
    return {
        "visible": True,
        "reports": list(report_selectors.reports_of_case(user, case)),
        "can_prepare": report_selectors.can_prepare(user, case),
    }
