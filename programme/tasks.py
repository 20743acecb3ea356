"""The announcement worker: one batch per run, then the next run after a pause (a throttle on the mail service)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from programme import announcements


@shared_task
def deliver_announcement(announcement_id: int) -> bool:
    """Tell the next batch; queue the next run while people remain. A repeated run tells nobody twice."""
    more = announcements.announcement_deliver_batch(announcement_id=announcement_id)
    if more:
        deliver_announcement.apply_async((announcement_id,), countdown=settings.ANNOUNCEMENT_BATCH_PAUSE_SECONDS)
    return more
