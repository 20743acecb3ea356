"""Celery tasks for relationships. Each takes ids, calls a service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from messaging import services


@shared_task
def notify_unread_messages(relationship_id: int, user_id: int) -> bool:
    """Tell one person about unread messages in one conversation, at most once per 15 minutes."""
    return services.conversation_notify(relationship_id=relationship_id, user_id=user_id)


@shared_task
def nudge_quiet_relationships() -> dict[str, int]:
    """Daily (beat): nudge quiet relationships and flag those at risk. A second run the same day does nothing."""
    summary = services.relationships_nudge_quiet()
    return {"nudged": summary.nudged, "flagged_at_risk": summary.flagged_at_risk}
