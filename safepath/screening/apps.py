from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "safepath.screening"
    label = "screening"
