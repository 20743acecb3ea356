"""Celery tasks for accounts. Each takes ids, calls a service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from accounts import services


@shared_task
def send_invitation_email(invitation_id: int) -> bool:
    """Email a colleague their link to join a mutual. A second run sends nothing."""
    return services.invitation_email_send(invitation_id=invitation_id)


@shared_task
def send_vetting_decision(profile_id: int) -> bool:
    """Tell a mentor whether they were approved. A second run sends nothing."""
    return services.vetting_decision_email_send(profile_id=profile_id)


@shared_task
def purge_expired_invitations() -> int:
    """Delete long-expired invitations nobody accepted (scheduled nightly by beat)."""
    return services.invitations_purge_expired()
