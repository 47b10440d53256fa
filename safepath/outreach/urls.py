from django.urls import path

from safepath.outreach import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("find-help/", views.find_help, name="find_help"),
]
