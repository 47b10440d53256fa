"""Saved screenings: the list and the result page. Reads go through the selectors."""

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.cases.models import Case
from safepath.cases.selectors import visible_cases
from safepath.cases.vocabularies import CLOSED_STATUSES
from safepath.core.decorators import capability_required
from safepath.core.http import AuthedRequest
from safepath.core.pagination import CappedPaginator
from safepath.screening import events, selectors, vulnerability
from safepath.screening.catalogues import registry
from safepath.screening.explanations import dimension_name, element_name, explain
from safepath.screening.indicators.catalogue import DIMENSIONS, Catalogue, UnknownCatalogue
from safepath.screening.models import Screening

PAGE_SIZE = 50


@login_required
@capability_required("screening.view")
def screening_list(request: AuthedRequest) -> HttpResponse:
    screenings = selectors.visible_screenings(request.user)
    page = CappedPaginator(screenings, PAGE_SIZE).get_page(request.GET.get("page"))
    events.screenings_listed(actor=request.user, count=len(page.object_list), via="web", filters=[])
    return render(
        request,
        "screening/screening_list.html",
        {
            "page": page,
            "can_create": policies.can(request.user, "screening.create"),
            "can_import": policies.can(request.user, "screening.import"),
            "drafts": selectors.drafts_of(request.user)[:20],
        },
    )


@login_required
@capability_required("screening.view")
def screening_detail(request: AuthedRequest, screening_id: uuid.UUID) -> HttpResponse:
    screening = selectors.access_screening(
        actor=request.user, screening_id=screening_id, purpose="case_work", via="web"
    )
    assessment = screening.assessment()
    return render(
        request,
        "screening/screening_detail.html",
        {
            "screening": screening,
            "assessment": assessment,
            "explanation": explain(assessment).splitlines(),
            "dimensions": _dimensions(screening),
            "present": [element_name(e) for e in assessment.present],
            "missing": [element_name(e) for e in assessment.missing],
            "reasons": [vulnerability.reason_label(r) for r in screening.priority_reasons],
            "flags": [str(dict(vulnerability.FLAGS)[f]) for f in screening.flags],
            "factors": _factors(screening),
            "needs": [str(dict(vulnerability.NEEDS)[n]) for n in screening.needs],
            "finished": request.GET.get("finished") == "1",
            "can_open_case": screening.person is not None
            and policies.can(request.user, "case.create"),
            "open_case": _open_case(request, screening),
            "draft_key": request.GET.get("draft", ""),
        },
    )


def _open_case(request: AuthedRequest, screening: Screening) -> Case | None:
    """The person's open case the user may see, if there is one."""
    if screening.person is None:
        return None
    return (
        visible_cases(request.user)
        .filter(person=screening.person)
        .exclude(status__in=CLOSED_STATUSES)
        .first()
    )


def _catalogue(screening: Screening) -> Catalogue | None:
    try:
        return registry().get(screening.catalogue, screening.catalogue_version)
    except UnknownCatalogue:
        return None


def _label(catalogue: Catalogue | None, code: str) -> str:
    if catalogue is None or code not in catalogue.indicators:
        return ""
    return catalogue.indicators[code].label(get_language() or "en")


def _dimensions(screening: Screening) -> list[dict[str, Any]]:
    catalogue = _catalogue(screening)
    result = screening.result["dimensions"]
    unknown = set(screening.indicators_unknown)
    rows = []
    for dimension in DIMENSIONS:
        values = result[dimension]
        not_known = [
            (code, _label(catalogue, code))
            for code in sorted(unknown)
            if catalogue is not None
            and code in catalogue.indicators
            and catalogue.indicators[code].dimension == dimension
        ]
        rows.append(
            {
                "code": dimension,
                "name": dimension_name(dimension),
                "positive": values["positive"],
                "strong": values["strong"],
                "medium": values["medium"],
                "weak": values["weak"],
                "indicators": [(code, _label(catalogue, code)) for code in values["indicators"]],
                "not_known": not_known,
            }
        )
    return rows


def _factors(screening: Screening) -> list[tuple[str, str]]:
    kinds = {vulnerability.RISK: _("risk"), vulnerability.PROTECTIVE: _("protective")}
    return [
        (str(vulnerability.FACTOR_INDEX[code].label), kinds[vulnerability.FACTOR_INDEX[code].kind])
        for code in screening.factors
        if code in vulnerability.FACTOR_INDEX
    ]
