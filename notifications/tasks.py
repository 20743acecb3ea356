"""Celery tasks for notifications: thin, take ids, call a service, safe to run twice."""

from __future__ import annotations

import smtplib

from celery import Task, shared_task

from notifications import services

# Errors worth trying again: the mail server or the network, not a message the server refuses for good.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPDataError,
    smtplib.SMTPSenderRefused,
    ConnectionError,
    TimeoutError,
    OSError,
)
# Backoff doubles from 30 s (with jitter) up to an hour: 30 s, 1 min, 2, 4, 8, 16 min, then the email is marked failed.
MAX_RETRIES = 6


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_email(self: Task, email_id: int) -> bool:  # type: ignore[type-arg]
    """Send one email from the outbox; retried with backoff on connection and SMTP errors."""
    return services.email_send(email_id=email_id, final_attempt=self.request.retries >= MAX_RETRIES)


@shared_task
def dispatch_pending_emails() -> int:
    """Every minute (beat): send emails the broker never received or whose worker died."""
    return services.emails_dispatch_pending()


@shared_task
def purge_old_notifications() -> dict[str, int]:
    """Nightly (beat): forget old sent-email records and old notices."""
    return {"emails": services.emails_purge(), "notices": services.notices_purge()}
