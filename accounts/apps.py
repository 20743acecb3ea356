from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import personal_data_sources, receivers  # noqa: F401 - receivers connect on import

        personal_data_sources.register_sources()
