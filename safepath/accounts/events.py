"""Audit events about accounts: logins, MFA changes, administration."""

from typing import TYPE_CHECKING

from safepath.audit.events import record

if TYPE_CHECKING:
    from django.db.models import Model

    from safepath.accounts.models import User


def login_succeeded(*, user: "User", via: str) -> None:
    record(actor=user, action="auth.login", detail={"via": via})


def login_failed(*, known_user: "User | None", via: str) -> None:
    # The typed username is kept only when it names a real account: people
    # sometimes type their password into the username box.
    record(
        actor=None,
        action="auth.login_failed",
        outcome="failure",
        username=known_user.get_username() if known_user else "",
        object_type="user" if known_user else "",
        object_id=str(known_user.public_id) if known_user else "",
        detail={"via": via},
    )


def logged_out(*, user: "User") -> None:
    record(actor=user, action="auth.logout")


def session_expired(*, user: "User", reason: str) -> None:
    record(actor=user, action="auth.session_expired", detail={"reason": reason})


def mfa_changed(*, user: "User", method: str, change: str) -> None:
    record(
        actor=user,
        action=f"mfa.{change}",
        object_type="user",
        object_id=str(user.public_id),
        detail={"method": method},
    )


def token_issued(*, user: "User", prefix: str) -> None:
    record(actor=user, action="token.issued", detail={"token_prefix": prefix})


def token_revoked(*, actor: "User", user: "User", count: int) -> None:
    record(
        actor=actor,
        action="token.revoked",
        object_type="user",
        object_id=str(user.public_id),
        detail={"count": count},
    )


def admin_changed(*, actor: "User", obj: "Model", action: str, fields: list[str]) -> None:
    record(
        actor=actor,
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=str(getattr(obj, "public_id", obj.pk)),
        detail={"fields": sorted(fields)},
    )
