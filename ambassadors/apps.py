from django.apps import AppConfig


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"

    def ready(self) -> None:
        from ambassadors import personal_data, signals  # noqa: F401 - signals connect their receivers on import

        personal_data.register_sources()
