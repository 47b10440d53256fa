"""The parts of django-allauth that safepath uses.

Staff accounts are created by administrators, sign-in is by username, and
passwords are reset by an administrator, so sign-up, e-mail management,
e-mail password reset and login-by-code are not served at all (they answer 404).
"""

import allauth.urls
from django.urls import URLPattern, URLResolver

SERVED_ACCOUNT_ROUTES = frozenset(
    {
        "account_login",
        "account_logout",
        "account_inactive",
        "account_reauthenticate",
        "account_change_password",
    }
)


def _served(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    served: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("2fa/"):
                served.append(pattern)  # MFA: TOTP, recovery codes, WebAuthn
            else:
                kept = [
                    p
                    for p in pattern.url_patterns
                    if isinstance(p, URLPattern) and p.name in SERVED_ACCOUNT_ROUTES
                ]
                served.append(URLResolver(pattern.pattern, kept))
        elif pattern.name in SERVED_ACCOUNT_ROUTES:
            served.append(pattern)
    return served


urlpatterns = _served(list(allauth.urls.urlpatterns))
