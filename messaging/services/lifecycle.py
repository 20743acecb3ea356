"""The lifecycle of a relationship: pause, resume, complete, end early (freeing the mentor's place), and asking
for a new mentor after an early end."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, User
from accounts.signals import mentor_profile_changed
from matching import services as matching_services
from messaging import selectors
from messaging.models import (
    Notice,
    Relationship,
)
from messaging.services.common import (
    RelationshipError,
    _lock,
    _notify_others,
    _pair,
    _record_activity,
    _relationship_url,
    _require_party,
)


def _free_mentor_capacity(relationship: Relationship) -> None:
    """Give the mentor back the place this relationship took, under a row lock, never below zero."""
    if relationship.mentor_id is None:
        return
    profile = MentorProfile.objects.select_for_update().get(pk=relationship.mentor_id)
    if profile.active_mentees > 0:
        profile.active_mentees -= 1
        # As matching does when it raises the count: load is not part of the profile's "updated" time.
        profile.save(update_fields=["active_mentees"])
    profile_id = profile.pk

    def announce() -> None:
        # Not when the profile went in the same transaction (its owner deleted their account).
        if MentorProfile.objects.filter(pk=profile_id).exists():
            mentor_profile_changed.send(sender=MentorProfile, profile_id=profile_id, reason="capacity_freed")

    transaction.on_commit(announce)


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
        relationship,
        user,
        Notice.Kind.RELATIONSHIP,
        f"{user.display_name} paused the mentoring relationship between {_pair(relationship)}"
        + (f": {note.strip()}" if note.strip() else "."),
        _relationship_url(relationship),
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
    _notify_others(
        relationship,
        user,
        Notice.Kind.RELATIONSHIP,
        f"{user.display_name} resumed the mentoring relationship between {_pair(relationship)}.",
        _relationship_url(relationship),
    )
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
    _free_mentor_capacity(relationship)
    return relationship


@transaction.atomic
def relationship_complete(*, relationship: Relationship, user: User) -> Relationship:
    """Close the relationship as completed and free the mentor's place. Both sides are asked for feedback."""
    _require_party(relationship, user)
    relationship = _close(relationship, user, Relationship.Status.COMPLETED, "")
    _notify_others(
        relationship,
        user,
        Notice.Kind.RELATIONSHIP,
        f"{user.display_name} marked the mentoring relationship between {_pair(relationship)} as completed. "
        "Tell us how it went.",
        reverse("messaging:feedback_give", kwargs={"pk": relationship.pk}),
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
    actor = user.display_name if user is not None else "The programme"
    _notify_others(
        relationship,
        user,
        Notice.Kind.RELATIONSHIP,
        f"{actor} ended the mentoring relationship between {relationship.mentor_name} and {relationship.mutual} early.",
        _relationship_url(relationship),
    )
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
            reason=f"Reopened by {user.display_name} after the relationship with {relationship.mentor_name} ended.",
        )
    except matching_services.MatchingError as error:
        raise RelationshipError(str(error)) from error
    relationship.request_reopened_at = timezone.now()
    relationship.save(update_fields=["request_reopened_at"])
    return relationship
