"""A person's own data: download everything we hold about them, or delete their account.

Deleting an account removes the person and their personal data everywhere without breaking anyone else's
history: their messages stay in the conversation, attributed to "Former user"; relationships, goals and check-ins
stay with the other side; a mutual they leave with no members stays for the record.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import ProtectedError, Q, Value
from django.db.models.functions import Replace
from django.utils import timezone

from accounts.models import Membership, MentorProfile, MutualInvitation, User
from messaging import selectors, services
from messaging.models import FORMER_USER, CheckIn, Feedback, Goal, Message, MessageReport, Notice, Relationship


class AccountDeletionError(Exception):
    """The account cannot be deleted yet. The message says what to do instead."""


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _mentor_profile(profile: MentorProfile | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {
        "headline": profile.headline,
        "bio": profile.bio,
        "organisation": profile.organisation,
        "topics": [topic.name for topic in profile.topics.all()],
        "service_areas": [area.name for area in profile.service_areas.all()],
        "stages": [stage.name for stage in profile.stages.all()],
        "region": profile.region.name,
        "format": profile.get_format_display(),
        "capacity": profile.capacity,
        "active_mentees": profile.active_mentees,
        "paused_until": _when(profile.paused_until),
        "conflicts": [mutual.name for mutual in profile.conflicts.all()],
        "conflicts_note": profile.conflicts_note,
        "status": profile.get_status_display(),
        "created_at": _when(profile.created_at),
    }


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the service holds about this person, as JSON-ready data."""
    from matching.models import MentoringRequest

    profile = MentorProfile.objects.filter(user=user).select_related("region").first()
    relationships = selectors.relationships_for(user).order_by("started_at")
    return {
        "exported_at": _when(timezone.now()),
        "profile": {
            "email": user.email,
            "full_name": user.full_name,
            "programme_team": user.is_programme_team,
            "email_notifications": user.email_notifications,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "mutual_memberships": [
            {
                "mutual": membership.mutual.name,
                "job_title": membership.job_title,
                "joined_at": _when(membership.joined_at),
            }
            for membership in Membership.objects.filter(user=user).select_related("mutual")
        ],
        "mentor_profile": _mentor_profile(profile),
        "mentoring_requests_created": [
            {
                "title": request.title,
                "mutual": request.mutual.name,
                "topics": [topic.name for topic in request.topics.all()],
                "description": request.description,
                "format": request.get_format_display(),
                "status": request.get_status_display(),
                "created_at": _when(request.created_at),
            }
            for request in MentoringRequest.objects.filter(created_by=user)
            .select_related("mutual")
            .prefetch_related("topics")
            .order_by("created_at")
        ],
        "relationships": [
            {
                "id": relationship.pk,
                "mentor": relationship.mentor_name,
                "mutual": relationship.mutual.name,
                "status": relationship.get_status_display(),
                "started_at": _when(relationship.started_at),
                "ended_at": _when(relationship.ended_at),
                "end_reason": relationship.end_reason,
            }
            for relationship in relationships
        ],
        "messages_written": [
            {"relationship": message.relationship_id, "sent_at": _when(message.created_at), "text": message.body}
            for message in Message.objects.filter(author=user).order_by("id")
        ],
        "goals_proposed": [
            {
                "relationship": goal.relationship_id,
                "title": goal.title,
                "description": goal.description,
                "topics": [topic.name for topic in goal.topics.all()],
                "status": goal.get_status_display(),
                "created_at": _when(goal.created_at),
            }
            for goal in Goal.objects.filter(created_by=user).prefetch_related("topics").order_by("id")
        ],
        "check_ins_logged": [
            {
                "relationship": check_in.relationship_id,
                "met_on": _when(check_in.met_on),
                "duration_minutes": check_in.duration_minutes,
                "format": check_in.get_format_display(),
                "notes": check_in.notes,
            }
            for check_in in CheckIn.objects.filter(logged_by=user).order_by("id")
        ],
        "feedback_given": [
            {
                "relationship": feedback.relationship_id,
                "rating": feedback.rating,
                "goal_progress": feedback.get_goal_progress_display(),
                "would_recommend": feedback.would_recommend,
                "comments": feedback.comments,
                "created_at": _when(feedback.created_at),
            }
            for feedback in Feedback.objects.filter(author=user).order_by("id")
        ],
        "messages_reported": [
            {
                "message": report.message_id,
                "reason": report.get_reason_display(),
                "details": report.details,
                "created_at": _when(report.created_at),
            }
            for report in MessageReport.objects.filter(reported_by=user).order_by("id")
        ],
        "notices": [
            {"kind": notice.get_kind_display(), "text": notice.text, "created_at": _when(notice.created_at)}
            for notice in Notice.objects.filter(user=user).order_by("id")
        ],
    }


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the person's account and personal data, keeping the other side's history intact.

    Ends the relationships that cannot go on without them (all of theirs as a mentor; their mutual's, when they
    were its last member), then deletes the user row, which takes their email addresses, MFA authenticators,
    memberships, mentor profile and notices with it; what they wrote stays, attributed to "Former user".
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    # The names other people's notices may carry for them (services write display_name, which is the full name).
    names = {name for name in (user.full_name, user.email) if name}
    emails = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) | {user.email}

    as_mentor = Relationship.objects.filter(mentor__user=user, status__in=Relationship.OPEN_STATUSES)
    for relationship in as_mentor:
        services.relationship_end_early(relationship=relationship, user=None, reason="The mentor closed their account.")
    sole_mutual_ids = [
        membership.mutual_id
        for membership in Membership.objects.filter(user=user)
        if not Membership.objects.filter(mutual_id=membership.mutual_id).exclude(user=user).exists()
    ]
    for relationship in Relationship.objects.filter(
        mutual_id__in=sole_mutual_ids, status__in=Relationship.OPEN_STATUSES
    ):
        services.relationship_end_early(
            relationship=relationship, user=None, reason="The mutual's last member closed their account."
        )

    # Invitations that were sent to them carry their address.
    email_match = Q()
    for email in emails:
        email_match |= Q(email__iexact=email)
    MutualInvitation.objects.filter(email_match).delete()
    # Other people's notices name them ("Alice paused the relationship"): replace the name.
    for name in sorted(names, key=len, reverse=True):
        Notice.objects.filter(text__contains=name).update(text=Replace("text", Value(name), Value(FORMER_USER)))

    try:
        user.delete()
    except ProtectedError as error:
        raise AccountDeletionError(
            "Your account is linked to records the programme must keep (for example ambassador engagements). "
            "Contact the programme team to close it."
        ) from error
