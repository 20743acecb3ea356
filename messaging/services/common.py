"""Shared by the services modules: the domain error, the party and status checks, activity, who is told."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse

from accounts.models import User
from messaging import selectors
from messaging.models import Relationship
from notifications import references
from notifications.services import notify

# At most one email per conversation per recipient in any window of this length.
NOTIFICATION_WINDOW = timedelta(minutes=15)
QUIET_AFTER = timedelta(days=30)
AT_RISK_AFTER = timedelta(days=60)


class RelationshipError(Exception):
    """A change the rules do not allow. The message is shown to the person who asked for it."""


def _lock(relationship: Relationship) -> Relationship:
    """The relationship re-read under a row lock, so two parties changing its status at once cannot both win."""
    return (
        Relationship.objects.select_for_update(of=("self",))
        .select_related("mentor__user", "mutual")
        .get(pk=relationship.pk)
    )


def _require_party(relationship: Relationship, user: User) -> None:
    if not selectors.relationships_for(user).filter(pk=relationship.pk).exists():
        raise RelationshipError("You are not part of this mentoring relationship.")


def _refresh_status(relationship: Relationship) -> None:
    """Re-read the status under a row lock: the caller's copy may be stale, and a close must not interleave."""
    relationship.status = (
        Relationship.objects.select_for_update().values_list("status", flat=True).get(pk=relationship.pk)
    )


def _require_open(relationship: Relationship, action: str) -> None:
    _refresh_status(relationship)
    if not relationship.is_open:
        raise RelationshipError(
            f"This relationship is {relationship.get_status_display().lower()}, so you cannot {action}."
        )


def _record_activity(relationship: Relationship, when: datetime, **extra: Any) -> None:
    # Activity resets the quiet clock and clears the "at risk" flag the nudge task sets.
    Relationship.objects.filter(pk=relationship.pk).update(last_activity_at=when, at_risk_since=None, **extra)
    relationship.last_activity_at = when
    relationship.at_risk_since = None
    for name, value in extra.items():
        setattr(relationship, name, value)


def _notify_others(event: str, relationship: Relationship, actor: User | None, *, url: str = "", **params: Any) -> None:
    """Tell the parties of a relationship other than the actor about an event (notifications/events.py). The
    wording can name the pair ({mentor}, {mutual}); with no actor, the programme team did it."""
    notify(
        event,
        to=selectors.parties_of(relationship),
        actor=actor,
        params={**_pair(relationship), **({"actor": "The programme team"} if actor is None else {}), **params},
        url=url or _relationship_url(relationship),
    )


def _relationship_url(relationship: Relationship) -> str:
    return reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk})


def _pair(relationship: Relationship) -> dict[str, Any]:
    """The two sides of a relationship for a notice's words: the mentor by reference, the mutual by name."""
    mentor = relationship.mentor.user if relationship.mentor is not None else None
    return {"mentor": references.person(mentor), "mutual": relationship.mutual.name}


def _other_side(relationship: Relationship, user: User) -> Any:
    """Who the conversation is with, seen from `user`: the mutual (by name) or the mentor (by reference)."""
    if relationship.mentor is not None and relationship.mentor.user_id == user.pk:
        return relationship.mutual.name
    return references.person(relationship.mentor.user if relationship.mentor is not None else None)
