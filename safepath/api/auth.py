"""How API callers authenticate: a bearer token, or the browser's session (with CSRF)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from safepath.accounts.services import token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is None:
            return None
        request.user = user
        return user


class StaffSession(SessionAuth):
    """The browser's session, refused while the user still owes an MFA enrolment."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if settings.SAFEPATH_REQUIRE_MFA:
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(user):
                return None
        return user


API_AUTH = [BearerToken(), StaffSession()]
