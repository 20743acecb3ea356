"""Goals, check-ins and closing feedback."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import SupportTopic, User
from accounts.text import clean_text
from messaging.models import (
    CheckIn,
    Feedback,
    Goal,
    GroupMember,
    Relationship,
)
from messaging.services.common import (
    RelationshipError,
    _notify_others,
    _record_activity,
    _refresh_status,
    _require_open,
    _require_party,
)


def _same_side(relationship: Relationship, first_user_id: int, second_user_id: int) -> bool:
    mentor_user_id = relationship.mentor.user_id if relationship.mentor is not None else None
    return (first_user_id == mentor_user_id) == (second_user_id == mentor_user_id)


def goal_can_agree(*, goal: Goal, relationship: Relationship, user: User) -> bool:
    """Whether this party may confirm the goal: it is unagreed and was proposed by the other side."""
    if goal.agreed_at is not None or not relationship.is_open:
        return False
    return goal.created_by_id is None or not _same_side(relationship, goal.created_by_id, user.pk)


@transaction.atomic
def goal_create(
    *, relationship: Relationship, user: User, title: str, description: str = "", topics: Iterable[SupportTopic] = ()
) -> Goal:
    """Propose a goal. It counts as agreed once someone on the other side confirms it."""
    _require_party(relationship, user)
    _require_open(relationship, "add goals")
    goal = Goal.objects.create(relationship=relationship, title=title.strip(), description=description, created_by=user)
    goal.topics.set(topics)
    _notify_others("goal_proposed", relationship, user, goal=goal.title)
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    user: User,
    title: str,
    description: str,
    status: str,
    topics: Iterable[SupportTopic],
) -> Goal:
    _require_party(goal.relationship, user)
    _require_open(goal.relationship, "change goals")
    if status not in Goal.Status.values:
        raise RelationshipError("Choose a status for the goal.")
    goal.title = title.strip()
    goal.description = description
    goal.status = status
    goal.save(update_fields=["title", "description", "status", "updated_at"])
    goal.topics.set(topics)
    return goal


@transaction.atomic
def goal_agree(*, goal: Goal, user: User) -> Goal:
    """Confirm a goal the other side proposed."""
    relationship = goal.relationship
    _require_party(relationship, user)
    _require_open(relationship, "agree goals")
    goal = Goal.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=goal.pk)
    if goal.agreed_at is not None:
        raise RelationshipError("This goal has already been agreed.")
    if goal.created_by_id is not None and _same_side(relationship, goal.created_by_id, user.pk):
        raise RelationshipError("The goal needs to be agreed by the other side of the relationship.")
    goal.agreed_by = user
    goal.agreed_at = timezone.now()
    goal.save(update_fields=["agreed_by", "agreed_at", "updated_at"])
    _notify_others("goal_agreed", relationship, user, goal=goal.title)
    return goal


@transaction.atomic
def check_in_create(
    *,
    relationship: Relationship,
    user: User,
    met_on: date,
    duration_minutes: int,
    format: str,
    notes: str = "",
) -> CheckIn:
    """Log a meeting the pair held. Both sides see it; it counts as activity for the nudges."""
    _require_party(relationship, user)
    _require_open(relationship, "log check-ins")
    if met_on > timezone.localdate():
        raise RelationshipError("The date of the meeting must be today or in the past.")
    if met_on < timezone.localdate(relationship.started_at):
        raise RelationshipError("The date of the meeting must be on or after the relationship started.")
    check_in = CheckIn(
        relationship=relationship,
        met_on=met_on,
        duration_minutes=duration_minutes,
        format=format,
        notes=notes,
        logged_by=user,
    )
    check_in.full_clean(exclude=["relationship", "logged_by"])
    check_in.save()
    _record_activity(relationship, timezone.now())
    _notify_others(
        "check_in_recorded",
        relationship,
        user,
        url=reverse("messaging:check_in_list", kwargs={"pk": relationship.pk}),
        met_on=f"{met_on:%-d %B %Y}",
    )
    return check_in


# --- Closing feedback ---------------------------------------------------------------------------------------


@transaction.atomic
def feedback_give(
    *,
    relationship: Relationship,
    user: User,
    rating: int,
    goal_progress: str,
    would_recommend: bool,
    comments: str = "",
) -> Feedback:
    """One party's closing feedback. Once per person per relationship, after it has closed."""
    _require_party(relationship, user)
    _refresh_status(relationship)
    if not relationship.is_closed:
        raise RelationshipError("You can give feedback once the relationship has been completed or ended.")
    return feedback_record(
        about={"relationship": relationship},
        user=user,
        rating=rating,
        goal_progress=goal_progress,
        would_recommend=would_recommend,
        comments=comments,
        already="You have already given feedback on this relationship.",
    )


def feedback_record(
    *,
    about: dict[str, Relationship | GroupMember],
    user: User,
    rating: int,
    goal_progress: str,
    would_recommend: bool,
    comments: str,
    already: str,
) -> Feedback:
    """Store one person's closing feedback about a relationship or a group place, once: a second answer is refused
    with `already` (the unique constraint decides, so two submits at once store one). Control characters and
    direction overrides are taken out of the comments. The caller checks who may answer and when."""
    if not 1 <= rating <= 5:
        raise RelationshipError("Choose a rating from 1 to 5.")
    if goal_progress not in Feedback.GoalProgress.values:
        raise RelationshipError("Choose how much progress you made on your goals.")
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                **about,
                author=user,
                rating=rating,
                goal_progress=goal_progress,
                would_recommend=would_recommend,
                comments=clean_text(comments).strip(),
            )
    except IntegrityError as error:
        raise RelationshipError(already) from error
