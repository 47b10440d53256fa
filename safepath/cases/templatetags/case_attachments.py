"""`{% case_attachments case as attachments %}`: the case page's "Attachments" section,
without a change to the case view. Whoever sees the case sees that it has attachments
(type, size, date); their names and the download links only whoever may see the
person's identity; the upload form only whoever may change the case."""

from typing import Any

from django import template

from safepath.cases import attachment_selectors
from safepath.cases.attachment_forms import PREFIX, AttachmentForm
from safepath.cases.models import Case

register = template.Library()


@register.simple_tag(takes_context=True)
def case_attachments(context: dict[str, Any], case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"visible": False}
    may_upload = case.anonymised_at is None and attachment_selectors.can_upload(user, case)
    return {
        "visible": True,
        "items": list(attachment_selectors.attachments_of(case)),
        "show_names": attachment_selectors.can_download(user, case),
        "form": AttachmentForm(prefix=PREFIX) if may_upload else None,
    }
