from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "safepath.api"
    label = "api"
