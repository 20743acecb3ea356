"""The outbox's dispatcher (outbox/models.py)."""

from __future__ import annotations

from celery import shared_task

from outbox import services


@shared_task
def dispatch_pending_tasks() -> int:
    """Every minute (beat): hand the broker the work it did not receive when it was down."""
    return services.dispatch_pending()
