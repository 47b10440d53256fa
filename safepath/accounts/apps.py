from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safepath.accounts"
    label = "accounts"

    def ready(self) -> None:
        from safepath.accounts import receivers  # noqa: F401  (connects the audit bridges)
