"""One scheduler however many hosts run beat (issue 19): celery-redbeat's lock in Redis lets one beat send.

Two real `celery beat` processes run with the project's scheduler settings and a probe entry every PERIOD seconds
(tests/beat_process.py); nothing consumes the probe's queue, so the test counts what was sent by watching the queue's
length in Redis. The test runs about 30 seconds, not the few minutes the issue suggests: with a 2-second period that is
about fifteen periods, each of which would show a second message if both beats sent, and the hand-over when the
lock holder stops is covered too. A longer run proves nothing more and would slow every CI run.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings

from tests.redis_worker import redis_answers, worker_redis_url

pytestmark = pytest.mark.redis

PERIOD = 2.0
BOTH_RUNNING_SECONDS = 12.0
AFTER_HAND_OVER_SECONDS = 12.0


@pytest.fixture
def beat_setup() -> Iterator[tuple[str, str, str]]:
    from tests.conftest import skip_or_fail

    url = worker_redis_url()
    if not redis_answers(url):
        skip_or_fail(f"Redis does not answer at {url}")
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    queue, prefix = f"tests-beat-{tag}", f"tests-redbeat-{tag}:"
    yield url, queue, prefix
    client = redis.Redis.from_url(url)
    try:
        keys = [*client.scan_iter(match=f"*{queue}*"), *client.scan_iter(match=f"{prefix}*")]
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@contextmanager
def beat(url: str, queue: str, prefix: str) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "REDIS_URL": url,
        "TESTING": "1",
        "TEST_BEAT_QUEUE": queue,
        "TEST_BEAT_PERIOD": str(PERIOD),
        "BEAT_KEY_PREFIX": prefix,
        # A standby asks for the lock every second; a holder that died without releasing it hands over after 10 s.
        "BEAT_MAX_LOOP_INTERVAL": "1",
        "BEAT_LOCK_SECONDS": "10",
    }
    command = [sys.executable, "-m", "celery", "-A", "tests.beat_process", "beat", "--loglevel=WARNING"]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


class QueueWatch:
    """Polls the queue's length and keeps the time each new message arrived."""

    def __init__(self, url: str, queue: str) -> None:
        self.client = redis.Redis.from_url(url)
        self.queue = queue
        self.arrivals: list[float] = []

    def watch(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            length = int(self.client.llen(self.queue))
            now = time.monotonic()
            self.arrivals.extend([now] * (length - len(self.arrivals)))
            time.sleep(0.05)

    def watch_until_first(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.arrivals:
            assert time.monotonic() < deadline, "the first beat sent nothing"
            self.watch(0.2)


def test_two_beats_send_each_periodic_task_once_per_period_and_the_standby_takes_over(beat_setup) -> None:  # type: ignore[no-untyped-def]
    url, queue, prefix = beat_setup
    watch = QueueWatch(url, queue)
    with beat(url, queue, prefix) as first:
        watch.watch_until_first(timeout=30)  # the first beat started, took the lock and sent
        with beat(url, queue, prefix) as second:
            watch.watch(BOTH_RUNNING_SECONDS)
            sent_while_both_ran = len(watch.arrivals)
            # A rolling restart of the host that holds the lock: beat stops on SIGTERM and releases the lock.
            first.send_signal(signal.SIGTERM)
            assert first.wait(timeout=20) == 0
            stopped_at = time.monotonic()
            watch.watch(AFTER_HAND_OVER_SECONDS)
            assert second.poll() is None, "the standby beat exited"
    watch.client.close()

    arrivals = watch.arrivals
    span = arrivals[-1] - arrivals[0]
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    # Once per period: never two messages for one period (two beats sending would arrive together)...
    assert min(gaps) > PERIOD / 2, f"two sends within {min(gaps):.2f} s: {gaps}"
    # ...and no period skipped: not while both ran, nor during the hand-over to the standby (it asks for the lock
    # every second; the margin is for a loaded CI machine).
    assert max(gaps) < 2 * PERIOD + 1.5, f"a gap of {max(gaps):.2f} s: {gaps}"
    assert len(arrivals) >= span // PERIOD
    expected_while_both_ran = BOTH_RUNNING_SECONDS // PERIOD
    assert expected_while_both_ran <= sent_while_both_ran <= expected_while_both_ran + 2
    # The standby took over: it kept sending once the first beat had stopped.
    after = [moment for moment in arrivals if moment > stopped_at]
    assert len(after) >= AFTER_HAND_OVER_SECONDS // PERIOD - 2
    print(  # the figures for the report (pytest -s shows them)
        f"\nbeat: {len(arrivals)} sends in {span:.1f} s at a {PERIOD:.0f} s period; {sent_while_both_ran} while both "
        f"ran {BOTH_RUNNING_SECONDS:.0f} s; gaps {min(gaps):.2f}-{max(gaps):.2f} s; {len(after)} after the hand-over"
    )


def settings_in_a_new_process(**environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "BEAT_LOCK_SECONDS"}}
    code = (
        "import django; django.setup(); from config.celery import app; "
        "print(app.conf.beat_scheduler, app.conf.get('redbeat_redis_url'), app.conf.get('redbeat_lock_timeout'))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "TESTING": "1", "DJANGO_SETTINGS_MODULE": "config.settings", **environment},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_beat_uses_the_redis_lock_scheduler_whenever_there_is_redis() -> None:
    with_redis = settings_in_a_new_process(REDIS_URL="redis://127.0.0.1:6379/9", BEAT_LOCK_SECONDS="45")
    assert with_redis.stdout.split() == ["redbeat.RedBeatScheduler", "redis://127.0.0.1:6379/9", "45"]
    # The quick start has no Redis: tasks run in-process and Celery's own scheduler is left in place.
    assert settings_in_a_new_process().stdout.split()[0] == "celery.beat:PersistentScheduler"


def test_a_lock_shorter_than_two_ticks_is_refused() -> None:
    result = settings_in_a_new_process(REDIS_URL="redis://127.0.0.1:6379/9", BEAT_LOCK_SECONDS="8")
    assert result.returncode != 0
    assert "BEAT_LOCK_SECONDS must be more than twice BEAT_MAX_LOOP_INTERVAL" in result.stderr


def test_every_periodic_task_is_listed_with_why_running_it_twice_is_safe() -> None:
    """docs/operations.md keeps a row per beat entry; a new periodic task must say why a second run is harmless."""
    table = (settings.BASE_DIR / "docs" / "operations.md").read_text()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert name in table, f"docs/operations.md does not list the beat entry {name}"
        assert f"| {name} | `{entry['task']}` |" in table, f"docs/operations.md has no row for {name}"
