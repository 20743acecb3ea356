"""The lifecycle of a relationship: pause, resume, complete, end early (freeing the mentor's place), and asking
for a new mentor after an early end."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import User
from matching import services as matching_services
from matching.models import Introduction
from messaging import selectors
from messaging.models import (
    Relationship,
)
from messaging.services.common import (
    RelationshipError,
    _lock,
    _notify_others,
    _record_activity,
    _relationship_url,
    _require_party,
)
from messaging.services.meetings import meetings_cancel_for_closed
from notifications.services import notify


@transaction.atomic
def relationship_start(*, introduction: Introduction, user: User) -> Relationship:
    """A mentor accepted an introduction (matching.signals.introduction_accepted, inside the same transaction): the
    relationship between the mentor and the mutual starts. Refused, and the acceptance with it, when the pair
    already has an open relationship."""
    request = introduction.request
    mentor = introduction.mentor
    if Relationship.objects.filter(
        mentor=mentor, mutual_id=request.mutual_id, status__in=Relationship.OPEN_STATUSES
    ).exists():
        raise matching_services.MatchingError("You already have an open mentoring relationship with this mutual.")
    relationship = Relationship.objects.create(
        mentor=mentor, mutual_id=request.mutual_id, request=request, status=Relationship.Status.ACTIVE
    )
    notify(
        "relationship_started",
        to=[mentor.user],
        params={"mutual": request.mutual.name, "title": request.title},
        url=_relationship_url(relationship),
    )
    return relationship


@transaction.atomic
def relationship_pause(*, relationship: Relationship, user: User, note: str = "") -> Relationship:
    """Take a break: no nudges while paused. Messages, goals and check-ins still work."""
    _require_party(relationship, user)
    relationship = _lock(relationship)
    if relationship.status != Relationship.Status.ACTIVE:
        raise RelationshipError("Only an active relationship can be paused.")
    relationship.status = Relationship.Status.PAUSED
    relationship.paused_at = timezone.now()
    relationship.save(update_fields=["status", "paused_at"])
    _notify_others(
        "relationship_paused", relationship, user, note=f" They said: {note.strip()}" if note.strip() else ""
    )
    return relationship


@transaction.atomic
def relationship_resume(*, relationship: Relationship, user: User) -> Relationship:
    _require_party(relationship, user)
    relationship = _lock(relationship)
    if relationship.status != Relationship.Status.PAUSED:
        raise RelationshipError("Only a paused relationship can be resumed.")
    relationship.status = Relationship.Status.ACTIVE
    relationship.paused_at = None
    relationship.save(update_fields=["status", "paused_at"])
    _record_activity(relationship, timezone.now())
    _notify_others("relationship_resumed", relationship, user)
    return relationship


def _close(relationship: Relationship, user: User | None, status: str, reason: str) -> Relationship:
    relationship = _lock(relationship)
    if not relationship.is_open:
        raise RelationshipError(f"This relationship is already {relationship.get_status_display().lower()}.")
    relationship.status = status
    relationship.ended_at = timezone.now()
    relationship.ended_by = user
    relationship.end_reason = reason
    relationship.paused_at = None
    relationship.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "paused_at"])
    if relationship.mentor_id is not None:
        accounts_services.mentor_place_free(profile_id=relationship.mentor_id)
    # Meetings still to come are off, and leave people's calendars.
    meetings_cancel_for_closed(relationship=relationship, user=user)
    return relationship


@transaction.atomic
def relationship_complete(*, relationship: Relationship, user: User) -> Relationship:
    """Close the relationship as completed and free the mentor's place. Both sides are asked for feedback."""
    _require_party(relationship, user)
    relationship = _close(relationship, user, Relationship.Status.COMPLETED, "")
    _notify_others(
        "relationship_completed",
        relationship,
        user,
        url=reverse("messaging:feedback_give", kwargs={"pk": relationship.pk}),
    )
    return relationship


@transaction.atomic
def relationship_end_early(*, relationship: Relationship, user: User | None, reason: str) -> Relationship:
    """End the relationship before its goals are met, with a reason, and free the mentor's place.

    `user` is None when the system ends it (an account was deleted). The mutual is then offered a new match.
    """
    reason = reason.strip()
    if not reason:
        raise RelationshipError("Enter why the relationship is ending.")
    if user is not None:
        _require_party(relationship, user)
    relationship = _close(relationship, user, Relationship.Status.ENDED_EARLY, reason)
    _notify_others("relationship_ended_early", relationship, user, reason=reason)
    return relationship


def can_reopen_request(*, relationship: Relationship, user: User) -> bool:
    return (
        relationship.status == Relationship.Status.ENDED_EARLY
        and relationship.request_id is not None
        and relationship.request_reopened_at is None
        and selectors.is_member_of(user, relationship)
    )


@transaction.atomic
def relationship_request_reopen(*, relationship: Relationship, user: User) -> Relationship:
    """After an early end, a member of the mutual asks for a new mentor: the matching app reopens the request,
    and never suggests the previous mentor again (any relationship between a mentor and the mutual excludes the
    pair)."""
    relationship = _lock(relationship)
    if not selectors.is_member_of(user, relationship):
        raise RelationshipError("Only members of the mutual can ask for a new mentor.")
    if relationship.status != Relationship.Status.ENDED_EARLY:
        raise RelationshipError("You can ask for a new mentor only after a relationship ended early.")
    if relationship.request is None:
        raise RelationshipError("This relationship did not start from a mentoring request, so there is none to reopen.")
    if relationship.request_reopened_at is not None:
        raise RelationshipError("The mentoring request has already been reopened.")
    try:
        matching_services.request_reopen(
            request=relationship.request,
            reason="Reopened by the mutual after its relationship with the previous mentor ended early.",
        )
    except matching_services.MatchingError as error:
        raise RelationshipError(str(error)) from error
    relationship.request_reopened_at = timezone.now()
    relationship.save(update_fields=["request_reopened_at"])
    return relationship
