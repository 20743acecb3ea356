"""Reads for mentoring groups, scoped to the person asking (messaging/models/groups.py).

A group's parties are its mentor and every member of each mutual still in it. Every group page fetches the group
through `groups_for(user)`, so another group, or a group a mutual has left, is the same 404 as a missing id. Goals
are one mutual's: a member sees their own mutual's goals only, the mentor sees every mutual's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Mutual, SupportTopic, User
from matching.models import MentoringRequest
from messaging.models import Feedback, GroupGoal, GroupMeeting, GroupMember, GroupMessage, MentoringGroup

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


# --- Closing feedback ---------------------------------------------------------------------------------------------


def feedback_places_for(user: User) -> QuerySet[GroupMember]:
    """The group places (one mutual's time in a group) this person may give closing feedback on: as the group's
    mentor, or as a member of that mutual, also after the mutual left the group. Anyone else: nothing."""
    mine = Membership.objects.filter(user=user).values("mutual")
    return GroupMember.objects.filter(Q(group__mentor__user=user) | Q(mutual__in=mine)).select_related(
        "group__mentor__user", "group__topic", "mutual"
    )


def feedback_place_for(user: User, group_id: int, place_id: int) -> GroupMember:
    return get_object_or_404(feedback_places_for(user), group_id=group_id, pk=place_id)


def place_has_ended(place: GroupMember) -> bool:
    """Feedback is asked for once the mutual has left the group, or the group has closed."""
    return place.left_at is not None or not place.group.is_open


def own_feedback(user: User, place: GroupMember) -> Feedback | None:
    """The person's own answers: nobody else's are ever shown to them."""
    return Feedback.objects.filter(group_place=place, author=user).first()


def feedback_asked_of(user: User, group: MentoringGroup) -> list[GroupMember]:
    """The places in this group that have ended and on which this person is asked for feedback, each with
    `given` (whether they have answered)."""
    given = Feedback.objects.filter(group_place=OuterRef("pk"), author=user)
    places = feedback_places_for(user).filter(group=group).annotate(given=Exists(given)).order_by("joined_at", "pk")
    if group.is_open:
        places = places.exclude(left_at=None)
    return list(places)


# --- The programme team's view ----------------------------------------------------------------------------------


def staff_groups() -> QuerySet[MentoringGroup]:
    """Every group, with its closing feedback in aggregate only (how many answers, the average rating): the
    programme team never reads one person's answers about a group."""
    return (
        MentoringGroup.objects.select_related("mentor__user", "topic")
        .prefetch_related(
            Prefetch("members", queryset=_current_places().select_related("mutual"), to_attr="current_places")
        )
        .annotate(feedback_count=Count("members__feedback"), feedback_rating=Avg("members__feedback__rating"))
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
