"""Reads for relationship pages, scoped to the person asking.

A party is the mentor or any member of the mutual. Every object is fetched through a queryset scoped to the
person's own relationships, so another pair's relationship, message or goal is the same 404 as a missing id.
Programme staff read relationships through `staff_relationships()`, which never touches message bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Membership, User
from messaging.models import (
    CalendarFeed,
    CheckIn,
    ConductReport,
    ConversationState,
    Feedback,
    Goal,
    Meeting,
    MentoringAgreement,
    Message,
    MessageReport,
    Relationship,
)
from messaging.models.meetings import FIRST_MEETING_DUE_AFTER
from notifications.models import Notice

MESSAGES_PER_PAGE = 50


def _party_filter(user: User) -> Q:
    # A subquery rather than a join on memberships, so a relationship is never repeated in a list.
    return Q(mentor__user=user) | Q(mutual__in=Membership.objects.filter(user=user).values("mutual"))


def relationships_for(user: User) -> QuerySet[Relationship]:
    """The relationships this person is a party to, with the people the pages show."""
    return Relationship.objects.filter(_party_filter(user)).select_related("mentor__user", "mutual", "request")


def is_mentor_of(user: User, relationship: Relationship) -> bool:
    return relationship.mentor is not None and relationship.mentor.user_id == user.pk


def is_member_of(user: User, relationship: Relationship) -> bool:
    return Membership.objects.filter(user=user, mutual_id=relationship.mutual_id).exists()


def parties_of(relationship: Relationship) -> list[User]:
    """Everyone in the conversation: the mentor (while their account exists) and every member of the mutual."""
    members = list(
        User.objects.filter(memberships__mutual_id=relationship.mutual_id).order_by("memberships__joined_at")
    )
    if relationship.mentor is not None and all(m.pk != relationship.mentor.user_id for m in members):
        return [relationship.mentor.user, *members]
    return members


def _read_marker(user: User) -> Coalesce:
    return Coalesce(
        Subquery(
            ConversationState.objects.filter(relationship=OuterRef("relationship"), user=user).values(
                "last_read_message_id"
            )[:1]
        ),
        Value(0),
    )


def unread_messages_for(user: User) -> QuerySet[Message]:
    """Messages in any of the person's conversations written by someone else after their read marker."""
    return (
        Message.objects.filter(relationship__in=relationships_for(user).values("pk"))
        .exclude(author=user)
        .alias(read_marker=_read_marker(user))
        .filter(id__gt=F("read_marker"))
    )


def inbox_for(user: User) -> QuerySet[Relationship]:
    """The conversations list: each relationship with its last message and the person's unread count.

    One query however many relationships: the last message is a denormalised foreign key and the unread count a
    correlated subquery over the (relationship, id) index.
    """
    read_marker = Coalesce(
        Subquery(
            ConversationState.objects.filter(relationship=OuterRef("pk"), user=user).values("last_read_message_id")[:1]
        ),
        Value(0),
    )
    unread = (
        Message.objects.filter(relationship=OuterRef("pk"), id__gt=OuterRef("read_marker"))
        .exclude(author=user)
        .order_by()
        .values("relationship")
        .annotate(count=Count("id"))
        .values("count")
    )
    return (
        relationships_for(user)
        .select_related("last_message__author")
        .annotate(read_marker=read_marker)
        .annotate(unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
        .order_by("-last_activity_at", "-pk")
    )


@dataclass(frozen=True)
class MessagePage:
    """One page of a conversation, newest first, with keyset links to older and newer pages."""

    messages: list[Message]
    older_before: int | None  # pass as ?before= to see older messages
    newer_before: int | None  # pass as ?before= for the next newer page; None with has_newer means "newest"
    has_newer: bool

    @property
    def is_newest(self) -> bool:
        return not self.has_newer


def message_page(relationship: Relationship, before: int | None = None) -> MessagePage:
    """Messages with an id below `before` (all messages when None), newest page first; two queries at most.

    Keyset pagination: no COUNT over the conversation and no OFFSET, so a 10,000-message conversation costs the
    same as a ten-message one.
    """
    queryset = Message.objects.filter(relationship=relationship).select_related("author")
    page_query = queryset.filter(id__lt=before) if before is not None else queryset
    newest_first = list(page_query.order_by("-id")[: MESSAGES_PER_PAGE + 1])
    has_older = len(newest_first) > MESSAGES_PER_PAGE
    messages = newest_first[:MESSAGES_PER_PAGE]
    older_before = messages[-1].pk if has_older else None
    has_newer = False
    newer_before: int | None = None
    if before is not None:
        newer_ids = list(
            Message.objects.filter(relationship=relationship, id__gte=before)
            .order_by("id")
            .values_list("id", flat=True)[: MESSAGES_PER_PAGE + 1]
        )
        has_newer = bool(newer_ids)
        if len(newer_ids) > MESSAGES_PER_PAGE:
            newer_before = newer_ids[MESSAGES_PER_PAGE]
    return MessagePage(messages=messages, older_before=older_before, newer_before=newer_before, has_newer=has_newer)


def messages_of(relationship: Relationship) -> QuerySet[Message]:
    """The messages of a relationship the caller already fetched through a party-scoped selector."""
    return Message.objects.filter(relationship=relationship).select_related("author")


def goals_of(relationship: Relationship) -> QuerySet[Goal]:
    return relationship.goals.select_related("created_by", "agreed_by").prefetch_related("topics")


def check_ins_of(relationship: Relationship) -> QuerySet[CheckIn]:
    return relationship.check_ins.select_related("logged_by")


def feedback_of(relationship: Relationship) -> QuerySet[Feedback]:
    return relationship.feedback.select_related("author")


def has_given_feedback(user: User, relationship: Relationship) -> bool:
    return relationship.feedback.filter(author=user).exists()


def header_count_annotations(user: User) -> dict[str, Any]:
    """Unread messages and unread notices as expressions on a User queryset: the header reads them with the
    person's roles in its one query (pages/navigation.py)."""
    return {
        "unread_messages": Coalesce(
            Subquery(
                unread_messages_for(user)
                .order_by()
                .annotate(group=Value(1))
                .values("group")
                .annotate(count=Count("id"))
                .values("count"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        "unread_notices": Coalesce(
            Subquery(
                Notice.objects.filter(user=user, read_at=None)
                .order_by()
                .values("user")
                .annotate(count=Count("id"))
                .values("count"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    }


def header_counts(user: User) -> dict[str, int]:
    """Unread messages and unread notices for the header, in one query."""
    found = User.objects.filter(pk=user.pk).values(**header_count_annotations(user)).first()
    row: dict[str, Any] = dict(found) if found else {"unread_messages": 0, "unread_notices": 0}
    return {"unread_messages": row["unread_messages"], "unread_notices": row["unread_notices"]}


# --- Programme staff -----------------------------------------------------------------------------------------


def staff_relationships() -> QuerySet[Relationship]:
    """Every relationship's facts for the programme team: who, since when, status, last activity. No messages."""
    return (
        Relationship.objects.select_related("mentor__user", "mutual", "request")
        .annotate(
            check_in_count=Count("check_ins", distinct=True),
            has_met=Exists(CheckIn.objects.filter(relationship=OuterRef("pk"))),
            has_agreement=Exists(
                MentoringAgreement.objects.filter(relationship=OuterRef("pk"), confirmed_at__isnull=False)
            ),
            first_meeting_overdue=ExpressionWrapper(
                Q(has_met=False)
                & Q(status=Relationship.Status.ACTIVE)
                & Q(started_at__lte=timezone.now() - FIRST_MEETING_DUE_AFTER),
                output_field=BooleanField(),
            ),
        )
        .order_by("-last_activity_at", "-pk")
    )


def relationships_without_first_meeting(started_before: datetime) -> QuerySet[Relationship]:
    """Active relationships that started before `started_before` and have held no meeting: no check-in yet (a
    meeting recorded as held is a check-in)."""
    return Relationship.objects.filter(status=Relationship.Status.ACTIVE, started_at__lte=started_before).exclude(
        Exists(CheckIn.objects.filter(relationship=OuterRef("pk")))
    )


# --- Meetings -------------------------------------------------------------------------------------------------

# Meetings stay on the relationship page (and in calendar feeds) this long after they start, so the outcome can be
# recorded and yesterday's meeting is still in the calendar.
RECENT_MEETINGS = timedelta(days=30)


def meetings_of(relationship: Relationship) -> QuerySet[Meeting]:
    return Meeting.objects.filter(relationship=relationship).select_related(
        "relationship__mentor__user", "relationship__mutual", "proposed_by"
    )


def current_meetings_of(relationship: Relationship, now: datetime) -> QuerySet[Meeting]:
    """What the relationship page lists: meetings still to come or waiting for an outcome, and recent ones."""
    return meetings_of(relationship).filter(
        Q(starts_at__gte=now - RECENT_MEETINGS)
        | Q(status__in=[Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED], starts_at__lt=now)
    )


def calendar_feed_of(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed behind a secret address, if the address is current and its person can still sign in."""
    return CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()


def calendar_meetings_for(user: User, now: datetime) -> QuerySet[Meeting]:
    """The accepted meetings in a person's calendar feed: from a month ago on, in their open relationships."""
    return (
        Meeting.objects.filter(
            relationship__in=relationships_for(user).filter(status__in=Relationship.OPEN_STATUSES),
            status__in=[Meeting.Status.ACCEPTED, Meeting.Status.HELD],
            starts_at__gte=now - RECENT_MEETINGS,
        )
        .select_related("relationship__mentor__user", "relationship__mutual")
        .order_by("starts_at", "pk")
    )


def staff_relationship(relationship_id: int) -> Relationship:
    return get_object_or_404(
        staff_relationships().prefetch_related(
            Prefetch("feedback", queryset=Feedback.objects.select_related("author")),
            Prefetch("goals", queryset=Goal.objects.prefetch_related("topics")),
        ),
        pk=relationship_id,
    )


def reports_for_staff() -> QuerySet[MessageReport]:
    """Reported messages, a relationship's or a mentoring group's, with their reports: staff see these messages
    only, never the rest of a conversation."""
    return MessageReport.objects.select_related(
        "message__author",
        "message__relationship__mutual",
        "message__relationship__mentor__user",
        "group_message__author",
        "group_message__group__mentor__user",
        "reported_by",
    ).order_by("resolved_at", "-created_at")


def report_for_staff(report_id: int) -> MessageReport:
    return get_object_or_404(reports_for_staff().prefetch_related("actions__actor"), pk=report_id)


# --- Agreements ---------------------------------------------------------------------------------------------------


def current_agreement(relationship: Relationship) -> MentoringAgreement | None:
    """The latest version that has not been replaced: agreed, or waiting for the other side."""
    return (
        MentoringAgreement.objects.filter(relationship=relationship, superseded_at=None)
        .select_related("proposed_by", "confirmed_by", "relationship__mentor__user", "relationship__mutual")
        .order_by("-version")
        .first()
    )


def agreed_agreement(relationship: Relationship) -> MentoringAgreement | None:
    """The terms in force: the latest confirmed version."""
    return (
        MentoringAgreement.objects.filter(relationship=relationship, confirmed_at__isnull=False)
        .select_related("proposed_by", "confirmed_by")
        .order_by("-version")
        .first()
    )


def agreements_due_for_review(today: date) -> QuerySet[MentoringAgreement]:
    """Agreed terms in force (no later confirmed version) of open relationships, whose review date has come and
    whose parties have not been prompted."""
    later_agreed = MentoringAgreement.objects.filter(
        relationship=OuterRef("relationship"), confirmed_at__isnull=False, version__gt=OuterRef("version")
    )
    return (
        MentoringAgreement.objects.filter(
            confirmed_at__isnull=False,
            review_on__lte=today,
            review_prompted_at=None,
            relationship__status__in=Relationship.OPEN_STATUSES,
        )
        .exclude(Exists(later_agreed))
        .select_related("relationship__mentor__user", "relationship__mutual")
    )


def conduct_reports_for_staff() -> QuerySet[ConductReport]:
    """Reports of breaches of the code of conduct, open ones first."""
    return ConductReport.objects.select_related(
        "relationship__mentor__user", "relationship__mutual", "reported_by", "resolved_by", "code"
    ).order_by("resolved_at", "-created_at")


def conduct_report_for_staff(report_id: int) -> ConductReport:
    return get_object_or_404(conduct_reports_for_staff(), pk=report_id)
