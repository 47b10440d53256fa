"""Every read of screenings goes through here; `access_screening` is the one door."""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.screening import events
from safepath.screening.models import ImportJob, Screening, ScreeningDraft


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


def drafts_of(actor: User) -> QuerySet[ScreeningDraft]:
    """The actor's own drafts: a draft is seen by its author only."""
    if not policies.can(actor, "screening.create"):
        return ScreeningDraft.objects.none()
    return ScreeningDraft.objects.filter(created_by=actor).select_related("person")


def access_draft(*, actor: User, draft_id: uuid.UUID | str) -> ScreeningDraft:
    """The actor's own draft; anyone else's, or none, is 404."""
    try:
        key = uuid.UUID(str(draft_id))
    except ValueError as exc:
        raise Http404 from exc
    draft = drafts_of(actor).filter(public_id=key).first()
    if draft is None:
        raise Http404
    return draft


def visible_import_jobs(actor: User) -> QuerySet[ImportJob]:
    return policies.scoped(actor, "screening.import", ImportJob.objects.all()).select_related(
        "created_by"
    )


def access_import_job(*, actor: User, job_id: uuid.UUID | str) -> ImportJob:
    """The import, if `actor` may see it; otherwise 404, as if it did not exist."""
    try:
        key = uuid.UUID(str(job_id))
    except ValueError as exc:
        raise Http404 from exc
    job = visible_import_jobs(actor).filter(public_id=key).first()
    if job is None:
        raise Http404
    return job
