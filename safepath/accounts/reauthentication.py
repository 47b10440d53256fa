"""Step-up: has the user proved who they are in the last few minutes?

Some actions reveal identity or take data out of safepath (a law-enforcement report's
PDF, exports); they need a password (or MFA) check made within the last
`RECENT_SECONDS`. allauth records every authentication of the session, at sign-in and
at re-authentication (`/accounts/reauthenticate/`), with its time, in the session
(`allauth.account.authentication.get_authentication_records`). We read those records
instead of keeping a clock of our own, so allauth's own re-authentication page is the
way to refresh it.

A sign-in counts like a re-authentication: both checked the password (and the second
factor) moments ago. A session created any other way (an administrator's
`force_login`, a test) holds no record and is asked to re-authenticate.
"""

import time
from typing import Final

from allauth.account.authentication import get_authentication_records
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

RECENT_SECONDS: Final = 300
# What allauth records for a check of the password or of a second factor.
PROOF_METHODS: Final = frozenset({"password", "mfa"})


def seconds_since_authentication(request: HttpRequest) -> float | None:
    """Seconds since the user last proved who they are in this session, or None."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or session is None or not user.is_authenticated:
        return None
    times = [
        float(record["at"])
        for record in get_authentication_records(request, user)
        if isinstance(record, dict)
        and record.get("method") in PROOF_METHODS
        and isinstance(record.get("at"), int | float)
    ]
    if not times:
        return None
    return max(0.0, time.time() - max(times))


def recently_authenticated(request: HttpRequest, seconds: int = RECENT_SECONDS) -> bool:
    elapsed = seconds_since_authentication(request)
    return elapsed is not None and elapsed < seconds


def reauthenticate(request: HttpRequest, next_url: str | None = None) -> HttpResponseRedirect:
    """To allauth's re-authentication page, which comes back to this URL afterwards, or
    to `next_url` (a page to GET: a POST cannot be replayed after the redirect)."""
    url = reverse("account_reauthenticate")
    back = next_url or request.get_full_path()
    return HttpResponseRedirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: back})}")
