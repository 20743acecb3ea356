"""The information service's section of the dashboard: for the programme team, what is waiting in the enquiry
queue and which guidance pages are due for review; for everyone else, nothing (the template shows nothing)."""

from __future__ import annotations

from typing import Any

from accounts.dashboard import DashboardSection, register_section
from accounts.models import User
from accounts.roles import Roles
from information import selectors


def _context(user: User, roles: Roles) -> dict[str, Any]:
    if not user.is_programme_team:
        return {}
    overdue = selectors.resources_for_staff().filter(reviewed_on__lt=selectors.review_due_before()).count()
    return {"counts": selectors.queue_counts(user), "review_overdue": overdue}


def register() -> None:
    register_section(
        DashboardSection(
            key="information-service",
            template_name="information/dashboard_staff.html",
            context=_context,
            order=60,
        )
    )
