"""Reads for notifications, scoped to the person asking."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from notifications.models import Notice, OutboundEmail


def notices_for(user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user).order_by("-created_at", "-id")


def unread_notice_count(user: Any) -> int:
    return Notice.objects.filter(user=user, read_at=None).count()


def failed_emails() -> QuerySet[OutboundEmail]:
    """For the programme team: emails that could not be sent after every retry, the most recently tried first."""
    return (
        OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED)
        .select_related("recipient")
        .order_by(F("claimed_at").desc(nulls_last=True), "-id")
    )


def failed_email_count() -> int:
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count()
