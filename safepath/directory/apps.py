from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "safepath.directory"
    label = "directory"
    verbose_name = "Directory"
