"""Reading attachments. The case comes first, through `selectors.access_case`; an
attachment is then found only among that case's own."""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases.models import Case
from safepath.cases.models.attachments import CaseAttachment
from safepath.cases.services import OWNER


def attachments_of(case: Case) -> QuerySet[CaseAttachment]:
    return case.attachments.select_related("uploaded_by")


def can_upload(actor: User, case: Case) -> bool:
    """In the case's `case.change` scope (an anonymised case still refuses, in the
    service, with a message)."""
    return policies.in_scope(actor, "case.change", case, **OWNER)


def can_download(actor: User, case: Case) -> bool:
    """Attachments may identify the person: opening them, and reading their names,
    needs the right to see the person's identity."""
    return policies.in_scope(actor, "person.view_identity", case.person)


def access_attachment(*, case: Case, attachment_id: uuid.UUID | str) -> CaseAttachment:
    try:
        key = uuid.UUID(str(attachment_id))
    except ValueError as exc:
        raise Http404 from exc
    attachment = attachments_of(case).filter(public_id=key).first()
    if attachment is None:
        raise Http404
    return attachment
