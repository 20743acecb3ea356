"""Delivery that survives failure: every email goes from a task that retries connection and SMTP errors with
exponential backoff, sends at most once however often it runs, and ends as failed (logged, and on the programme
team's page) when it cannot be sent. The real-worker tests run Celery against the real Redis."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from notifications import services, tasks
from notifications.models import OutboundEmail
from notifications.services import notify
from tests.factories import UserFactory
from tests.notifications.failing_backends import AlwaysUnreachable, FailsTwiceThenSends, RefusesForGood
from tests.redis_worker import RedisWorker, wait_for

FAILS_TWICE = "tests.notifications.failing_backends.FailsTwiceThenSends"
UNREACHABLE = "tests.notifications.failing_backends.AlwaysUnreachable"
REFUSES = "tests.notifications.failing_backends.RefusesForGood"


def _reinstated(user: User) -> OutboundEmail:
    """An essential email (it goes whatever the person's choices), written as the moderation service writes it."""
    notify("account_reinstated", to=[user], params={"note": "The report was a mistake."}, url="/dashboard/")
    return OutboundEmail.objects.get(event="account_reinstated", recipient=user)


@pytest.fixture(autouse=True)
def _fresh_backends() -> None:
    for backend in (FailsTwiceThenSends, AlwaysUnreachable, RefusesForGood):
        backend.reset()


@pytest.fixture
def eager_retries() -> None:
    """Eager mode runs a retry at once (no countdown), but only when the task's errors are not re-raised to the
    caller: with them propagated, Celery hands the Retry itself to the caller. Put back by tests/conftest.py."""
    from config.celery import app

    app.conf.task_eager_propagates = False


@pytest.mark.django_db
def test_a_task_run_twice_sends_once() -> None:
    email = _reinstated(UserFactory(email="rosa@example.org"))

    assert tasks.send_email.delay(email.pk).get() is True
    assert tasks.send_email.delay(email.pk).get() is False  # a redelivered task finds the email claimed and sent

    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 1)


@pytest.mark.django_db
def test_a_connection_error_is_retried_until_the_email_goes(settings, eager_retries) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = FAILS_TWICE
    email = _reinstated(UserFactory(email="rosa@example.org"))

    # The third try goes through.
    assert tasks.send_email.delay(email.pk).get() is True

    assert FailsTwiceThenSends.calls == 3
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutboundEmail.Status.SENT, 3, "")


@pytest.mark.django_db
def test_an_email_that_cannot_be_sent_fails_after_the_last_retry_and_is_logged(
    settings, caplog: pytest.LogCaptureFixture, eager_retries
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = UNREACHABLE
    email = _reinstated(UserFactory(email="rosa@example.org"))

    with caplog.at_level(logging.ERROR, logger="notifications.services"):
        result = tasks.send_email.delay(email.pk)

    assert result.failed()
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)

    assert AlwaysUnreachable.calls == services.MAX_ATTEMPTS == tasks.MAX_RETRIES + 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == services.MAX_ATTEMPTS
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert mail.outbox == []
    [record] = [record for record in caplog.records if record.name == "notifications.services"]
    assert f"Email {email.pk} (account_reinstated) could not be sent after 7 attempts" in record.getMessage()
    # A failed email is not picked up again by the dispatcher: only the programme team's "Try again" sends it.
    assert services.emails_dispatch_pending(now=timezone.now() + timedelta(days=1)) == 0


@pytest.mark.django_db
def test_an_error_that_a_retry_cannot_cure_fails_the_email_at_once(settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = REFUSES
    email = _reinstated(UserFactory())

    with pytest.raises(ValueError, match="refused the message"):
        tasks.send_email.delay(email.pk)

    assert RefusesForGood.calls == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.FAILED, 1)


@pytest.mark.django_db
def test_the_backoff_doubles_from_the_setting_and_is_capped(settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 30
    # Full jitter: a random wait up to the doubled figure, never more.
    for retries, ceiling in [(0, 30), (1, 60), (2, 120), (5, 960), (10, tasks.RETRY_BACKOFF_MAX_SECONDS)]:
        waits = {tasks.retry_countdown(retries) for _ in range(50)}
        assert max(waits) <= ceiling
        assert len(waits) > 1 or ceiling == 0
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 0
    assert tasks.retry_countdown(3) == 0


@pytest.mark.django_db
def test_the_dispatcher_leaves_an_email_waiting_for_its_retry_alone_until_the_retry_is_lost(
    settings,
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = UNREACHABLE
    email = _reinstated(UserFactory())
    with pytest.raises(OSError):
        services.email_send(email_id=email.pk, final_attempt=False)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.PENDING, 1)  # the claim is released for the retry

    soon = timezone.now() + services.DISPATCH_AFTER + timedelta(seconds=1)
    assert services.emails_dispatch_pending(now=soon) == 0  # its task's retry will send it
    later = timezone.now() + services.RETRY_LOST_AFTER + timedelta(seconds=1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.emails_dispatch_pending(now=later) == 1  # the retry was lost: the dispatcher sends it
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 2)


@pytest.mark.django_db
def test_an_email_never_handed_to_the_broker_is_sent_by_the_dispatcher() -> None:
    email = _reinstated(UserFactory(email="rosa@example.org"))  # written; the after-commit dispatch never ran

    assert services.emails_dispatch_pending(now=timezone.now()) == 0  # too soon: its own task may still come
    assert services.emails_dispatch_pending(now=timezone.now() + services.DISPATCH_AFTER * 2) == 1

    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


@pytest.mark.django_db
def test_trying_a_failed_email_again_sends_it_once(settings, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = REFUSES
    email = _reinstated(UserFactory(email="rosa@example.org"))
    with pytest.raises(ValueError):
        services.email_send(email_id=email.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    with django_capture_on_commit_callbacks(execute=True):
        assert services.email_retry(email_id=email.pk) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert services.email_retry(email_id=email.pk) is False  # no longer failed: nothing to try again

    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 1)


# --- With a real worker on Redis -------------------------------------------------------------------------------


@pytest.mark.redis
def test_a_real_worker_retries_a_failing_mail_server_and_exactly_one_email_arrives(
    celery_redis_worker: RedisWorker, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = FAILS_TWICE
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 1  # waits of up to 1 s, then 2 s: real countdowns, kept short
    rosa = UserFactory(email="rosa@example.org")

    # Committed for real: notify's after-commit dispatch queues the task on Redis, and the worker takes it.
    email = _reinstated(rosa)

    wait_for(lambda: OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.SENT).exists())
    assert FailsTwiceThenSends.calls == 3
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]
    email.refresh_from_db()
    assert email.attempts == 3

    # A second delivery of the task (a redelivery after a crash) sends nothing more. The worker takes one task at
    # a time, in order: once the dispatch queued behind it has run, the second delivery has run too.
    tasks.send_email.delay(email.pk)
    stranded = _reinstated(UserFactory(email="omar@example.org"))
    OutboundEmail.objects.filter(pk=stranded.pk).update(created_at=timezone.now() - services.DISPATCH_AFTER * 2)
    tasks.dispatch_pending_emails.delay()
    wait_for(lambda: len(mail.outbox) == 2)
    assert sorted(message.to[0] for message in mail.outbox) == ["omar@example.org", "rosa@example.org"]


@pytest.mark.redis
def test_a_real_worker_marks_an_email_failed_after_its_last_retry(
    celery_redis_worker: RedisWorker, settings, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = UNREACHABLE
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 0  # every retry at once: seven tries in a moment

    with caplog.at_level(logging.ERROR, logger="notifications.services"):
        email = _reinstated(UserFactory(email="rosa@example.org"))
        wait_for(lambda: OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.FAILED).exists())

    email.refresh_from_db()
    assert email.attempts == services.MAX_ATTEMPTS
    assert AlwaysUnreachable.calls == services.MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in email.last_error
    assert mail.outbox == []
    assert any("could not be sent after 7 attempts" in record.getMessage() for record in caplog.records)
