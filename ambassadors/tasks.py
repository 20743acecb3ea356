"""Celery tasks: each takes an id, calls a service, and does nothing the second time."""

from __future__ import annotations

from celery import shared_task

from ambassadors import services


@shared_task
def send_nomination_invitation(nomination_id: int) -> bool:
    return services.nomination_send_invitation(nomination_id=nomination_id)


@shared_task
def send_application_decision(application_id: int) -> bool:
    return services.application_send_decision(application_id=application_id)


@shared_task
def send_engagement_invitation(invitation_id: int) -> bool:
    return services.engagement_send_invitation(invitation_id=invitation_id)


@shared_task
def send_invitation_response(invitation_id: int) -> bool:
    return services.invitation_send_response(invitation_id=invitation_id)
