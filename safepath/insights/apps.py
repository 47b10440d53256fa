from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "safepath.insights"
    label = "insights"
    verbose_name = "Insights"
