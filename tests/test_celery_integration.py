"""Celery: the configuration the issue asks for, and a real worker consuming project tasks from the real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from celery.result import EagerResult
from django.conf import settings
from django.utils import timezone

from accounts.models import MutualInvitation
from config.celery import app
from tests.factories import MutualFactory
from tests.redis_worker import RedisWorker, wait_for

BASE_DIR = Path(__file__).resolve().parent.parent


# --- Configuration ------------------------------------------------------------------------------------------


def test_only_json_is_accepted_and_produced() -> None:
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"


def test_tasks_are_acknowledged_late_and_requeued_if_the_worker_dies() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_time_limits_and_a_visibility_timeout_longer_than_any_task() -> None:
    soft, hard = app.conf.task_soft_time_limit, app.conf.task_time_limit
    assert 0 < soft < hard
    # Redis re-delivers an unacknowledged task after the visibility timeout; shorter than a task means duplicates.
    assert app.conf.broker_transport_options["visibility_timeout"] > hard


def test_every_beat_schedule_entry_names_a_registered_task() -> None:
    app.loader.import_default_modules()  # runs autodiscovery of every app's tasks.py
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule, "the beat schedule is empty"
    missing = sorted(entry["task"] for entry in schedule.values() if entry["task"] not in app.tasks)
    assert not missing, f"beat schedules tasks that no app defines: {missing}"


def celery_mode(**environment: str) -> str:
    """Reads the Celery mode in a fresh process, as `make run` or a container would start."""
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "TESTING"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", **environment)
    code = (
        "import django; django.setup(); from config.celery import app; "
        "print(app.conf.task_always_eager, app.conf.broker_url)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_without_redis_tasks_run_in_process() -> None:
    assert celery_mode() == "True memory://"


def test_with_redis_tasks_go_to_the_broker() -> None:
    assert celery_mode(REDIS_URL="redis://redis.internal:6379/2") == "False redis://redis.internal:6379/2"


# --- A real worker on the real Redis ------------------------------------------------------------------------


@pytest.mark.redis
def test_tasks_go_through_redis_not_eager_mode(celery_redis_worker: RedisWorker) -> None:
    from accounts.tasks import purge_expired_invitations

    result = purge_expired_invitations.delay()

    assert not isinstance(result, EagerResult)
    assert celery_redis_worker.app.conf.task_always_eager is False
    assert celery_redis_worker.app.conf.broker_url == celery_redis_worker.redis_url


@pytest.mark.redis
def test_worker_purges_long_expired_invitations(celery_redis_worker: RedisWorker) -> None:
    from accounts.services import INVITATION_RETENTION
    from accounts.tasks import purge_expired_invitations

    mutual = MutualFactory()
    now = timezone.now()
    long_expired = MutualInvitation.objects.create(
        mutual=mutual, email="old@example.org", expires_at=now - INVITATION_RETENTION - timedelta(days=1)
    )
    current = MutualInvitation.objects.create(
        mutual=mutual, email="new@example.org", expires_at=now + timedelta(days=3)
    )

    purge_expired_invitations.delay()

    wait_for(lambda: not MutualInvitation.objects.filter(pk=long_expired.pk).exists())
    assert MutualInvitation.objects.filter(pk=current.pk).exists()
