"""Routes of the insights dashboard pages (included by safepath/insights/urls.py).

The panel routes match the panels' codes only, so that the sibling pages mounted on
the same prefix (alerts/, exports/) are never taken for an unknown panel."""

import re

from django.urls import path, re_path

from safepath.insights.dashboards import PANELS
from safepath.insights.views import dashboard_views

_PANEL = "(?P<panel>{})".format("|".join(re.escape(panel.code) for panel in PANELS))

urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    re_path(rf"^{_PANEL}/$", dashboard_views.panel, name="panel"),
    re_path(
        rf"^{_PANEL}/download\.(?P<fmt>svg|png|csv)$", dashboard_views.download, name="download"
    ),
]
