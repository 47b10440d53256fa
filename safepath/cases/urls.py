from django.urls import path

from safepath.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("open/", views.case_open, name="open"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:case_id>/notes/", views.case_note, name="note"),
    path("<uuid:case_id>/assign/", views.case_assign, name="assign"),
]
