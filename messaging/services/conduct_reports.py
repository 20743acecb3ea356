"""Reports that a mentor broke the code of conduct: a member of the mutual makes one; the programme team closes it
with a note of what they did. Every close is in the moderation log."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.conduct import current_code
from accounts.models import User
from messaging import selectors
from messaging.models import ConductReport, ModerationAction, Relationship
from messaging.services.common import RelationshipError, _pair, _require_party
from notifications.services import notify


@transaction.atomic
def conduct_report_create(*, relationship: Relationship, user: User, details: str) -> ConductReport:
    """A member of the mutual tells the programme team the mentor broke the code of conduct."""
    _require_party(relationship, user)
    if not selectors.is_member_of(user, relationship):
        raise RelationshipError("Only members of the mutual can report a breach of the mentor code of conduct.")
    if not details.strip():
        raise RelationshipError("Enter what happened.")
    report = ConductReport.objects.create(
        relationship=relationship, reported_by=user, code=current_code(), details=details.strip()
    )
    notify(
        "conduct_breach_reported",
        to=User.objects.filter(is_programme_team=True, is_active=True),
        params=_pair(relationship),
        url=reverse("messaging:conduct_report_detail", kwargs={"pk": report.pk}),
    )
    return report


@transaction.atomic
def conduct_report_close(*, report: ConductReport, actor: User, note: str) -> ConductReport:
    """The programme team closes a report, saying what they did (logged as a moderation action)."""
    if not actor.is_programme_team:
        raise RelationshipError("Only the programme team can close reports.")
    report = ConductReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_open:
        raise RelationshipError("This report is already closed.")
    report.resolved_at = timezone.now()
    report.resolved_by = actor
    report.resolution = note
    report.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    mentor = report.relationship.mentor
    ModerationAction.objects.create(
        actor=actor,
        action=ModerationAction.Action.CLOSE_CONDUCT_REPORT,
        target_user=mentor.user if mentor is not None else None,
        note=note,
    )
    return report
