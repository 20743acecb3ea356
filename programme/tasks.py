"""The announcement worker: one batch per run, then the next run after a pause (a throttle on the mail service)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from programme import announcements
from programme.imports import retention


@shared_task
def deliver_announcement(announcement_id: int) -> bool:
    """Tell the next batch; queue the next run while people remain. A repeated run tells nobody twice."""
    more = announcements.announcement_deliver_batch(announcement_id=announcement_id)
    if more:
        deliver_announcement.apply_async((announcement_id,), countdown=settings.ANNOUNCEMENT_BATCH_PAUSE_SECONDS)
    return more


@shared_task
def purge_import_files() -> int:
    """Daily (beat): delete uploaded import files never imported after IMPORT_FILE_RETENTION_DAYS. Deleting what is
    already deleted deletes nothing."""
    return retention.import_files_purge()
