"""Staff home, the language switch and the generic error pages."""

from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_path
from django.views.decorators.http import require_POST

from safepath.accounts import policies, services
from safepath.api.problems import not_found
from safepath.core.http import AuthedRequest


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    user = request.user
    context = {
        "can_people": policies.can(user, "person.view"),
        "can_create_person": policies.can(user, "person.create"),
        "can_manage": policies.can(user, "user.manage"),
        "can_audit": policies.can(user, "audit.view"),
        "can_receive_referrals": policies.can(user, "referral.receive"),
    }
    return render(request, "core/dashboard.html", context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language: go to the same page under the other language, remember it per user."""
    from django.conf import settings

    requested = request.POST.get("language", "")
    known = requested in dict(settings.LANGUAGES)
    language = requested if known else settings.LANGUAGE_CODE
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if known and request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    # translate_url resolves `next` under the active language, which for this
    # unprefixed URL comes from the browser: resolve it under its own prefix.
    path_language = get_language_from_path(urlsplit(next_url).path) or settings.LANGUAGE_CODE
    with translation.override(path_language):
        target = translate_url(next_url, language)
    return HttpResponseRedirect(target)


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "errors/400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Hidden and forbidden look the same from outside.
    return _error(request, 404, "errors/404.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # Unknown API paths answer like the API does (problem+json), not with an HTML page.
        return not_found(request)
    return _error(request, 404, "errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "errors/500.html")
