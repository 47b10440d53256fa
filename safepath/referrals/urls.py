"""Referral pages."""

from django.urls import URLPattern, URLResolver, path

from safepath.referrals import inbox_views, new_referral_views, pathway_views, views

app_name = "referrals"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.referral_list, name="list"),
    path("new/", new_referral_views.referral_new, name="new"),
    path("new/details/", new_referral_views.referral_compose, name="compose"),
    path("notifications/", inbox_views.notification_list, name="notifications"),
    path(
        "notifications/<uuid:notification_id>/",
        inbox_views.notification_open,
        name="notification",
    ),
    path("pathways/", pathway_views.pathway_list, name="pathways"),
    path("pathways/new/", pathway_views.pathway_edit, name="pathway_new"),
    path("pathways/<uuid:pathway_id>/", pathway_views.pathway_edit, name="pathway_edit"),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("<uuid:referral_id>/pdf/", views.referral_pdf_download, name="pdf"),
    path("<uuid:referral_id>/<slug:action>/", views.referral_action, name="action"),
]
