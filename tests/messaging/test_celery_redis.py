"""A real Celery worker on the real Redis sends a message notification (and a nudge's emails)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import MentorProfile, User
from messaging import services
from messaging.models import ConversationState, Relationship
from notifications.models import Notice, OutboundEmail
from tests.factories import MembershipFactory, MentorProfileFactory
from tests.messaging.factories import RelationshipFactory
from tests.redis_worker import RedisWorker, wait_for


@pytest.fixture
def pair(celery_redis_worker: RedisWorker) -> tuple[Relationship, User, User]:
    mentor = MentorProfileFactory(user__email="bob.worker@example.org", user__full_name="Bob Worker")
    member = MembershipFactory(user__email="alice.worker@example.org").user
    MentorProfile.objects.filter(pk=mentor.pk).update(active_mentees=1)
    relationship = RelationshipFactory(mentor=mentor, mutual=member.mutuals.get())
    return relationship, member, mentor.user


@pytest.mark.redis
def test_a_worker_emails_the_other_side_about_a_new_message(pair: tuple[Relationship, User, User]) -> None:
    relationship, member, mentor = pair
    mail.outbox.clear()
    # Committed at once (no test transaction here): the task goes to Redis after the commit.
    services.message_send(relationship=relationship, author=mentor, body="Shall we meet on Tuesday?")

    wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [member.email]
    assert mail.outbox[0].subject == "New messages from Bob Worker"
    assert Notice.objects.filter(user=member, kind=Notice.Kind.MESSAGE).count() == 1
    assert ConversationState.objects.get(relationship=relationship, user=member).last_notified_at is not None


@pytest.mark.redis
def test_a_worker_sends_a_nudges_emails(pair: tuple[Relationship, User, User]) -> None:
    relationship, member, mentor = pair
    mail.outbox.clear()
    Relationship.objects.filter(pk=relationship.pk).update(last_activity_at=timezone.now() - timedelta(days=31))
    services.relationships_nudge_quiet()

    wait_for(lambda: len(mail.outbox) == 2)
    assert sorted(email.to[0] for email in mail.outbox) == sorted([member.email, mentor.email])
    wait_for(lambda: OutboundEmail.objects.filter(event="relationship_quiet", status="sent").count() == 2)
