"""Staff pages of the service directory."""

from django.urls import URLPattern, URLResolver, path

from safepath.directory import views

app_name = "directory"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.service_list, name="list"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/<uuid:service_id>/", views.service_detail, name="service"),
    path("services/<uuid:service_id>/edit/", views.service_edit, name="service_edit"),
    path("services/<uuid:service_id>/verify/", views.service_verify, name="service_verify"),
    path("providers/", views.provider_list, name="providers"),
    path("providers/<uuid:provider_id>/edit/", views.provider_edit, name="provider_edit"),
]
