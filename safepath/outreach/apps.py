from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "safepath.outreach"
    label = "outreach"
