"""A person's survey answers, for accounts/personal_data.py's export. Deleting the account deletes them (cascade):
the programme's aggregates then no longer count them."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.personal_data import PersonalDataSource, register, when
from outcomes.models import Survey


def _surveys(user: User) -> list[dict[str, Any]]:
    return [
        {
            "relationship": survey.relationship_id,
            "group_place": survey.group_place_id,
            "survey": survey.get_kind_display(),
            "number": survey.number,
            "due_on": when(survey.due_on),
            "answered_at": when(survey.answered_at),
            "usefulness": survey.usefulness,
            "what_changed": survey.what_changed,
            "comments": survey.comments,
            "spun_out": survey.spun_out,
            "contract_won": survey.contract_won,
            "staff_transferred": survey.staff_transferred,
            "stage_moved": survey.stage_moved,
            "confidence": [
                {"topic": shift.topic.name, "before": shift.before, "after": shift.after}
                for shift in survey.confidence.all()
            ],
        }
        for survey in Survey.objects.filter(respondent=user).prefetch_related("confidence__topic").order_by("pk")
    ]


def register_sources() -> None:
    register(PersonalDataSource("surveys_answered", _surveys, order=40))
