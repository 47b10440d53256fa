"""Session lifetime and MFA enrolment, enforced on every request."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from safepath.accounts import events

SESSION_LOGIN_AT = "safepath_login_at"
SESSION_SEEN_AT = "safepath_seen_at"

# Pages a user who still has to enrol in MFA may reach.
MFA_EXEMPT_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_login",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_add_webauthn",
        "mfa_reauthenticate",
        "set_language",
    }
)


class SessionLifetimeMiddleware:
    """Keeps a session alive while it is used (idle expiry: SESSION_COOKIE_AGE after the
    last save) and ends it 12 hours after login, however active."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            login_at = request.session.get(SESSION_LOGIN_AT)
            if login_at is None:
                request.session[SESSION_LOGIN_AT] = now
            seen_at = float(request.session.get(SESSION_SEEN_AT, 0))
            if now - seen_at > settings.SAFEPATH_SESSION_TOUCH_SECONDS:
                # Changing the session saves it, which pushes its expiry ahead.
                request.session[SESSION_SEEN_AT] = now
            if (
                login_at is not None
                and now - float(login_at) > settings.SAFEPATH_SESSION_MAX_SECONDS
            ):
                events.session_expired(user=user, reason="max_age")
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect(settings.LOGIN_URL)
                # The API goes on as anonymous and answers 401 problem+json itself.
        return self.get_response(request)


class RequireMfaMiddleware:
    """With SAFEPATH_REQUIRE_MFA on, a staff member must enrol before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SAFEPATH_REQUIRE_MFA and self._needs_enrolment(request):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _needs_enrolment(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith((settings.STATIC_URL, "/api/")):
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        if match.url_name in MFA_EXEMPT_URL_NAMES:
            return False
        from allauth.mfa.utils import is_mfa_enabled

        return not is_mfa_enabled(user)
