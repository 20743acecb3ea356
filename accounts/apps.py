from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import personal_data_sources, receivers, roles, taxonomy_choices  # noqa: F401 - receivers

        personal_data_sources.register_sources()
        taxonomy_choices.connect()
        roles.register_account_roles()
