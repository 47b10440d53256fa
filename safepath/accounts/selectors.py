"""Reads for the administration pages. Only holders of the capability see anything."""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from safepath.accounts import policies
from safepath.accounts.models import Organisation, Team, User


def organisations_for(actor: User) -> QuerySet[Organisation]:
    if not policies.can(actor, "organisation.manage"):
        return Organisation.objects.none()
    return Organisation.objects.prefetch_related("teams")


def users_for(actor: User) -> QuerySet[User]:
    if not policies.can(actor, "user.manage"):
        return User.objects.none()
    return User.objects.select_related("organisation", "team").order_by("username")


def access_organisation(*, actor: User, organisation_id: uuid.UUID) -> Organisation:
    found = organisations_for(actor).filter(public_id=organisation_id).first()
    if found is None:
        raise Http404
    return found


def access_team(*, actor: User, team_id: uuid.UUID) -> Team:
    if not policies.can(actor, "organisation.manage"):
        raise Http404
    found = Team.objects.select_related("organisation").filter(public_id=team_id).first()
    if found is None:
        raise Http404
    return found


def access_user(*, actor: User, user_id: uuid.UUID) -> User:
    found = users_for(actor).filter(public_id=user_id).first()
    if found is None:
        raise Http404
    return found
