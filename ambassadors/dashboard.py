"""The ambassadors programme on a person's dashboard and in their roles: applicants follow their application,
ambassadors reach their profile, their invitations and the engagements they log."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from accounts.dashboard import DashboardSection, register_section
from accounts.models import User
from accounts.roles import Roles, register_role
from ambassadors.models import Ambassador, Application, EngagementInvitation

# Applications still being decided: the applicant is waiting to hear.
WAITING_STATUSES = (Application.Status.SUBMITTED, Application.Status.SHORTLISTED, Application.Status.INTERVIEW)


def _section(user: User, roles: Roles) -> dict[str, Any]:
    ambassador = (
        Ambassador.objects.filter(user=user, status=Ambassador.Status.ACTIVE).first()
        if roles.has("ambassador")
        else None
    )
    applications = (
        list(
            Application.objects.filter(applicant=user, status__in=WAITING_STATUSES)
            .select_related("cohort")
            .order_by("-submitted_at")[:3]
        )
        if roles.has("applicant")
        else []
    )
    open_invitations = (
        EngagementInvitation.objects.filter(ambassador=ambassador, status=EngagementInvitation.Status.PENDING).count()
        if ambassador
        else 0
    )
    return {
        "ambassador": ambassador,
        "applications": applications,
        "open_invitations": open_invitations,
        "involved": ambassador is not None or bool(applications),
    }


def register() -> None:
    register_role(
        "ambassador",
        lambda: Exists(Ambassador.objects.filter(user=OuterRef("pk"), status=Ambassador.Status.ACTIVE)),
    )
    register_role(
        "applicant",
        lambda: Exists(Application.objects.filter(applicant=OuterRef("pk"), status__in=WAITING_STATUSES)),
    )
    register_section(
        DashboardSection(
            key="ambassadors",
            template_name="ambassadors/dashboard_section.html",
            context=_section,
            order=40,
        )
    )
