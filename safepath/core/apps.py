from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safepath.core"
    label = "core"

    def ready(self) -> None:
        # Registers the deployment checks of safepath's own settings.
        from safepath.core import checks  # noqa: F401
