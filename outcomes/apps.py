from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes of mentoring"

    def ready(self) -> None:
        from outcomes import dashboard, personal_data

        dashboard.register()
        personal_data.register_sources()
