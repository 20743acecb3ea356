"""Shared by the services modules: the domain error, the party and status checks, activity, notices."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging import selectors
from messaging.models import (
    Notice,
    Relationship,
)

# At most one email per conversation per recipient in any window of this length.
NOTIFICATION_WINDOW = timedelta(minutes=15)
QUIET_AFTER = timedelta(days=30)
AT_RISK_AFTER = timedelta(days=60)


class RelationshipError(Exception):
    """A change the rules do not allow. The message is shown to the person who asked for it."""


def _site_link(view_name: str, **kwargs: Any) -> str:
    return f"{settings.SITE_URL}{reverse(view_name, kwargs=kwargs or None)}"


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


def _notify_others(relationship: Relationship, actor: User | None, kind: str, text: str, url: str) -> None:
    for party in selectors.parties_of(relationship):
        if actor is None or party.pk != actor.pk:
            notice_create(user=party, kind=kind, text=text, url=url)


@transaction.atomic
def notice_create(*, user: User, kind: str, text: str, url: str = "") -> Notice:
    """Add an in-app notice for `user`. `kind` is one of Notice.Kind; `url` a path inside the service."""
    if kind not in Notice.Kind.values:
        raise ValueError(f"Unknown notice kind {kind!r}")
    return Notice.objects.create(user=user, kind=kind, text=text[:500], url=url[:500])


def notice_mark_read(*, notice: Notice) -> Notice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at=None).update(read_at=notice.read_at)
    return notice


def notices_mark_all_read(*, user: User) -> int:
    return Notice.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


def _relationship_url(relationship: Relationship) -> str:
    return reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk})


def _pair(relationship: Relationship) -> str:
    return f"{relationship.mentor_name} and {relationship.mutual}"


def _other_side_name(relationship: Relationship, user: User) -> str:
    if relationship.mentor is not None and relationship.mentor.user_id == user.pk:
        return relationship.mutual.name
    return relationship.mentor_name
