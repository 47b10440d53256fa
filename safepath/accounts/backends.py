"""allauth's authentication backend, loading the user's organisation and team with the user.

Every signed-in request needs them (audit events, scopes), so one query instead of three.
"""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from safepath.accounts.models import User


class AuthenticationBackend(AllauthBackend):  # type: ignore[misc]
    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("organisation", "team").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
