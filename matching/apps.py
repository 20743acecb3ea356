from typing import Any

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        from accounts.signals import mentor_profile_changed
        from matching import dashboard, personal_data

        mentor_profile_changed.connect(on_mentor_profile_changed, dispatch_uid="matching.mentor_profile_changed")
        dashboard.register()
        personal_data.register_sources()


def on_mentor_profile_changed(sender: Any, profile_id: int, reason: str = "", **kwargs: Any) -> None:
    """An approved, edited, paused or resumed mentor, or one whose places changed: their possible requests are
    re-ranked by a task."""
    from matching import services

    services.mentor_profile_changed(profile_id=profile_id, reason=reason)
