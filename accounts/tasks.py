"""Celery tasks for accounts. Each takes ids, calls a service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from accounts import services


@shared_task
def purge_expired_invitations() -> int:
    """Delete long-expired invitations nobody accepted (scheduled nightly by beat)."""
    return services.invitations_purge_expired()
