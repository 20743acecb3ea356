"""With Redis down (cache and broker), people can still sign in, and work that must follow a write is kept and done
once Redis is back: nothing is lost, nothing is done twice, and the person sees success, not a 500 (issue 18,
finding 5). "Down" is a Redis URL on a port nothing listens on.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Mutual, User
from matching.models import MatchRun
from messaging.models import Message, Relationship
from notifications import services as notification_services
from notifications.models import OutboundEmail
from outbox import services as outbox
from outbox.models import PendingTask
from tests.accounts.auth_helpers import PASSWORD
from tests.redis_worker import _reset_connections

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def dead_cache(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CACHES = {"default": {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": DEAD_REDIS}}


@pytest.fixture
def dead_broker() -> Iterator[None]:
    from config.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_publish_retry")}
    app.conf.update(broker_url=DEAD_REDIS, task_always_eager=False, task_publish_retry=False)
    _reset_connections(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_connections(app)


def broker_back() -> None:
    """Redis answers again: here, tasks run in this process (the test settings' eager mode)."""
    from config.celery import app

    app.conf.update(task_always_eager=True)
    _reset_connections(app)


def later() -> timezone.datetime:
    return timezone.now() + timedelta(minutes=5)


@pytest.mark.django_db
def test_sign_in_and_password_reset_work_with_the_cache_down(dead_cache: None, member: User) -> None:
    client = Client()
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    response = Client().post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302


@pytest.mark.django_db
def test_sign_in_is_still_rate_limited_with_the_cache_down(dead_cache: None, member: User) -> None:
    client = Client()
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong-guess"})
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert b"Too many failed login attempts" in response.content


@pytest.mark.django_db(transaction=True)
def test_a_message_sent_while_the_broker_is_down_is_notified_once_it_is_back(
    dead_broker: None, relationship: Relationship, member: User, mentor: User
) -> None:
    client = Client()
    client.force_login(mentor)
    response = client.post(reverse("messaging:conversation", kwargs={"pk": relationship.pk}), {"body": "Hello"})
    assert response.status_code == 302  # success for the person who sent it
    assert Message.objects.filter(body="Hello").exists()
    [waiting] = PendingTask.objects.all()
    assert waiting.name == "messaging.tasks.notify_unread_messages"
    assert "ConnectionError" in waiting.last_error or "OperationalError" in waiting.last_error

    broker_back()
    assert outbox.dispatch_pending(now=later()) == 1
    assert not PendingTask.objects.exists()
    notification_services.emails_dispatch_pending(now=later())
    assert [message.to for message in mail.outbox] == [[member.email]]
    # The dispatchers running again change nothing.
    assert outbox.dispatch_pending(now=later()) == 0
    notification_services.emails_dispatch_pending(now=later())
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_an_invitation_sent_while_the_broker_is_down_is_emailed_once_it_is_back(
    dead_broker: None, member: User, mutual: Mutual
) -> None:
    client = Client()
    client.force_login(member)
    url = reverse("accounts:mutual_members", kwargs={"slug": mutual.slug})
    response = client.post(url, {"email": "colleague@example.org"})
    assert response.status_code == 302
    [email] = OutboundEmail.objects.filter(event="mutual_invitation")
    assert email.status == OutboundEmail.Status.PENDING and mail.outbox == []

    broker_back()
    assert notification_services.emails_dispatch_pending(now=later()) == 1
    assert [message.to for message in mail.outbox] == [["colleague@example.org"]]
    notification_services.emails_dispatch_pending(now=later())
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rematch_asked_for_while_the_broker_is_down_runs_once_it_is_back(dead_broker: None, staff: User) -> None:
    client = Client()
    client.force_login(staff)
    response = client.post(reverse("matching:run_start"))
    assert response.status_code == 302
    run = MatchRun.objects.get()
    assert run.status == MatchRun.Status.QUEUED
    # Asking again while it waits shows the same run: no second one to do the same work.
    client.post(reverse("matching:run_start"))
    assert MatchRun.objects.count() == 1

    broker_back()
    assert outbox.dispatch_pending(now=later()) == 1
    run.refresh_from_db()
    assert run.status == MatchRun.Status.SUCCEEDED
