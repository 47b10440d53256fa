"""Errors as RFC 9457 problem details (application/problem+json)."""

import json
from collections.abc import Iterable
from typing import Any, Protocol

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

PROBLEM_CONTENT_TYPE = "application/problem+json"
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})


def problem(
    *,
    status: int,
    title: str,
    detail: str = "",
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_errors_from_pydantic(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Name each bad field by its JSON pointer; never echo the submitted value."""
    result = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        # Drop where the value came from (body/query/path) and the body parameter's name.
        if location and location[0] in _SOURCES:
            location = location[1:]
        if location and location[0] == "payload":
            location = location[1:]
        pointer = "/" + "/".join(location) if location else ""
        message = str(error.get("msg", _("Invalid value.")))
        message = message.removeprefix("Value error, ")
        # `field` names the top-level input (`languages`, not the index of a bad item).
        field = location[0] if location else ""
        result.append({"pointer": pointer, "field": field, "detail": message})
    return result


def not_found(request: HttpRequest | None = None) -> HttpResponse:
    return problem(status=404, title=_("Not found"))


class FieldProblem(Protocol):
    @property
    def field(self) -> str: ...

    @property
    def detail(self) -> str: ...


def invalid_fields(errors: Iterable[FieldProblem]) -> HttpResponse:
    """422: each bad field named by its pointer; nothing was saved."""
    return problem(
        status=422,
        title=_("Invalid input"),
        detail=_("Some fields are not valid. Nothing was saved."),
        errors=[
            {"pointer": f"/{error.field}", "field": error.field, "detail": error.detail}
            for error in errors
        ],
    )
