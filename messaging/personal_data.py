"""What the relationships app holds about a person, for accounts/personal_data.py (export and account deletion).

When a person deletes their account, their messages stay in the conversation, attributed to "Former user";
relationships, goals and check-ins stay with the other side. A relationship that cannot go on without them (all of
theirs as a mentor; their mutual's, when they were its last member) is ended early first.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Membership, User
from accounts.personal_data import PersonalDataSource, register, when
from messaging import group_selectors, selectors, services
from messaging.models import (
    CalendarFeed,
    CheckIn,
    ConductReport,
    Feedback,
    Goal,
    GroupGoal,
    GroupMeeting,
    GroupMessage,
    Meeting,
    MentoringAgreement,
    Message,
    MessageReport,
    Relationship,
    SharedDocument,
)


def _relationships(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": relationship.pk,
            "mentor": relationship.mentor_name,
            "mutual": relationship.mutual.name,
            "status": relationship.get_status_display(),
            "started_at": when(relationship.started_at),
            "ended_at": when(relationship.ended_at),
            "end_reason": relationship.end_reason,
        }
        for relationship in selectors.relationships_for(user).order_by("started_at")
    ]


def _messages(user: User) -> list[dict[str, Any]]:
    return [
        {"relationship": message.relationship_id, "sent_at": when(message.created_at), "text": message.body}
        for message in Message.objects.filter(author=user).order_by("id")
    ]


def _goals(user: User) -> list[dict[str, Any]]:
    return [
        {
            "relationship": goal.relationship_id,
            "title": goal.title,
            "description": goal.description,
            "topics": [topic.name for topic in goal.topics.all()],
            "status": goal.get_status_display(),
            "created_at": when(goal.created_at),
        }
        for goal in Goal.objects.filter(created_by=user).prefetch_related("topics").order_by("id")
    ]


def _check_ins(user: User) -> list[dict[str, Any]]:
    return [
        {
            "relationship": check_in.relationship_id,
            "met_on": when(check_in.met_on),
            "duration_minutes": check_in.duration_minutes,
            "format": check_in.get_format_display(),
            "notes": check_in.notes,
        }
        for check_in in CheckIn.objects.filter(logged_by=user).order_by("id")
    ]


def _meetings(user: User) -> list[dict[str, Any]]:
    """Meetings whose time this person proposed (the meeting itself belongs to the relationship, and goes with
    it: a cascade when the relationship's mutual is deleted)."""
    return [
        {
            "relationship": meeting.relationship_id,
            "starts_at": when(meeting.starts_at),
            "duration_minutes": meeting.duration_minutes,
            "format": meeting.get_format_display(),
            "address": meeting.address,
            "link": meeting.link,
            "agenda": meeting.agenda,
            "status": meeting.get_status_display(),
        }
        for meeting in Meeting.objects.filter(proposed_by=user).order_by("id")
    ]


def _agreements(user: User) -> list[dict[str, Any]]:
    """Agreement terms this person proposed (they belong to the relationship and stay with it, unattributed)."""
    return [
        {
            "relationship": agreement.relationship_id,
            "version": agreement.version,
            "meeting_frequency": agreement.get_meeting_frequency_display(),
            "duration_months": agreement.duration_months,
            "review_on": when(agreement.review_on),
            "out_of_scope": agreement.out_of_scope,
            "confirmed_at": when(agreement.confirmed_at),
        }
        for agreement in MentoringAgreement.objects.filter(proposed_by=user).order_by("id")
    ]


def _conduct_reports(user: User) -> list[dict[str, Any]]:
    """Breaches of the code of conduct they reported (the report stays for the programme team, unattributed)."""
    return [
        {"relationship": report.relationship_id, "details": report.details, "reported_at": when(report.created_at)}
        for report in ConductReport.objects.filter(reported_by=user).order_by("id")
    ]


def _documents(user: User) -> list[dict[str, Any]]:
    """The documents they shared (names and sizes; the files are downloaded from the relationship's page). They are
    deleted with the account: a file someone shared is theirs, unlike a message the other side keeps."""
    return [
        {
            "relationship": document.relationship_id,
            "name": document.name,
            "size": document.size,
            "shared_at": when(document.created_at),
        }
        for document in SharedDocument.objects.filter(uploaded_by=user).order_by("id")
    ]


def _delete_documents(user: User) -> None:
    from messaging.services import documents_delete_of

    documents_delete_of(user)


def _calendar_feed(user: User) -> list[dict[str, Any]]:
    # The secret address itself is not exported (an export file travels): only that it exists and since when.
    # The row goes with the account (CASCADE on the user).
    return [
        {"created_at": when(feed.created_at), "last_used_at": when(feed.last_used_at)}
        for feed in CalendarFeed.objects.filter(user=user)
    ]


def _feedback(user: User) -> list[dict[str, Any]]:
    return [
        {
            "relationship": feedback.relationship_id,
            "group_place": feedback.group_place_id,
            "rating": feedback.rating,
            "goal_progress": feedback.get_goal_progress_display(),
            "would_recommend": feedback.would_recommend,
            "comments": feedback.comments,
            "created_at": when(feedback.created_at),
        }
        for feedback in Feedback.objects.filter(author=user).order_by("id")
    ]


def _reports(user: User) -> list[dict[str, Any]]:
    return [
        {
            "message": report.message_id,
            "group_message": report.group_message_id,
            "reason": report.get_reason_display(),
            "details": report.details,
            "created_at": when(report.created_at),
        }
        for report in MessageReport.objects.filter(reported_by=user).order_by("id")
    ]


def _end_relationships(user: User) -> None:
    for relationship in Relationship.objects.filter(mentor__user=user, status__in=Relationship.OPEN_STATUSES):
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


def _groups(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": group.pk,
            "title": group.title,
            "mentor": group.mentor_name,
            "status": group.get_status_display(),
            "started_at": when(group.created_at),
            "closed_at": when(group.closed_at),
        }
        for group in group_selectors.groups_for(user).order_by("created_at")
    ]


def _group_messages(user: User) -> list[dict[str, Any]]:
    """As a relationship's messages: exported, and kept in the group's conversation as "Former user" after the
    account goes (the author is set to null by the foreign key)."""
    return [
        {"group": message.group_id, "sent_at": when(message.created_at), "text": message.body}
        for message in GroupMessage.objects.filter(author=user).order_by("id")
    ]


def _group_goals(user: User) -> list[dict[str, Any]]:
    return [
        {
            "group": goal.group_id,
            "mutual": goal.mutual.name,
            "title": goal.title,
            "description": goal.description,
            "status": goal.get_status_display(),
            "created_at": when(goal.created_at),
        }
        for goal in GroupGoal.objects.filter(created_by=user).select_related("mutual").order_by("id")
    ]


def _group_meetings(user: User) -> list[dict[str, Any]]:
    return [
        {
            "group": meeting.group_id,
            "starts_at": when(meeting.starts_at),
            "duration_minutes": meeting.duration_minutes,
            "format": meeting.get_format_display(),
            "address": meeting.address,
            "link": meeting.link,
            "agenda": meeting.agenda,
            "status": meeting.get_status_display(),
        }
        for meeting in GroupMeeting.objects.filter(arranged_by=user).order_by("id")
    ]


def _close_groups(user: User) -> None:
    from messaging.services.groups import groups_close_of_mentor

    groups_close_of_mentor(user)


def register_sources() -> None:
    register(PersonalDataSource("relationships", _relationships, before_delete=_end_relationships, order=30))
    register(PersonalDataSource("messages_written", _messages, order=31))
    register(PersonalDataSource("goals_proposed", _goals, order=32))
    register(PersonalDataSource("check_ins_logged", _check_ins, order=33))
    register(PersonalDataSource("feedback_given", _feedback, order=34))
    register(PersonalDataSource("meetings_proposed", _meetings, order=36))
    register(PersonalDataSource("calendar_feed", _calendar_feed, order=37))
    register(PersonalDataSource("agreements_proposed", _agreements, order=38))
    register(PersonalDataSource("conduct_breaches_reported", _conduct_reports, order=39))
    register(PersonalDataSource("documents_shared", _documents, before_delete=_delete_documents, order=40))
    register(PersonalDataSource("messages_reported", _reports, order=35))
    register(PersonalDataSource("mentoring_groups", _groups, before_delete=_close_groups, order=41))
    register(PersonalDataSource("group_messages_written", _group_messages, order=42))
    register(PersonalDataSource("group_goals_set", _group_goals, order=43))
    register(PersonalDataSource("group_meetings_arranged", _group_meetings, order=44))
