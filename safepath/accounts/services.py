"""Every write to organisations, teams, users and API tokens."""

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from safepath.accounts import events, policies
from safepath.accounts.models import ApiToken, Organisation, Team, User
from safepath.core.exceptions import NotAllowed

TOKEN_PREFIX = "sp_"  # noqa: S105 - a marker, not a secret


def _set_fields(obj: Any, data: Mapping[str, Any], allowed: tuple[str, ...]) -> list[str]:
    changed = []
    for field in allowed:
        # A new object's required relation is not set yet: reading it raises, so default to None.
        if field in data and getattr(obj, field, None) != data[field]:
            setattr(obj, field, data[field])
            changed.append(field)
    return changed


ORGANISATION_FIELDS = ("name", "code", "type", "is_active")
TEAM_FIELDS = ("organisation", "name", "voivodeship")
USER_FIELDS = ("first_name", "last_name", "email", "role", "organisation", "team", "language")


@transaction.atomic
def organisation_save(
    *, actor: User, data: Mapping[str, Any], organisation: Organisation | None = None
) -> Organisation:
    policies.require(actor, "organisation.manage")
    is_new = organisation is None
    organisation = organisation or Organisation()
    changed = _set_fields(organisation, data, ORGANISATION_FIELDS)
    organisation.save()
    events.admin_changed(
        actor=actor,
        obj=organisation,
        action="organisation.created" if is_new else "organisation.changed",
        fields=changed,
    )
    return organisation


@transaction.atomic
def team_save(*, actor: User, data: Mapping[str, Any], team: Team | None = None) -> Team:
    policies.require(actor, "organisation.manage")
    is_new = team is None
    team = team or Team()
    changed = _set_fields(team, data, TEAM_FIELDS)
    team.save()
    events.admin_changed(
        actor=actor, obj=team, action="team.created" if is_new else "team.changed", fields=changed
    )
    return team


@transaction.atomic
def user_create(*, actor: User, data: Mapping[str, Any], password: str) -> User:
    policies.require(actor, "user.manage")
    user = User(username=data["username"])
    changed = _set_fields(user, data, USER_FIELDS)
    user.set_password(password)
    user.save()
    events.admin_changed(actor=actor, obj=user, action="user.created", fields=changed)
    return user


# An administrator cannot give themselves another role or organisation: with it they
# could read the records that separation of duties keeps from them.
SELF_PROTECTED_FIELDS = frozenset({"role", "organisation", "team"})


@transaction.atomic
def user_update(*, actor: User, user: User, data: Mapping[str, Any]) -> User:
    policies.require(actor, "user.manage")
    if user.pk == actor.pk:
        touched = {f for f in SELF_PROTECTED_FIELDS if f in data and getattr(user, f) != data[f]}
        if touched:
            raise NotAllowed("user.manage.self")
    changed = _set_fields(user, data, USER_FIELDS)
    if changed:
        user.save()
        events.admin_changed(actor=actor, obj=user, action="user.changed", fields=changed)
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivation ends every session and token of the user at once."""
    policies.require(actor, "user.manage")
    if user.pk == actor.pk and not active:
        raise NotAllowed("user.manage.self")
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        _end_sessions(user)
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        events.token_revoked(actor=actor, user=user, count=revoked)
    events.admin_changed(
        actor=actor,
        obj=user,
        action="user.activated" if active else "user.deactivated",
        fields=["is_active"],
    )
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    """An administrator's reset: the old sessions and tokens end with the old password."""
    policies.require(actor, "user.manage")
    user.set_password(password)
    user.save(update_fields=["password"])
    _end_sessions(user)
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    events.token_revoked(actor=actor, user=user, count=revoked)
    events.admin_changed(actor=actor, obj=user, action="user.password_set", fields=["password"])
    return user


def _end_sessions(user: User) -> None:
    # Deactivation is rare, so decoding live sessions is affordable; it avoids
    # keeping a second table of who holds which session.
    user_key = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_key:
            session.delete()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def token_issue(*, user: User) -> tuple[str, ApiToken]:
    """A new bearer token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash_token(raw),
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 6],
        expires_at=timezone.now() + settings.SAFEPATH_TOKEN_LIFETIME,
    )
    events.token_issued(user=user, prefix=token.prefix)
    return raw, token


def token_user(raw: str) -> User | None:
    """The active user a usable token belongs to, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(key_hash=_hash_token(raw))
        .first()
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def token_revoke(*, actor: User, raw: str) -> bool:
    updated = ApiToken.objects.filter(
        key_hash=_hash_token(raw), user=actor, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    events.token_revoked(actor=actor, user=actor, count=updated)
    return updated > 0


@transaction.atomic
def tokens_revoke_all(*, actor: User, user: User) -> int:
    if actor.pk != user.pk:
        policies.require(actor, "user.manage")
    updated = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    events.token_revoked(actor=actor, user=user, count=updated)
    return updated


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    if language != user.language:
        user.language = language
        user.save(update_fields=["language"])
