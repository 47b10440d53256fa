"""Every read of screenings goes through here; `access_screening` is the one door."""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.screening import events
from safepath.screening.models import Screening


def visible_screenings(actor: User) -> QuerySet[Screening]:
    return policies.scoped(actor, "screening.view", Screening.objects.all()).select_related(
        "organisation", "team", "person", "consent"
    )


def access_screening(
    *, actor: User, screening_id: uuid.UUID | str, purpose: str, via: str
) -> Screening:
    """The screening, if `actor` may see it; otherwise 404, as if it did not exist."""
    try:
        key = uuid.UUID(str(screening_id))
    except ValueError as exc:
        raise Http404 from exc
    screening = visible_screenings(actor).filter(public_id=key).first()
    if screening is None:
        raise Http404
    events.screening_viewed(actor=actor, screening=screening, purpose=purpose, via=via)
    return screening
