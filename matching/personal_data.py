"""What the matching app holds about a person, for accounts/personal_data.py."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.personal_data import PersonalDataSource, register, when
from matching.models import Introduction, MentoringRequest


def _requests(user: User) -> list[dict[str, Any]]:
    return [
        {
            "title": request.title,
            "mutual": request.mutual.name,
            "topics": [topic.name for topic in request.topics.all()],
            "description": request.description,
            "format": request.get_format_display(),
            "status": request.get_status_display(),
            "created_at": when(request.created_at),
        }
        for request in MentoringRequest.objects.filter(created_by=user)
        .select_related("mutual")
        .prefetch_related("topics")
        .order_by("created_at")
    ]


def _introductions(user: User) -> list[dict[str, Any]]:
    """Introductions sent to the person as a mentor, with their answers."""
    return [
        {
            "mutual": introduction.request.mutual.name,
            "request": introduction.request.title,
            "status": introduction.get_status_display(),
            "sent_at": when(introduction.sent_at),
            "answered_at": when(introduction.responded_at),
            "decline_reason": introduction.decline_reason,
        }
        for introduction in Introduction.objects.filter(mentor__user=user)
        .exclude(status=Introduction.Status.QUEUED)
        .select_related("request__mutual")
        .order_by("id")
    ]


def register_sources() -> None:
    register(PersonalDataSource("mentoring_requests_created", _requests, order=20))
    register(PersonalDataSource("introductions_received_as_mentor", _introductions, order=21))
