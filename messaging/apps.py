from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self) -> None:
        from messaging import personal_data, receivers  # noqa: F401 - receivers connect on import

        personal_data.register_sources()
