"""Who hears of a referral's step, and the link they get: the receivers (the partner
focal points of the recipient organisation), the supervisors who may approve a legal
ground, the sender. Each is told through `safepath.referrals.notifications.notify`: a
link, never personal data. The actor is never told of their own step.
"""

from collections.abc import Iterable
from typing import Final

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.referrals import selectors
from safepath.referrals.models import Referral
from safepath.referrals.notifications import notify

LANGUAGE_CODES: Final = tuple(code for code, _name in settings.LANGUAGES)


def referral_url(referral: Referral, language: str | None = None) -> str:
    """The referral's page in the web app, in `language` (a path: no host, no personal
    data). Notifications use the reader's language, so the link opens in it."""
    language = language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            return reverse("referrals:detail", args=[referral.public_id])
        except NoReverseMatch:  # the pages are not mounted (yet): the same path by hand
            return f"/{language}/app/referrals/{referral.public_id}/"


def _receiving_roles() -> list[str]:
    return [role for role, caps in policies.CAPABILITIES.items() if "referral.receive" in caps]


def receivers_of(referral: Referral) -> list[User]:
    if referral.to_organisation_id is None:
        return []
    return list(
        User.objects.filter(
            organisation_id=referral.to_organisation_id,
            is_active=True,
            role__in=_receiving_roles(),
        ).order_by("pk")
    )


def approvers_of(referral: Referral) -> list[User]:
    roles = [
        role
        for role, caps in policies.CAPABILITIES.items()
        if "referral.approve_legal_ground" in caps
    ]
    users = User.objects.filter(
        organisation_id=referral.organisation_id, is_active=True, role__in=roles
    ).exclude(pk=referral.created_by_id)
    return [user for user in users.order_by("pk") if selectors.can_approve(user, referral)]


def sender_of(referral: Referral) -> list[User]:
    return [User.objects.get(pk=referral.created_by_id)]


def notify_users(actor: User | None, referral: Referral, users: Iterable[User], kind: str) -> None:
    """Tell each user (not the actor) about `kind`, linking to the referral."""
    detail = {"referral": str(referral.public_id), "status": referral.status}
    for user in users:
        if actor is not None and user.pk == actor.pk:
            continue
        notify(user=user, kind=kind, url=referral_url(referral, user.language), detail=detail)
