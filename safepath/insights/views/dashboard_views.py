"""The insights dashboards: the overview, one panel's table (drill-down), and a panel's
safe downloads. Figures come from the rollups only (`safepath.insights.dashboards`)."""

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from safepath.core.decorators import capability_required
from safepath.core.downloads import private_download
from safepath.core.http import AuthedRequest
from safepath.insights import alert_selectors, charts, dashboards, releases
from safepath.insights.dashboards import Panel, PanelFigures
from safepath.insights.forms import (
    DEFAULT_MONTHS,
    DashboardFilterForm,
    month_value,
    presets,
    today,
)
from safepath.insights.rollups.queries import Filters, last_months
from safepath.insights.safe_stats import Audience

FILTER_KEYS = ("from_month", "to_month", "voivodeship", "population", "organisation")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
}


@dataclass(frozen=True, slots=True)
class ShownPanel:
    """A panel as a page shows it: its figures and its chart, inline."""

    figures: PanelFigures
    svg: str

    @property
    def panel(self) -> Panel:
        return self.figures.panel


def _form(request: AuthedRequest) -> DashboardFilterForm:
    data = request.GET.copy()
    if not data.get("from_month") and not data.get("to_month"):
        # No period chosen: the last twelve months, shown in the form as such.
        start, end = last_months(today(), DEFAULT_MONTHS)
        data["from_month"] = month_value(start)
        data["to_month"] = month_value(end - datetime.timedelta(days=1))
    return DashboardFilterForm(
        data, every_organisation=dashboards.sees_every_organisation(request.user)
    )


def _filters(request: AuthedRequest, form: DashboardFilterForm) -> Filters | None:
    if not form.is_valid():
        return None
    return dashboards.screen_filters(request.user, **form.filter_values())


def _query(request: AuthedRequest) -> str:
    """The filters of the request, codes only, for the links of the page."""
    return urlencode({k: request.GET[k] for k in FILTER_KEYS if request.GET.get(k)})


def _refused(request: AuthedRequest, form: DashboardFilterForm) -> HttpResponse:
    """Bad filters: the form and its errors, no figure, nothing logged."""
    context = {"form": form, "panels": [], "headlines": [], "invalid": True}
    return render(request, "insights/dashboard.html", context, status=400)


def _shown(figures: PanelFigures) -> ShownPanel:
    spec = dashboards.screen_chart(figures)
    return ShownPanel(
        figures=figures,
        svg=charts.inline_svg(
            spec, get_language() or "en", label=figures.title, prefix=figures.panel.code
        ),
    )


def _common(request: AuthedRequest, form: DashboardFilterForm, filters: Filters) -> dict[str, Any]:
    query = _query(request)
    return {
        "form": form,
        "query": query,
        "presets": presets({k: request.GET.get(k, "") for k in FILTER_KEYS}),
        "period": dashboards.period_title(filters),
        "previous_period": dashboards.period_title(filters.previous()),
        "minimum": dashboards.internal_minimum(),
        "partner_minimum": releases.thresholds_for(Audience.PARTNER).minimum,
        "every_organisation": dashboards.sees_every_organisation(request.user),
        "stratified": dashboards.stratified_screen(request.user),
        "organisation_chosen": bool(request.GET.get("organisation")),
    }


@login_required
@capability_required("insights.view")
def dashboard(request: AuthedRequest) -> HttpResponse:
    form = _form(request)
    filters = _filters(request, form)
    if filters is None:
        return _refused(request, form)
    context = _common(request, form, filters)
    stratified = dashboards.stratified_screen(request.user)
    context["headlines"] = dashboards.headlines(filters, stratified=stratified)
    context["alerts"] = alert_selectors.open_alerts(request.user)
    context["panels"] = [
        _shown(dashboards.screen_panel(panel, filters, stratified=stratified))
        for panel in dashboards.PANELS
    ]
    return render(request, "insights/dashboard.html", context)


def _panel(code: str) -> Panel:
    panel = dashboards.PANELS_BY_CODE.get(code)
    if panel is None:
        raise Http404
    return panel


@login_required
@capability_required("insights.view")
def panel(request: AuthedRequest, panel: str) -> HttpResponse:
    chosen = _panel(panel)
    form = _form(request)
    filters = _filters(request, form)
    if filters is None:
        return _refused(request, form)
    context = _common(request, form, filters)
    context["shown"] = _shown(
        dashboards.screen_panel(
            chosen, filters, stratified=dashboards.stratified_screen(request.user)
        )
    )
    return render(request, "insights/panel.html", context)


@login_required
@capability_required("insights.view")
def download(request: AuthedRequest, panel: str, fmt: str) -> HttpResponse:
    chosen = _panel(panel)
    if fmt not in FORMATS:
        raise Http404
    form = _form(request)
    filters = _filters(request, form)
    if filters is None:
        return _refused(request, form)
    table = dashboards.release_panel(request.user, chosen, filters)
    if fmt == "csv":
        content = releases.as_csv(table).encode("utf-8")
    else:
        title = f"{chosen.title} · {dashboards.period_title(filters)}"
        spec = dashboards.released_chart(chosen, table, title)
        language = get_language() or "en"
        content = (
            charts.svg(spec, language).encode("utf-8")
            if fmt == "svg"
            else charts.png(spec, language)
        )
    return private_download(
        content,
        content_type=FORMATS[fmt],
        filename=dashboards.file_name(chosen, filters, fmt),
    )
