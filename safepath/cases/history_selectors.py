"""Reading the case's history. The case comes first, through `selectors.access_case`;
an event or a perpetrator is then found only among that case's own."""

import uuid

from django.db.models import Model, QuerySet
from django.http import Http404

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases.models import Case
from safepath.cases.models.history import CasePerpetrator, TraffickingEvent


def events_of(case: Case) -> QuerySet[TraffickingEvent]:
    return TraffickingEvent.objects.filter(case=case).select_related("case")


def perpetrators_of(case: Case) -> QuerySet[CasePerpetrator]:
    return CasePerpetrator.objects.filter(case=case).select_related("case")


def show_details(actor: User, case: Case) -> bool:
    """Places, names and descriptions may identify the person or others: shown only
    to roles that may see the person's identity."""
    return policies.in_scope(actor, "person.view_identity", case.person)


def _one[M: Model](queryset: QuerySet[M], row_id: uuid.UUID | str) -> M:
    try:
        key = uuid.UUID(str(row_id))
    except ValueError as exc:
        raise Http404 from exc
    row = queryset.filter(public_id=key).first()
    if row is None:
        raise Http404
    return row


def access_event(*, case: Case, event_id: uuid.UUID | str) -> TraffickingEvent:
    return _one(events_of(case), event_id)


def access_perpetrator(*, case: Case, perpetrator_id: uuid.UUID | str) -> CasePerpetrator:
    return _one(perpetrators_of(case), perpetrator_id)
