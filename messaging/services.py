"""Every write for relationships, conversations, goals, check-ins, notices and moderation.

Keyword-only functions named <entity>_<verb>; each is atomic, checks the current state first and raises
`RelationshipError` when the change is not allowed.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from messaging.models import Notice


@transaction.atomic
def notice_create(*, user: User, kind: str, text: str, url: str = "") -> Notice:
    """Add an in-app notice for `user`. `kind` is one of Notice.Kind; `url` a path inside the service."""
    if kind not in Notice.Kind.values:
        raise ValueError(f"Unknown notice kind {kind!r}")
    return Notice.objects.create(user=user, kind=kind, text=text[:500], url=url[:500])
