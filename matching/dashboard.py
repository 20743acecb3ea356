"""The matching sections of the dashboard: a member's requests and a mentor's introductions waiting for an answer.

Registered with accounts.dashboard from MatchingConfig.ready(); each costs a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from accounts.dashboard import DashboardSection, register_section
from accounts.models import User
from accounts.roles import Roles
from matching.models import Introduction, MentoringRequest

SHOWN = 5


def requests_section(user: User, roles: Roles) -> dict[str, Any]:
    is_member = roles.has("member")
    requests = (
        list(
            MentoringRequest.objects.filter(mutual__memberships__user=user)
            .select_related("mutual")
            .order_by("-created_at", "-id")[:SHOWN]
        )
        if is_member
        else []
    )
    return {"is_member": is_member, "requests": requests}


def introductions_section(user: User, roles: Roles) -> dict[str, Any]:
    mentor = roles.mentor_status is not None
    waiting = (
        list(
            Introduction.objects.filter(mentor__user=user, status=Introduction.Status.PENDING)
            .select_related("request__mutual")
            .order_by("expires_at", "id")[:SHOWN]
        )
        if mentor
        else []
    )
    return {"is_mentor": mentor, "waiting": waiting}


def staff_section(user: User, roles: Roles) -> dict[str, Any]:
    if not user.is_programme_team:
        return {"is_staff": False}
    attention = MentoringRequest.objects.filter(status=MentoringRequest.Status.NEEDS_ATTENTION).count()
    return {"is_staff": True, "attention_count": attention}


def register() -> None:
    register_section(
        DashboardSection(
            key="matching-programme-team",
            template_name="matching/dashboard_staff.html",
            context=staff_section,
            order=9,
        )
    )
    register_section(
        DashboardSection(
            key="matching-requests",
            template_name="matching/dashboard_requests.html",
            context=requests_section,
            order=10,
        )
    )
    register_section(
        DashboardSection(
            key="matching-introductions",
            template_name="matching/dashboard_introductions.html",
            context=introductions_section,
            order=11,
        )
    )
