"""Values every template needs: the info line, emergency number, quick exit."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language_info


def safepath(request: HttpRequest) -> dict[str, Any]:
    from safepath.accounts import policies

    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "nav": {
            "people": signed_in and policies.can(user, "person.view"),  # type: ignore[arg-type]
            "cases": signed_in and policies.can(user, "case.view"),  # type: ignore[arg-type]
            "screenings": signed_in and policies.can(user, "screening.view"),  # type: ignore[arg-type]
            "stock": signed_in and policies.can(user, "stock.view"),  # type: ignore[arg-type]
            "shelters": signed_in and policies.can(user, "shelter.view"),  # type: ignore[arg-type]
            "manage": signed_in and policies.can(user, "user.manage"),  # type: ignore[arg-type]
            "catalogues": signed_in and policies.can(user, "catalogue.manage"),  # type: ignore[arg-type]
            "audit": signed_in and policies.can(user, "audit.view"),  # type: ignore[arg-type]
            "insights": signed_in and policies.can(user, "insights.view"),  # type: ignore[arg-type]
            "insights_exports": signed_in and policies.can(user, "insights.export"),  # type: ignore[arg-type]
            "directory": signed_in and policies.can(user, "directory.view"),  # type: ignore[arg-type]
        },
        "info_line": settings.SAFEPATH_INFO_LINE,
        "info_line_tel": settings.SAFEPATH_INFO_LINE.replace(" ", ""),
        "emergency_number": settings.SAFEPATH_EMERGENCY_NUMBER,
        "quick_exit_url": settings.SAFEPATH_QUICK_EXIT_URL,
        # A callable: templates call it only where the links are shown (the public site).
        "language_links": lambda: _language_links(request),
    }


def _language_links(request: HttpRequest) -> list[dict[str, str]]:
    """The current page in each language, as plain links: no form, no cookie, no POST."""
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": str(info["name_local"]).capitalize(),
                "url": translate_url(request.path, code),
            }
        )
    return links
