"""Routes of the insights alerts pages (included by safepath/insights/urls.py)."""

from django.urls import path

from safepath.insights.views import alert_views

urlpatterns = [
    path("", alert_views.alert_list, name="alerts"),
    path("<uuid:alert_id>/", alert_views.alert_detail, name="alert"),
    path("<uuid:alert_id>/acknowledge/", alert_views.alert_acknowledge, name="alert_acknowledge"),
    path("<uuid:alert_id>/comment/", alert_views.alert_comment, name="alert_comment"),
]
