"""The public, read-only HSDS 3.0 API of the directory (mounted at /hsds/).

Plain JSON views: no login, GET only (anything else is 405), nothing about people and
nothing about who keeps the directory. Lists answer in the HSDS page envelope
(`total_items`, `total_pages`, `page_number`, `size`, `first_page`, `last_page`,
`empty`, `contents`) with `page` (from 1) and `per_page` (1 to 100, default 50). Texts are
in the language of `?locale=` (en, pl, uk, ru; default en), with the directory's
visible fallback when a text is missing in it. An unknown or non-public id is a 404
problem+json; a bad parameter a 400 problem+json naming it.
"""

import json
import math
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from safepath.api.problems import not_found, problem
from safepath.directory import hsds_selectors as selectors
from safepath.directory.hsds import HSDS_VERSION, PROFILE_URL, Json, Writer
from safepath.directory.i18n import LANGUAGE_CODES

DEFAULT_PER_PAGE: Final = 50
MAX_PER_PAGE: Final = 100
OPENAPI_FILE: Final = Path(__file__).resolve().parent / "hsds_schema" / "openapi.json"


class BadParameter(ValueError):
    def __init__(self, name: str, detail: str) -> None:
        super().__init__(detail)
        self.name = name
        self.detail = detail


def _json(body: Any, *, language: str | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    if language:
        response["Content-Language"] = language
    return response


def _bad(error: BadParameter) -> HttpResponse:
    return problem(
        status=400,
        title=_("Invalid parameter"),
        detail=error.detail,
        errors=[{"pointer": "", "parameter": error.name, "detail": error.detail}],
    )


def _locale(request: HttpRequest) -> str:
    value = request.GET.get("locale", "en")
    if value not in LANGUAGE_CODES:
        raise BadParameter(
            "locale",
            _("Unknown locale. Use one of: %(codes)s.") % {"codes": ", ".join(LANGUAGE_CODES)},
        )
    return value


def _int(request: HttpRequest, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, _("Must be a whole number.")) from None
    if not low <= value <= high:
        raise BadParameter(
            name, _("Must be between %(low)d and %(high)d.") % {"low": low, "high": high}
        )
    return value


def _uuid(request: HttpRequest, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadParameter(name, _("Must be a UUID.")) from None


def _bool(request: HttpRequest, name: str) -> bool:
    raw = request.GET.get(name, "").lower()
    if raw in ("", "false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise BadParameter(name, _("Must be true or false."))


def _page[M: Model](
    request: HttpRequest,
    rows: QuerySet[M],
    render: Callable[[Sequence[M]], list[Json]],
) -> Json:
    """The HSDS page envelope around one page of `rows`."""
    page = _int(request, "page", 1, low=1, high=1_000_000)
    per_page = _int(request, "per_page", DEFAULT_PER_PAGE, low=1, high=MAX_PER_PAGE)
    total = rows.count()
    total_pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    chunk = list(rows[start : start + per_page]) if start < total else []
    contents = render(chunk)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET only; bad parameters become 400, hidden or missing records 404 (problem+json)."""

    @require_GET
    def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, **kwargs)
        except BadParameter as error:
            return _bad(error)
        except Http404:
            return not_found(request)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


@_endpoint
def root(request: HttpRequest) -> HttpResponse:
    """GET /hsds/: the HSDS version, the profile, the OpenAPI description."""
    return _json(
        {
            "version": HSDS_VERSION,
            "profile": PROFILE_URL,
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
        }
    )


@_endpoint
def openapi(request: HttpRequest) -> HttpResponse:
    """The HSDS 3.0.1 API description that this API implements a part of."""
    return HttpResponse(OPENAPI_FILE.read_bytes(), content_type="application/json; charset=utf-8")


@_endpoint
def services(request: HttpRequest) -> HttpResponse:
    language = _locale(request)
    full = _bool(request, "full")
    rows = selectors.filter_services(
        selectors.public_services(),
        taxonomy_term_id=_uuid(request, "taxonomy_term_id"),
        taxonomy_id=_uuid(request, "taxonomy_id"),
        organization_id=_uuid(request, "organization_id"),
        search=request.GET.get("search", "").strip()[:100],
    )
    if full:
        rows = selectors.with_nested(rows)
    writer = Writer(language=language)

    def render(chunk: Sequence[Any]) -> list[Json]:
        changes = selectors.service_metadata(chunk) if full else {}
        return [
            writer.service(item, full=full, metadata=changes.get(item.public_id, []))
            for item in chunk
        ]

    return _json(_page(request, rows, render), language=language)


@_endpoint
def service(request: HttpRequest, id: str) -> HttpResponse:
    language = _locale(request)
    found = selectors.public_service(_id(id))
    changes = selectors.service_metadata([found]).get(found.public_id, [])
    return _json(Writer(language=language).service(found, metadata=changes), language=language)


@_endpoint
def organizations(request: HttpRequest) -> HttpResponse:
    language = _locale(request)
    writer = Writer(language=language)
    rows = selectors.public_organizations(search=request.GET.get("search", "").strip()[:100])
    page = _page(request, rows, lambda chunk: [writer.organization(item) for item in chunk])
    return _json(page, language=language)


@_endpoint
def organization(request: HttpRequest, id: str) -> HttpResponse:
    language = _locale(request)
    writer = Writer(language=language)
    found = selectors.public_organization(_id(id))
    body = writer.organization(found, full=True)
    body["services"] = [
        writer.service(item, full=False)
        for item in getattr(found, "public_services", [])  # prefetched by the selector
    ]
    return _json(body, language=language)


@_endpoint
def service_at_locations(request: HttpRequest) -> HttpResponse:
    language = _locale(request)
    writer = Writer(language=language)
    rows = selectors.public_service_at_locations(
        organization_id=_uuid(request, "organization_id"),
        taxonomy_term_id=_uuid(request, "taxonomy_term_id"),
    )
    page = _page(request, rows, lambda chunk: [writer.service_at_location(i) for i in chunk])
    return _json(page, language=language)


@_endpoint
def service_at_location(request: HttpRequest, id: str) -> HttpResponse:
    language = _locale(request)
    found = selectors.public_service_at_locations().filter(public_id=_id(id)).first()
    if found is None:
        raise Http404
    body = Writer(language=language).service_at_location(found, service=True)
    return _json(body, language=language)


@_endpoint
def taxonomies(request: HttpRequest) -> HttpResponse:
    language = _locale(request)
    writer = Writer(language=language)
    page = _page(request, selectors.taxonomies(), lambda c: [writer.taxonomy(i) for i in c])
    return _json(page, language=language)


@_endpoint
def taxonomy(request: HttpRequest, id: str) -> HttpResponse:
    language = _locale(request)
    found = selectors.taxonomies().filter(public_id=_id(id)).first()
    if found is None:
        raise Http404
    return _json(Writer(language=language).taxonomy(found), language=language)


@_endpoint
def taxonomy_terms(request: HttpRequest) -> HttpResponse:
    language = _locale(request)
    writer = Writer(language=language)
    rows = selectors.taxonomy_terms(taxonomy_id=_uuid(request, "taxonomy_id"))
    page = _page(request, rows, lambda c: [writer.taxonomy_term(i) for i in c])
    return _json(page, language=language)


@_endpoint
def taxonomy_term(request: HttpRequest, id: str) -> HttpResponse:
    language = _locale(request)
    found = selectors.taxonomy_terms().filter(public_id=_id(id)).first()
    if found is None:
        raise Http404
    return _json(Writer(language=language).taxonomy_term(found), language=language)
