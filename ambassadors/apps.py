from django.apps import AppConfig


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"

    def ready(self) -> None:
        from ambassadors import dashboard, personal_data, signals  # noqa: F401 - signals connect on import

        personal_data.register_sources()
        dashboard.register()
