from django.apps import AppConfig


class InformationConfig(AppConfig):
    name = "information"

    def ready(self) -> None:
        from information import dashboard, personal_data

        personal_data.register_sources()
        dashboard.register()
