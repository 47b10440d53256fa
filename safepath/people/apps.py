from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safepath.people"
    label = "people"
