"""Reports to law enforcement in the API: list and create on a case, and the PDF.

The PDF needs a re-authentication made within the last five minutes, which a bearer
token cannot give: a token is a long-lived credential kept by a program, and asking a
program for a fresh one every five minutes would push integrators to store the password
and the second factor beside it. So a token gets **403** with a problem saying to
download the PDF in the web app. A browser calling the API with its session follows the
web app's rule: it gets the PDF when the session re-authenticated (or signed in) in the
last five minutes, 403 otherwise.
"""

import datetime
import uuid
from typing import Annotated, Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.params import functions as param_functions
from pydantic import ConfigDict, Field

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.accounts.reauthentication import recently_authenticated
from safepath.api.idempotency import run_idempotent
from safepath.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from safepath.api.problems import invalid_fields, problem
from safepath.api.schemas import Problem
from safepath.cases import report_events, report_pdf, report_selectors, report_services
from safepath.cases.models import Case, LawEnforcementReport
from safepath.cases.selectors import access_case
from safepath.core.exceptions import NotAllowed
from safepath.screening.schemas import Timestamp

router = Router(tags=["law-enforcement reports"])
ERRORS = {401: Problem, 404: Problem, 422: Problem}
IdempotencyKeyHeader = Annotated[
    str | None, param_functions.Header(alias="Idempotency-Key", max_length=200)
]


class PlaceSchema(Schema):
    model_config = ConfigDict(extra="forbid")
    place: str = Field(max_length=report_services.MAX_PLACE)
    country: str = Field("", max_length=3, description="ISO 3166-1 alpha-3")
    voivodeship: str = Field("", max_length=2, description="TERYT code; the country is POL")
    date: datetime.date | None = None
    what_happened: str = Field("", max_length=report_services.MAX_TEXT)


class PerpetratorSchema(Schema):
    model_config = ConfigDict(extra="forbid")
    role: str = Field(max_length=32, description="HTCDS per_RoleInProcess value")
    description: str = Field("", max_length=report_services.MAX_TEXT)


class ReportIn(Schema):
    """A new draft. Indicators must be among those of the case's screening."""

    model_config = ConfigDict(extra="forbid")
    facts: str = Field("", max_length=report_services.MAX_FACTS)
    indicators: list[str] = Field(default_factory=list, max_length=100)
    places: list[PlaceSchema] = Field(default_factory=list, max_length=report_services.MAX_ROWS)
    perpetrators: list[PerpetratorSchema] = Field(
        default_factory=list, max_length=report_services.MAX_ROWS
    )
    legal_ground: str = Field(
        "", max_length=20, description="`child_protection`, `imminent_danger` or empty"
    )
    legal_ground_reason: str = Field("", max_length=report_services.MAX_TEXT)


class IndicatorOut(Schema):
    code: str
    label: str


class ReportOut(Schema):
    id: str
    case: str
    status: str
    version: int
    created_by: str
    created_at: Timestamp
    updated_at: Timestamp
    # Free text (facts, places, perpetrators, comments): only for roles that may see the
    # person's identity; otherwise null.
    facts: str | None
    indicators: list[IndicatorOut]
    places: list[PlaceSchema] | None
    perpetrators: list[PerpetratorSchema] | None
    legal_ground: str
    legal_ground_reason: str | None
    identity: str = Field(
        description="Whether the PDF names the person: `consent`, `child_protection`, "
        "`imminent_danger`, or `redacted`"
    )
    review_comment: str | None
    submitted_at: Timestamp | None
    approved_at: Timestamp | None
    approved_by: str | None
    sent_to_unit: str
    sent_channel: str
    sent_on: datetime.date | None
    acknowledged_on: datetime.date | None
    police_reference: str
    outcome: str
    outcome_on: datetime.date | None


class ReportPage(Schema):
    items: list[ReportOut]
    next_cursor: str | None


class ListParams(Schema):
    cursor: str | None = Field(None, max_length=64)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class PdfParams(Schema):
    language: str = Field("pl", pattern="^(pl|en)$", description="`pl` or `en`")


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def report_out(report: LawEnforcementReport, actor: User) -> ReportOut:
    text = policies.in_scope(actor, "person.view_identity", report.case.person)
    return ReportOut(
        id=str(report.public_id),
        case=str(report.case.public_id),
        status=report.status,
        version=report.version,
        created_by=report.created_by.get_username(),
        created_at=report.created_at,
        updated_at=report.updated_at,
        facts=report.facts if text else None,
        indicators=[
            IndicatorOut(code=code, label=label)
            for code, label in report_selectors.report_indicators(report)
        ],
        places=[
            PlaceSchema(
                place=p.place,
                country=p.country,
                voivodeship=p.voivodeship,
                date=p.date,
                what_happened=p.what_happened,
            )
            for p in report.places.all()
        ]
        if text
        else None,
        perpetrators=[
            PerpetratorSchema(role=p.role, description=p.description)
            for p in report.perpetrators.all()
        ]
        if text
        else None,
        legal_ground=report.legal_ground,
        legal_ground_reason=report.legal_ground_reason if text else None,
        identity=report_selectors.identity_basis(report).code,
        review_comment=report.review_comment if text else None,
        submitted_at=report.submitted_at,
        approved_at=report.approved_at,
        approved_by=report.reviewed_by.get_username()
        if report.approved_at and report.reviewed_by
        else None,
        sent_to_unit=report.sent_to_unit,
        sent_channel=report.sent_channel,
        sent_on=report.sent_on,
        acknowledged_on=report.acknowledged_on,
        police_reference=report.police_reference,
        outcome=report.outcome,
        outcome_on=report.outcome_on,
    )


def _invalid(exc: report_services.ReportInvalid) -> HttpResponse:
    return invalid_fields(exc.errors)


def _content(payload: ReportIn) -> report_services.ReportContent:
    return report_services.ReportContent(
        facts=payload.facts,
        indicators=payload.indicators,
        places=[report_services.PlaceIn(**place.model_dump()) for place in payload.places],
        perpetrators=[
            report_services.PerpetratorIn(**row.model_dump()) for row in payload.perpetrators
        ],
        legal_ground=payload.legal_ground,
        legal_ground_reason=payload.legal_ground_reason,
    )


def _case(actor: User, case_id: uuid.UUID, purpose: str) -> Case:
    return access_case(actor=actor, case_id=case_id, purpose=purpose, via="api")


@router.get(
    "/cases/{case_id}/law-enforcement-reports",
    response={200: ReportPage, 400: Problem, **ERRORS},
    summary="Reports to law enforcement on a case",
)
def list_law_enforcement_reports(
    request: HttpRequest, case_id: uuid.UUID, params: Query[ListParams]
) -> ReportPage:
    actor = _actor(request)
    if not policies.can(actor, "report.view"):
        raise Http404
    case = _case(actor, case_id, "report")
    rows, next_cursor = paginate(
        report_selectors.reports_of_case(actor, case).prefetch_related("places", "perpetrators"),
        cursor=params.cursor,
        limit=params.limit,
    )
    items = [report_out(report, actor) for report in rows]
    report_events.reports_listed(actor=actor, count=len(items), via="api")
    return ReportPage(items=items, next_cursor=next_cursor)


@router.post(
    "/cases/{case_id}/law-enforcement-reports",
    response={201: ReportOut, 400: Problem, 409: Problem, **ERRORS},
    summary="Prepare a report to law enforcement (a draft)",
    description="Creates a draft on the case. Indicators must be among the case's "
    "screening's; places and perpetrators at most 20 each. A supervisor other than the "
    "author approves it in the web app. Send an `Idempotency-Key` header to make "
    "retries safe.",
)
def create_law_enforcement_report(
    request: HttpRequest,
    case_id: uuid.UUID,
    payload: ReportIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    actor = _actor(request)
    if not policies.can(actor, "report.prepare"):
        raise Http404

    def create() -> tuple[int, ReportOut]:
        with transaction.atomic():
            case = _case(actor, case_id, "report")
            report = report_services.report_create(
                actor=actor, case=case, content=_content(payload), via="api"
            )
            return 201, report_out(report, actor)

    try:
        return run_idempotent(request, actor=actor, key=idempotency_key, create=create)
    except NotAllowed as exc:
        raise Http404 from exc
    except report_services.ReportInvalid as exc:
        return _invalid(exc)


def _by_token(request: HttpRequest) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


PDF_RESPONSE: dict[str, Any] = {
    "responses": {
        "200": {
            "description": "The PDF, as an attachment (`Cache-Control: no-store`)",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/cases/{case_id}/law-enforcement-reports/{report_id}/pdf",
    response={403: Problem, **ERRORS},
    summary="The report as a PDF (browser session only, after re-authentication)",
    description="An approved report as a PDF in Polish (`pl`) or English (`en`). Needs a "
    "re-authentication made within the last five minutes, which only the web app's "
    "session can give: a bearer token always gets 403. The person's identity is in the "
    "PDF only with their consent to sharing it with law enforcement or on a recorded "
    "legal ground. Every PDF made is audited.",
    openapi_extra=PDF_RESPONSE,
)
def law_enforcement_report_pdf(
    request: HttpRequest, case_id: uuid.UUID, report_id: uuid.UUID, params: Query[PdfParams]
) -> HttpResponse:
    actor = _actor(request)
    if not policies.can(actor, "report.view"):
        raise Http404
    report = report_selectors.find_report(actor=actor, report_id=report_id)
    if report.case.public_id != case_id:
        raise Http404
    if _by_token(request) or not recently_authenticated(request):
        return problem(
            status=403,
            title=_("Re-authentication required"),
            detail=_(
                "The PDF needs a password check made within the last five minutes. "
                "Download it from the report's page in the web app."
            ),
        )
    try:
        pdf = report_services.report_generate_pdf(
            actor=actor,
            report=report,
            language=params.language,
            recently_authenticated=True,
            via="api",
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except report_services.ReportInvalid as exc:
        return _invalid(exc)
    return report_pdf.attachment(pdf, report, params.language)
