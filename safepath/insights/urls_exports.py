"""Routes of the insights exports pages (included by safepath/insights/urls.py): the
standard statistics exports, made by the worker (`views.export_views`)."""

from django.urls import path

from safepath.insights.views import export_views

urlpatterns = [
    path("", export_views.export_list, name="exports"),
    path("<uuid:export_id>/", export_views.export_detail, name="export"),
    path("<uuid:export_id>/download/", export_views.export_download, name="export_download"),
]
