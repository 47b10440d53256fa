"""Pages of the insights app, under /<language>/app/insights/."""

from django.urls import include, path

app_name = "insights"

urlpatterns = [
    path("", include("safepath.insights.urls_dashboard")),
    path("alerts/", include("safepath.insights.urls_alerts")),
    path("exports/", include("safepath.insights.urls_exports")),
]
