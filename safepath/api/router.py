"""The REST API under /api/v1/, its OpenAPI schema and its problem+json errors."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

from safepath.accounts.api import router as auth_router
from safepath.api.auth import API_AUTH
from safepath.api.problems import field_errors_from_pydantic, problem
from safepath.cases.api import router as cases_router
from safepath.cases.assistance_api import router as case_assistance_router
from safepath.cases.report_api import router as case_report_router
from safepath.cases.workflow_api import router as case_workflow_router
from safepath.core.exceptions import BadCursor
from safepath.insights.stats_api import router as stats_router
from safepath.people.api import router as people_router
from safepath.referrals.api import router as referrals_router
from safepath.screening.api import router as screening_router


class ObjectBodyParser(Parser):
    """JSON bodies must be objects.

    ninja's Schema reads fields from any value, so a body of `[]`, `null` or
    `"text"` would otherwise validate as an object with every field at its
    default (and register an empty person). ninja turns this error into a 400.
    """

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the request body is not a JSON object")
        return data


api = NinjaAPI(
    title="safepath API",
    version="1",
    urls_namespace="api",
    auth=API_AUTH,
    openapi_url="/openapi.json",
    docs_url=None,
    parser=ObjectBodyParser(),
)
api.add_router("", auth_router)
api.add_router("", people_router)
api.add_router("", screening_router)
api.add_router("", cases_router)
api.add_router("", case_assistance_router)
api.add_router("", case_report_router)
api.add_router("", case_workflow_router)
api.add_router("", referrals_router)
api.add_router("", stats_router)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem(
        status=422,
        title=_("Invalid input"),
        detail=_("Some fields are not valid. Nothing was saved."),
        errors=field_errors_from_pydantic(list(exc.errors)),
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        status=401,
        title=_("Authentication required"),
        headers={"WWW-Authenticate": 'Bearer realm="safepath"'},
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(status=404, title=_("Not found"))


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    # Forbidden and hidden look the same from outside.
    return problem(status=404, title=_("Not found"))


@api.exception_handler(BadCursor)
def _bad_cursor(request: HttpRequest, exc: BadCursor) -> HttpResponse:
    return problem(
        status=400,
        title=_("Invalid cursor"),
        errors=[{"pointer": "/cursor", "field": "cursor", "detail": _("Unknown cursor.")}],
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    titles: dict[int, Any] = {400: _("Bad request"), 405: _("Method not allowed")}
    return problem(status=exc.status_code, title=str(titles.get(exc.status_code, _("Error"))))
