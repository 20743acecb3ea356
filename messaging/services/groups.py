"""Group mentoring: the programme team makes a group from requests that share a topic; the mentor and the mutuals
talk in one conversation, the mentor arranges meetings for all of them (each party gets the calendar invitation),
each mutual sets its own goals; a mutual can leave and the mentor (or the programme team) closes the group.

Errors are RelationshipError, with words for the person who asked, as for relationships.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.conduct import conduct_accepted
from accounts.models import Membership, MentorProfile, Mutual, SupportTopic, User
from accounts.text import clean_line, clean_text
from matching import services as matching_services
from matching.models import MentoringRequest
from messaging import group_selectors, ics
from messaging.models import (
    Feedback,
    Goal,
    GroupGoal,
    GroupMeeting,
    GroupMember,
    GroupMessage,
    Meeting,
    MentoringGroup,
)
from messaging.models.groups import GROUP_MAX_MUTUALS, GROUP_MESSAGE_MAX_LENGTH, GROUP_MIN_MUTUALS
from messaging.services.common import RelationshipError
from messaging.services.goals import feedback_record
from messaging.services.meetings import _check_details, when_text
from notifications import references
from notifications.services import Attachment, notify


def group_url(group: MentoringGroup) -> str:
    return reverse("messaging:group_detail", kwargs={"pk": group.pk})


def group_feedback_url(place: GroupMember) -> str:
    return reverse("messaging:group_feedback", kwargs={"pk": place.group_id, "place_pk": place.pk})


def _lock(group: MentoringGroup) -> MentoringGroup:
    return MentoringGroup.objects.select_for_update(of=("self",)).select_related("mentor__user").get(pk=group.pk)


def _require_party(group: MentoringGroup, user: User) -> None:
    if not group_selectors.groups_for(user).filter(pk=group.pk).exists():
        raise RelationshipError("You are not part of this mentoring group.")


def _require_mentor(group: MentoringGroup, user: User, action: str) -> None:
    if not group_selectors.is_group_mentor(user, group):
        raise RelationshipError(f"Only the group's mentor can {action}.")


def _require_open(group: MentoringGroup, action: str) -> None:
    group.status = MentoringGroup.objects.values_list("status", flat=True).get(pk=group.pk)
    if not group.is_open:
        raise RelationshipError(f"This group is closed, so you cannot {action}.")


def _params(group: MentoringGroup) -> dict[str, object]:
    return {"title": group.title, "mentor": references.person(group.mentor.user if group.mentor else None)}


# --- Making a group -----------------------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *, user: User, mentor: MentorProfile, topic: SupportTopic, requests: Sequence[MentoringRequest], title: str = ""
) -> MentoringGroup:
    """The programme team puts 2 to 8 requests from different mutuals that share `topic` in a group with `mentor`.
    The requests are matched, the group takes one of the mentor's places, and everyone in it is told."""
    if not user.is_programme_team:
        raise RelationshipError("Only the programme team can make mentoring groups.")
    requests = list(
        MentoringRequest.objects.filter(pk__in=[request.pk for request in requests])
        .select_related("mutual")
        .prefetch_related("topics")
        .order_by("pk")
    )
    if not GROUP_MIN_MUTUALS <= len(requests) <= GROUP_MAX_MUTUALS:
        raise RelationshipError(f"Choose between {GROUP_MIN_MUTUALS} and {GROUP_MAX_MUTUALS} requests for a group.")
    if len({request.mutual_id for request in requests}) != len(requests):
        raise RelationshipError("Choose one request from each mutual: a mutual takes one place in a group.")
    without = [request.title for request in requests if topic not in request.topics.all()]
    if without:
        raise RelationshipError(f"Every request must be about {topic.name}. Not about it: {', '.join(without)}.")
    mentor = MentorProfile.objects.select_related("user").get(pk=mentor.pk)
    if mentor.status != MentorProfile.Status.APPROVED or not mentor.user.is_active:
        raise RelationshipError("Choose an approved mentor.")
    if not conduct_accepted(user=mentor.user):
        raise RelationshipError("This mentor has not accepted the current code of conduct.")
    conflicted = mentor.conflicts.filter(pk__in=[request.mutual_id for request in requests])
    if conflicted.exists():
        names = ", ".join(mutual.name for mutual in conflicted)
        raise RelationshipError(f"This mentor has a conflict of interest with {names}.")
    if Membership.objects.filter(user=mentor.user, mutual_id__in=[r.mutual_id for r in requests]).exists():
        raise RelationshipError("This mentor is a member of one of the mutuals.")
    try:
        accounts_services.mentor_place_take(profile_id=mentor.pk)
    except accounts_services.AccountsError:
        raise RelationshipError(
            f"{mentor.user.display_name} has no free places: they are mentoring as many mutuals as they said they "
            "could."
        ) from None
    for request in requests:
        try:
            matching_services.request_place_in_group(request=request, user=user)
        except matching_services.MatchingError as error:
            raise RelationshipError(str(error)) from error
    group = MentoringGroup.objects.create(
        mentor=mentor, title=clean_line(title).strip()[:150] or topic.name, topic=topic, created_by=user
    )
    GroupMember.objects.bulk_create(
        GroupMember(group=group, mutual_id=request.mutual_id, request=request) for request in requests
    )
    notify(
        "group_started",
        to=group_selectors.group_parties(group),
        params={**_params(group), "count": len(requests)},
        url=group_url(group),
    )
    return group


# --- Talking, goals ---------------------------------------------------------------------------------------------


@transaction.atomic
def group_message_send(*, group: MentoringGroup, user: User, body: str) -> GroupMessage:
    """Write in the group's shared conversation. Everyone else in the group gets a notice."""
    _require_party(group, user)
    _require_open(group, "send messages")
    body = clean_text(body).strip()
    if not body:
        raise RelationshipError("Enter a message.")
    if len(body) > GROUP_MESSAGE_MAX_LENGTH:
        raise RelationshipError(f"A message must be {GROUP_MESSAGE_MAX_LENGTH} characters or fewer.")
    message = GroupMessage.objects.create(group=group, author=user, body=body)
    notify(
        "group_message",
        to=group_selectors.group_parties(group),
        actor=user,
        params={"title": group.title},
        url=group_url(group) + "#conversation",
    )
    return message


def _require_goal_side(group: MentoringGroup, user: User, mutual: Mutual) -> None:
    if not GroupMember.objects.filter(group=group, mutual=mutual, left_at=None).exists():
        raise RelationshipError("This mutual is not in the group.")
    own = Membership.objects.filter(user=user, mutual=mutual).exists()
    if not own and not group_selectors.is_group_mentor(user, group):
        raise RelationshipError("You can set goals for your own mutual only.")


@transaction.atomic
def group_goal_create(
    *, group: MentoringGroup, user: User, mutual: Mutual, title: str, description: str = ""
) -> GroupGoal:
    """A goal for one mutual in the group, set by its members or the mentor; the other mutuals do not see it."""
    _require_party(group, user)
    _require_open(group, "set goals")
    _require_goal_side(group, user, mutual)
    title = clean_line(title).strip()
    if not title:
        raise RelationshipError("Enter the goal.")
    return GroupGoal.objects.create(
        group=group,
        mutual=mutual,
        title=title[:200],
        description=clean_text(description).strip()[:2000],
        created_by=user,
    )


@transaction.atomic
def group_goal_set_status(*, goal: GroupGoal, user: User, status: str) -> GroupGoal:
    group = goal.group
    _require_party(group, user)
    _require_open(group, "change goals")
    _require_goal_side(group, user, goal.mutual)
    if status not in Goal.Status.values:
        raise RelationshipError("Choose how far the goal has got.")
    goal.status = status
    goal.save(update_fields=["status", "updated_at"])
    return goal


# --- Meetings -----------------------------------------------------------------------------------------------------


@transaction.atomic
def group_meeting_arrange(
    *,
    group: MentoringGroup,
    user: User,
    starts_at: datetime,
    duration_minutes: int,
    format: str,
    address: str = "",
    link: str = "",
    agenda: str = "",
) -> GroupMeeting:
    """The mentor arranges a meeting for the whole group: every party is emailed the calendar invitation."""
    _require_party(group, user)
    _require_mentor(group, user, "arrange group meetings")
    _require_open(group, "arrange meetings")
    _check_details(starts_at=starts_at, duration_minutes=duration_minutes, format=format, address=address, link=link)
    in_person = format == Meeting.Format.IN_PERSON
    meeting = GroupMeeting.objects.create(
        group=group,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        format=format,
        address=clean_text(address).strip() if in_person else "",
        link="" if in_person else clean_line(link).strip(),
        agenda=clean_text(agenda).strip(),
        arranged_by=user,
    )
    _send_invitation(meeting, ics.REQUEST)
    return meeting


@transaction.atomic
def group_meeting_cancel(*, meeting: GroupMeeting, user: User) -> GroupMeeting:
    """The mentor calls a group meeting off: the cancellation removes it from every party's calendar."""
    _require_party(meeting.group, user)
    _require_mentor(meeting.group, user, "cancel group meetings")
    meeting = GroupMeeting.objects.select_for_update(of=("self",)).select_related("group").get(pk=meeting.pk)
    if meeting.status != GroupMeeting.Status.ARRANGED:
        raise RelationshipError("This meeting is already cancelled.")
    if meeting.starts_at <= timezone.now():
        raise RelationshipError("This meeting has started: it cannot be cancelled.")
    _cancel(meeting)
    return meeting


def _cancel(meeting: GroupMeeting) -> None:
    meeting.status = GroupMeeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.sequence += 1
    meeting.save(update_fields=["status", "cancelled_at", "sequence"])
    _send_invitation(meeting, ics.CANCEL)


def _send_invitation(meeting: GroupMeeting, method: str) -> None:
    group = meeting.group
    parties = group_selectors.group_parties(group)
    content = ics.invitation(meeting, attendees=[person for person in parties if person.is_active], method=method)
    notify(
        "group_meeting_invitation",
        to=parties,
        params={
            "title": group.title,
            "when": when_text(meeting),
            "how": meeting.get_format_display().lower(),
            "where": meeting.address,
            "cancelled": method == ics.CANCEL,
        },
        url=group_url(group) + f"#group-meeting-{meeting.pk}",
        attachments=[Attachment(ics.filename(meeting), content, ics.MIMETYPE)],
        dedupe=f"group_meeting_invitation:{meeting.pk}:{meeting.sequence}:{method}",
    )


# --- Leaving and closing ------------------------------------------------------------------------------------------


@transaction.atomic
def group_leave(*, group: MentoringGroup, user: User, mutual: Mutual) -> GroupMember:
    """A member takes their mutual out of the group: none of its members sees the group after this. Its goals stay
    with the group's record; the mentor is told."""
    _require_party(group, user)
    group = _lock(group)
    if not Membership.objects.filter(user=user, mutual=mutual).exists():
        raise RelationshipError("Only a member of the mutual can take it out of the group.")
    place = GroupMember.objects.select_for_update().filter(group=group, mutual=mutual, left_at=None).first()
    if place is None:
        raise RelationshipError("This mutual is not in the group.")
    place.left_at = timezone.now()
    place.left_by = user
    place.save(update_fields=["left_at", "left_by"])
    # Everyone on both sides of this mutual's time in the group is asked for closing feedback on it.
    notify(
        "group_mutual_left",
        to=[group.mentor.user] if group.mentor is not None else [],
        params={"title": group.title, "mutual": mutual.name},
        url=group_feedback_url(place),
    )
    notify(
        "group_feedback_due",
        to=User.objects.filter(memberships__mutual=mutual).order_by("pk"),
        params={"title": group.title, "mutual": mutual.name},
        url=group_feedback_url(place),
    )
    return place


@transaction.atomic
def group_close(*, group: MentoringGroup, user: User | None, reason: str = "") -> MentoringGroup:
    """The mentor (or the programme team; None: the system, when the mentor's account goes) closes the group: its
    meetings still to come are cancelled in everyone's calendar and the mentor's place is free again."""
    if user is not None and not user.is_programme_team:
        _require_party(group, user)
        _require_mentor(group, user, "close the group")
    group = _lock(group)
    if not group.is_open:
        raise RelationshipError("This group is already closed.")
    group.status = MentoringGroup.Status.CLOSED
    group.closed_at = timezone.now()
    group.closed_by = user
    group.close_reason = clean_text(reason).strip()[:2000]
    group.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
    upcoming = GroupMeeting.objects.select_for_update().filter(
        group=group, status=GroupMeeting.Status.ARRANGED, starts_at__gt=timezone.now()
    )
    for meeting in upcoming:
        meeting.group = group
        _cancel(meeting)
    if group.mentor_id is not None:
        accounts_services.mentor_place_free(profile_id=group.mentor_id)
    notify(
        "group_closed",
        to=group_selectors.group_parties(group),
        actor=user,
        params={**_params(group), **({"actor": "The programme team"} if user is None else {})},
        # The group's page asks each party for closing feedback on their mutual (the mentor: on each mutual).
        url=group_url(group) + "#feedback",
    )
    return group


def feedback_already_given(place: GroupMember) -> str:
    return f"You have already given feedback on {place.mutual.name} in this group. Thank you."


def feedback_not_yet(place: GroupMember) -> str:
    return f"You can give feedback once the group has closed or {place.mutual.name} has left it."


@transaction.atomic
def group_feedback_give(
    *,
    place: GroupMember,
    user: User,
    rating: int,
    goal_progress: str,
    would_recommend: bool,
    comments: str = "",
) -> Feedback:
    """One party's closing feedback on one mutual's time in a group (the same questions as a relationship's), once
    the mutual has left or the group has closed. Its mentor and the mutual's members each answer once."""
    place = GroupMember.objects.select_related("group__mentor__user", "mutual").get(pk=place.pk)
    if not group_selectors.feedback_places_for(user).filter(pk=place.pk).exists():
        raise RelationshipError("You are not part of this mentoring group.")
    if not group_selectors.place_has_ended(place):
        raise RelationshipError(feedback_not_yet(place))
    return feedback_record(
        about={"group_place": place},
        user=user,
        rating=rating,
        goal_progress=goal_progress,
        would_recommend=would_recommend,
        comments=comments,
        already=feedback_already_given(place),
    )


def groups_close_of_mentor(user: User) -> int:
    """Account deletion: the groups a mentor runs close first (the mutuals are told)."""
    closed = 0
    for group in MentoringGroup.objects.filter(mentor__user=user, status=MentoringGroup.Status.OPEN):
        group_close(group=group, user=None, reason="The mentor closed their account.")
        closed += 1
    return closed
