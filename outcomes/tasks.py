"""Celery tasks for surveys. Safe to run twice."""

from __future__ import annotations

from celery import shared_task

from outcomes import services


@shared_task
def open_due_surveys() -> dict[str, int]:
    """Daily (beat): open the pulse and closing surveys that have fallen due and tell the people they are for."""
    opened = services.surveys_open_due()
    return {"pulse": opened.pulse, "closing": opened.closing}


@shared_task
def remind_unanswered_surveys() -> int:
    """Daily (beat): remind people, once, of a survey they have not answered a week after it opened."""
    return services.surveys_remind_unanswered()
