"""Reads for mentoring groups, scoped to the person asking (messaging/models/groups.py).

A group's parties are its mentor and every member of each mutual still in it. Every group page fetches the group
through `groups_for(user)`, so another group, or a group a mutual has left, is the same 404 as a missing id. Goals
are one mutual's: a member sees their own mutual's goals only, the mentor sees every mutual's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Mutual, SupportTopic, User
from matching.models import MentoringRequest
from messaging.models import GroupGoal, GroupMeeting, GroupMember, GroupMessage, MentoringGroup

GROUP_MESSAGES_SHOWN = 100


def _current_places() -> QuerySet[GroupMember]:
    return GroupMember.objects.filter(left_at=None)


def groups_for(user: User) -> QuerySet[MentoringGroup]:
    """The groups this person is a party to: as their mentor, or as a member of a mutual still in the group."""
    mine = _current_places().filter(mutual__in=Membership.objects.filter(user=user).values("mutual"))
    return MentoringGroup.objects.filter(Q(mentor__user=user) | Q(pk__in=mine.values("group"))).select_related(
        "mentor__user", "topic"
    )


def group_for(user: User, group_id: int) -> MentoringGroup:
    return get_object_or_404(groups_for(user), pk=group_id)


def is_group_mentor(user: User, group: MentoringGroup) -> bool:
    return group.mentor is not None and group.mentor.user_id == user.pk


def group_mutuals(group: MentoringGroup) -> list[Mutual]:
    """The mutuals in the group now, in the order they joined."""
    return [place.mutual for place in _current_places().filter(group=group).select_related("mutual")]


def my_group_mutuals(user: User, group: MentoringGroup) -> list[Mutual]:
    """The person's own mutuals in the group (usually one): whose goals they see and can set."""
    mine = set(Membership.objects.filter(user=user).values_list("mutual_id", flat=True))
    return [mutual for mutual in group_mutuals(group) if mutual.pk in mine]


def group_parties(group: MentoringGroup) -> list[User]:
    """Everyone in the group: the mentor (while their account exists) and every member of each mutual in it."""
    members = list(
        User.objects.filter(memberships__mutual__in=_current_places().filter(group=group).values("mutual"))
        .distinct()
        .order_by("pk")
    )
    if group.mentor is not None and all(person.pk != group.mentor.user_id for person in members):
        return [group.mentor.user, *members]
    return members


def group_messages(group: MentoringGroup) -> list[GroupMessage]:
    """The latest messages, oldest first."""
    latest = GroupMessage.objects.filter(group=group).select_related("author").order_by("-id")[:GROUP_MESSAGES_SHOWN]
    return list(reversed(latest))


def group_goals_for(user: User, group: MentoringGroup) -> QuerySet[GroupGoal]:
    goals = GroupGoal.objects.filter(group=group).select_related("mutual")
    if is_group_mentor(user, group):
        return goals
    return goals.filter(mutual__in=Membership.objects.filter(user=user).values("mutual"))


def group_meetings(group: MentoringGroup) -> QuerySet[GroupMeeting]:
    return GroupMeeting.objects.filter(group=group).select_related("group")


def group_meeting_for(user: User, group_id: int, meeting_id: int) -> GroupMeeting:
    return get_object_or_404(group_meetings(group_for(user, group_id)), pk=meeting_id)


# --- The programme team's view ----------------------------------------------------------------------------------


def staff_groups() -> QuerySet[MentoringGroup]:
    return MentoringGroup.objects.select_related("mentor__user", "topic").prefetch_related(
        Prefetch("members", queryset=_current_places().select_related("mutual"), to_attr="current_places")
    )


@dataclass(frozen=True)
class TopicCandidates:
    """Requests looking for a mentor that share one topic: a group could be made from them."""

    topic: SupportTopic
    requests: list[MentoringRequest]


def group_candidates() -> list[TopicCandidates]:
    """Open and needs-attention requests, grouped by each topic at least two mutuals asked about (a request with
    several topics is under each). Topics with the most requests first."""
    requests = (
        MentoringRequest.objects.filter(status__in=MentoringRequest.GROUPABLE_STATUSES)
        .select_related("mutual", "service_area")
        .prefetch_related("topics")
        .order_by("created_at", "pk")
    )
    by_topic: dict[int, list[MentoringRequest]] = defaultdict(list)
    topics: dict[int, SupportTopic] = {}
    for request in requests:
        for topic in request.topics.all():
            topics[topic.pk] = topic
            by_topic[topic.pk].append(request)
    shared = [
        TopicCandidates(topics[pk], found)
        for pk, found in by_topic.items()
        if len({request.mutual_id for request in found}) >= 2
    ]
    return sorted(shared, key=lambda candidates: (-len(candidates.requests), candidates.topic.name))
