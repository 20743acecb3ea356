"""The one writer of a mutual's stage history (accounts.models.StageChange).

Callers hold a row lock on the mutual (or have just created it) and have already saved Mutual.stage: the history and
the stage change in the same transaction, so the latest history row always names the mutual's current stage.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Mutual, Stage, StageChange, User


def stage_record(
    *, mutual: Mutual, to_stage: Stage, changed_by: User | None, at: datetime | None = None
) -> StageChange:
    """Close the mutual's current history row (if any) at `at` and open a new one for to_stage."""
    assert transaction.get_connection().in_atomic_block, "stage_record must run inside the change's transaction"
    at = at or timezone.now()
    current = StageChange.objects.filter(mutual=mutual, ended_at__isnull=True).first()
    if current is not None:
        current.ended_at = at
        current.save(update_fields=["ended_at"])
    return StageChange.objects.create(
        mutual=mutual,
        from_stage_id=current.to_stage_id if current is not None else None,
        to_stage=to_stage,
        changed_by=changed_by,
        changed_at=at,
    )
