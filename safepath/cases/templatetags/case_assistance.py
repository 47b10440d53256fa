"""`{% case_assistance_summary case as assistance %}`: the assistance section of the
case page, computed here so that the case view needs no change for it."""

from typing import Any

from django import template

from safepath.accounts.models import User
from safepath.cases import assistance_selectors as selectors
from safepath.cases.models import Case

register = template.Library()
LATEST = 3


@register.simple_tag(takes_context=True)
def case_assistance_summary(context: template.Context, case: Case) -> dict[str, Any] | None:
    """The count and latest records of the case's assistance, and whether the user may
    record more; None when the user may not see the case's assistance."""
    user = context.get("user")
    if not isinstance(user, User) or not selectors.can_view_assistance(user, case):
        return None
    records = selectors.assistance_of_case(user, case)
    return {
        "count": records.count(),
        "latest": list(records[:LATEST]),
        "can_record": selectors.can_record_assistance(user, case) and not case.is_closed,
    }
