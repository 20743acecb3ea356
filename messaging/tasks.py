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


@shared_task
def remind_meetings() -> int:
    """Hourly (beat): remind the parties of meetings, and of group meetings, starting within a day. Each meeting is
    reminded once."""
    return services.meetings_remind() + services.group_meetings_remind()


@shared_task
def flag_relationships_without_first_meeting() -> int:
    """Daily (beat): nudge pairs who have not met 21 days in, and tell the programme team. Once per relationship."""
    return services.relationships_flag_without_first_meeting().nudged


@shared_task
def prompt_agreement_reviews() -> int:
    """Daily (beat): prompt both sides whose agreement has reached its review date. Once per agreed version."""
    return services.agreements_prompt_review()
