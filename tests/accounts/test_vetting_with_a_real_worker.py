"""The vetting email is sent by a real Celery worker consuming from the real Redis, through the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import services
from accounts.models import MentorProfile, MutualInvitation
from accounts.services import INVITATION_RETENTION
from accounts.tasks import purge_expired_invitations
from notifications.models import OutboundEmail
from notifications.tasks import send_email
from tests.factories import MentorProfileFactory, MutualFactory, UserFactory
from tests.redis_worker import RedisWorker, wait_for


@pytest.mark.redis
def test_a_real_worker_emails_the_vetting_decision_once(celery_redis_worker: RedisWorker) -> None:
    staff = UserFactory(is_programme_team=True)
    pending = MentorProfileFactory(user__email="priya@example.org", status=MentorProfile.Status.PENDING)

    # Committed for real (transactional_db): the task is enqueued on commit and goes through Redis to the worker.
    services.mentor_reject(profile=pending, rejected_by=staff, reason="Please tell us about your experience.")

    wait_for(lambda: OutboundEmail.objects.filter(event="vetting_decided", status="sent").exists())
    wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == ["priya@example.org"]
    assert "Please tell us about your experience." in mail.outbox[0].body

    # A redelivery of the same task (as after a worker crash) sends nothing more. The worker takes one task at a
    # time in order, so once a purge queued behind it has run, the redelivered task has run too.
    send_email.delay(OutboundEmail.objects.get(event="vetting_decided").pk)
    long_ago = timezone.now() - INVITATION_RETENTION - timedelta(days=1)
    stale = MutualInvitation.objects.create(mutual=MutualFactory(), email="old@example.org", expires_at=long_ago)
    purge_expired_invitations.delay()
    wait_for(lambda: not MutualInvitation.objects.filter(pk=stale.pk).exists())
    assert len(mail.outbox) == 1
