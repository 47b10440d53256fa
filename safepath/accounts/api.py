"""Token authentication for machine clients."""

import datetime

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from safepath.accounts import events, services
from safepath.accounts.models import User
from safepath.api.problems import problem
from safepath.api.schemas import Problem

router = Router(tags=["auth"])


class TokenRequest(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=4096)
    otp: str | None = Field(None, max_length=16)


class TokenResponse(Schema):
    token: str
    expires_at: datetime.datetime


def _wrong_login() -> HttpResponse:
    # One answer whatever was wrong: unknown user, wrong password, missing or bad code.
    return problem(
        status=401, title=_("Login failed"), detail=_("The login details are not valid.")
    )


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenResponse, 401: Problem, 422: Problem, 429: Problem},
    summary="Exchange a username and password (and a code when MFA is on) for a token",
)
def issue_token(request: HttpRequest, payload: TokenRequest) -> TokenResponse | HttpResponse:
    # The key allauth's web login uses, so both doors share one budget per username.
    key = get_adapter(request)._get_login_attempts_cache_key(request, username=payload.username)
    if not ratelimit.consume(request, action="login_failed", key=key, dry_run=True):
        return problem(
            status=429,
            title=_("Too many attempts"),
            detail=_("Too many failed logins. Wait a few minutes and try again."),
            headers={"Retry-After": "300"},
        )
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not user.is_active or not _second_factor_ok(user, payload.otp):
        ratelimit.consume(request, action="login_failed", key=key)
        if isinstance(user, User):  # password right, second factor wrong; else the signal audits
            events.login_failed(known_user=user, via="api")
        return _wrong_login()
    raw, token = services.token_issue(user=user)
    events.login_succeeded(user=user, via="api")
    return TokenResponse(token=raw, expires_at=token.expires_at)


def _second_factor_ok(user: User, otp: str | None) -> bool:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.mfa.utils import is_mfa_enabled
    from django.conf import settings

    if not is_mfa_enabled(user):
        return not settings.SAFEPATH_REQUIRE_MFA
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None or not otp:
        return False
    return bool(TOTP(authenticator).validate_code(otp))


@router.delete("/auth/token", response={204: None, 401: Problem}, summary="Revoke this token")
def revoke_token(request: HttpRequest) -> Status[None]:
    header = request.headers.get("Authorization", "")
    raw = header.removeprefix("Bearer ").strip()
    services.token_revoke(actor=request.auth, raw=raw)  # type: ignore[attr-defined]
    return Status(204, None)
