"""Bridges from django-auth and allauth signals to our audit writer.

Signals are used here only because logins and MFA changes happen inside
libraries we do not call ourselves; the receivers do nothing but audit.
"""

from typing import Any

from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from safepath.accounts import events
from safepath.accounts.models import User


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    events.login_succeeded(user=user, via="web")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        events.logged_out(user=user)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))
    known = User.objects.filter(username=username).first() if username else None
    path = getattr(request, "path", "")
    events.login_failed(known_user=known, via="api" if path.startswith("/api/") else "web")


def _mfa_receiver(change: str) -> Any:
    def handler(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
        authenticator = kwargs.get("authenticator")
        method = getattr(authenticator, "type", "") if authenticator else ""
        events.mfa_changed(user=user, method=method, change=change)

    return handler


_mfa_added = _mfa_receiver("added")
_mfa_removed = _mfa_receiver("removed")
_mfa_reset = _mfa_receiver("reset")
mfa_signals.authenticator_added.connect(_mfa_added)
mfa_signals.authenticator_removed.connect(_mfa_removed)
mfa_signals.authenticator_reset.connect(_mfa_reset)
