"""Shared by the services modules: the domain error, limits, notices to people, and enqueueing refreshes."""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from matching import loading
from matching.models import (
    MentoringRequest,
)

logger = logging.getLogger(__name__)

SUGGESTIONS_PER_REQUEST = 10
MAX_PREFERENCES = 3
# Up to this many requests, a run checks which are still open by id; above it, it reads every open id once.
SMALL_BATCH = 1000
# Rows per INSERT for proposed pairs: large enough to be fast, small enough for SQLite's variable limit.
PERSIST_BATCH_SIZE = 2000


class MatchingError(Exception):
    """A matching change that is not allowed in the current state. The message is shown to the user."""


def _require_member(request: MentoringRequest, user: User) -> None:
    if not request.mutual.memberships.filter(user=user).exists():
        raise MatchingError("Only members of the mutual can change its requests.")


def _notify(user: User, kind: str, text: str, url: str = "") -> None:
    # Imported here: messaging depends on matching, not the other way round at import time.
    from messaging.services import notice_create

    notice_create(user=user, kind=kind, text=text, url=url)


def _notify_mutual(request: MentoringRequest, text: str, url: str = "", *, kind: str = "introduction") -> None:
    url = url or reverse("matching:request_detail", kwargs={"pk": request.pk})
    for member in User.objects.filter(memberships__mutual_id=request.mutual_id):
        _notify(member, kind, text, url)


def _enqueue_refresh_request(request_id: int) -> None:
    from matching import tasks

    transaction.on_commit(lambda: tasks.refresh_request.delay(request_id))


def _enqueue_refresh_mentor(profile_id: int) -> None:
    from matching import tasks

    transaction.on_commit(lambda: tasks.refresh_mentor.delay(profile_id))


def mentor_profile_changed(*, profile_id: int, reason: str = "") -> None:
    """A mentor was approved, edited, paused or resumed (sent after commit): drop cached encodings, re-rank."""
    loading.forget_mentor_table()
    _enqueue_refresh_mentor(profile_id)
