from django.apps import AppConfig


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"

    def ready(self) -> None:
        from ambassadors import signals  # noqa: F401 - connects the receivers
