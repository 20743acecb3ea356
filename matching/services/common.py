"""Shared by the services modules: the domain error, limits, who is told about a request, and enqueueing refreshes."""

from __future__ import annotations

import logging

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.models import User
from matching import loading
from matching.models import Introduction, MentoringRequest
from outbox import services as outbox

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


def mutual_members(request: MentoringRequest) -> QuerySet[User]:
    """The people told about a request: every member of its mutual."""
    return User.objects.filter(memberships__mutual_id=request.mutual_id)


def programme_team() -> QuerySet[User]:
    return User.objects.filter(is_programme_team=True, is_active=True)


def request_path(request: MentoringRequest) -> str:
    return reverse("matching:request_detail", kwargs={"pk": request.pk})


def reply_by(introduction: Introduction) -> str:
    """The date a mentor must answer by, as people read it ("14 March 2027")."""
    if introduction.expires_at is None:
        return ""
    return date_format(timezone.localtime(introduction.expires_at), "j F Y")


def _enqueue_refresh_request(request_id: int) -> None:
    from matching import tasks

    outbox.enqueue(tasks.refresh_request, request_id)


def _enqueue_refresh_mentor(profile_id: int) -> None:
    from matching import tasks

    outbox.enqueue(tasks.refresh_mentor, profile_id)


def mentor_profile_changed(*, profile_id: int, reason: str = "") -> None:
    """A mentor was approved, edited, paused or resumed (sent after commit): drop cached encodings, re-rank."""
    loading.forget_mentor_table()
    _enqueue_refresh_mentor(profile_id)
