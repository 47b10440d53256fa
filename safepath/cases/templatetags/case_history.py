"""`{% case_history case as history %}`: the case page's "History of trafficking"
section (events and perpetrators), without a change to the case view. Whoever sees the
case sees the codes (kind, country, date, role, sex, nationality); places, names and
descriptions only whoever may see the person's identity; the links to the forms
(pages of their own: a country list is 250 options) only whoever may change the case."""

from typing import Any

from django import template

from safepath.cases import history_selectors, selectors
from safepath.cases.models import Case

register = template.Library()


@register.simple_tag(takes_context=True)
def case_history(context: dict[str, Any], case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"visible": False}
    may_change = selectors.can_change(user, case)
    return {
        "visible": True,
        "events": list(history_selectors.events_of(case)),
        "perpetrators": list(history_selectors.perpetrators_of(case)),
        "show_details": history_selectors.show_details(user, case),
        "can_change": may_change,
    }
