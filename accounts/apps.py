from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import personal_data_sources, receivers, roles  # noqa: F401 - receivers connect on import

        personal_data_sources.register_sources()
        roles.register_account_roles()
