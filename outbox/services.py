"""Hand background work to the broker after commit, without losing it when the broker is down (models.py)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction
from django.utils import timezone

from outbox.models import PendingTask

logger = logging.getLogger(__name__)

# Rows older than this were not handed over after commit (the broker was down): the dispatcher sends them.
DISPATCH_AFTER = timedelta(minutes=1)


def enqueue(task: Any, *args: Any, countdown: float | None = None) -> None:
    """Run `task(*args)` after the current transaction commits (at once outside one), `countdown` seconds later.
    The work is recorded with the change, so it is done even if the broker is down when the change commits."""
    not_before = timezone.now() + timedelta(seconds=countdown or 0)
    row = PendingTask.objects.create(name=task.name, args=list(args), not_before=not_before)
    transaction.on_commit(partial(_hand_over, row.pk))


def _hand_over(row_id: int) -> bool:
    row = PendingTask.objects.filter(pk=row_id).first()
    if row is None:
        return False  # another process handed it over already
    countdown = max((row.not_before - timezone.now()).total_seconds(), 0.0)
    try:
        # apply_async follows the Celery settings: in-process when no broker is configured (the quick start).
        current_app.tasks[row.name].apply_async(args=row.args, countdown=countdown)
    except Exception as error:  # the broker refused: keep the row for the dispatcher
        PendingTask.objects.filter(pk=row_id).update(
            attempts=row.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.warning("Could not hand %s to the broker; it will be sent when the broker is back", row, exc_info=True)
        return False
    # Deleted only once handed over; a crash between the two sends it twice, which every task is safe against.
    PendingTask.objects.filter(pk=row_id).delete()
    return True


def dispatch_pending(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Hand over what was not handed over after commit. Returns how many went."""
    now = now or timezone.now()
    ids = list(PendingTask.objects.filter(created_at__lt=now - DISPATCH_AFTER).values_list("id", flat=True)[:limit])
    return sum(_hand_over(row_id) for row_id in ids)
