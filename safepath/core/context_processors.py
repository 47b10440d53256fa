"""Values every template needs: the info line, emergency number, quick exit."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def safepath(request: HttpRequest) -> dict[str, Any]:
    from safepath.accounts import policies

    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "nav": {
            "people": signed_in and policies.can(user, "person.view"),  # type: ignore[arg-type]
            "manage": signed_in and policies.can(user, "user.manage"),  # type: ignore[arg-type]
            "audit": signed_in and policies.can(user, "audit.view"),  # type: ignore[arg-type]
        },
        "info_line": settings.SAFEPATH_INFO_LINE,
        "info_line_tel": settings.SAFEPATH_INFO_LINE.replace(" ", ""),
        "emergency_number": settings.SAFEPATH_EMERGENCY_NUMBER,
        "quick_exit_url": settings.SAFEPATH_QUICK_EXIT_URL,
    }
