"""Celery tasks for the information service: thin, and safe to run twice."""

from __future__ import annotations

from celery import shared_task

from information import services


@shared_task
def purge_closed_enquiries() -> int:
    """Nightly (beat): delete enquiries closed more than ENQUIRY_RETENTION_MONTHS ago."""
    return services.enquiries_purge_closed()
