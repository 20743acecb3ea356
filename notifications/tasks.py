"""Celery tasks for notifications: thin, take ids, call a service, safe to run twice."""

from __future__ import annotations

from celery import Task, shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from notifications import email_files, services

# Retries after the first try: with the default 30 s base the waits double (with jitter) to about 30 s, 1, 2, 4, 8
# and 16 minutes, then the email is marked failed for the programme team to see.
MAX_RETRIES = services.MAX_ATTEMPTS - 1
RETRY_BACKOFF_MAX_SECONDS = 3600


def retry_countdown(retries: int) -> int:
    """Seconds before retry number `retries + 1`: EMAIL_RETRY_BACKOFF_SECONDS doubled each time, at most an hour,
    with full jitter so that a mail server coming back is not hit by every waiting email at once. Read at run time,
    so a setting changed for a test applies to a worker already running."""
    return int(
        get_exponential_backoff_interval(
            factor=settings.EMAIL_RETRY_BACKOFF_SECONDS,
            retries=retries,
            maximum=RETRY_BACKOFF_MAX_SECONDS,
            full_jitter=True,
        )
    )


@shared_task(bind=True, max_retries=MAX_RETRIES)
def send_email(self: Task, email_id: int) -> bool:  # type: ignore[type-arg]
    """Send one email from the outbox; retried with exponential backoff on connection and SMTP errors.

    email_send releases its claim before raising, so the retry can send it; after the last retry it marks the email
    failed. Any other error has already failed the email, and is raised as it is (no retry)."""
    retries = self.request.retries
    try:
        return services.email_send(email_id=email_id, final_attempt=retries >= MAX_RETRIES)
    except services.TRANSIENT_ERRORS as error:
        if retries >= MAX_RETRIES:
            raise
        raise self.retry(exc=error, countdown=retry_countdown(retries)) from error


@shared_task
def dispatch_emails(email_ids: list[int]) -> int:
    """Hand a chunk of emails written together (services.notify_bulk) to the broker, one send task each. Safe to run
    twice: sending claims each email first, so an email is sent once."""
    services.dispatch(email_ids)
    return len(email_ids)


@shared_task
def dispatch_pending_emails() -> int:
    """Every minute (beat): send emails the broker never received, whose worker died or whose retry was lost."""
    return services.emails_dispatch_pending()


@shared_task
def purge_old_notifications() -> dict[str, int]:
    """Nightly (beat): forget old sent-email records, old notices and expired files that emails linked to."""
    return {
        "emails": services.emails_purge(),
        "notices": services.notices_purge(),
        "email_files": email_files.email_files_purge(),
    }
