from django.urls import path

from safepath.accounts import views

app_name = "manage"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("organisations/new/", views.organisation_edit, name="organisation_create"),
    path(
        "organisations/<uuid:organisation_id>/", views.organisation_edit, name="organisation_edit"
    ),
    path("teams/new/", views.team_edit, name="team_create"),
    path("teams/<uuid:team_id>/", views.team_edit, name="team_edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<uuid:user_id>/", views.user_edit, name="user_edit"),
    path("users/<uuid:user_id>/active/", views.user_active, name="user_active"),
    path("users/<uuid:user_id>/password/", views.user_password, name="user_password"),
]
