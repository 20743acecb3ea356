"""Helpers for tests that check what people are told: the emails written to the outbox, sent as the task would."""

from __future__ import annotations

from django.core import mail

from notifications import services
from notifications.models import OutboundEmail


def send_pending() -> list[mail.EmailMessage]:
    """Send every pending email as the send task would (each once), and return what went out."""
    before = len(mail.outbox)
    for email_id in OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).values_list("id", flat=True):
        services.email_send(email_id=email_id)
    return list(mail.outbox[before:])


def emails_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


def written(event: str) -> list[OutboundEmail]:
    """Emails written to the outbox for an event (pending or sent)."""
    return list(OutboundEmail.objects.filter(event=event).select_related("recipient").order_by("id"))


def notice_texts(user: object) -> list[str]:
    """The words of a person's notices, newest first, as they read them."""
    from notifications.models import Notice
    from notifications.rendering import with_texts

    return [notice.text for notice in with_texts(Notice.objects.filter(user=user).order_by("-created_at", "-id"))]
