"""The outcomes section of the dashboard: the surveys waiting for this person's answers (one query)."""

from __future__ import annotations

from typing import Any

from accounts.dashboard import DashboardSection, register_section
from accounts.models import User
from accounts.roles import Roles
from outcomes import selectors


def _context(user: User, roles: Roles) -> dict[str, Any]:
    if not (roles.has("member") or roles.mentor_status is not None):
        return {"waiting": 0}  # surveys go to the parties of a relationship: members and mentors
    return {"waiting": selectors.surveys_for(user).filter(answered_at__isnull=True).count()}


def register() -> None:
    register_section(
        DashboardSection(
            key="outcomes-surveys", template_name="outcomes/dashboard_surveys.html", context=_context, order=70
        )
    )
