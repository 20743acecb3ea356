"""Stopping a worker as a rolling restart does (SIGTERM): running tasks finish, or go back to the queue (issue 19).

Real worker processes (prefork, as deployed) with the settings and REMAP_SIGTERM of docker-compose.yml, a soft
shutdown of 3 seconds instead of 30, and a task that records its runs in Redis (tests/shutdown_worker.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import redis
from celery import Celery
from django.conf import settings

from tests.redis_worker import redis_answers, worker_redis_url

pytestmark = pytest.mark.redis

SOFT_SHUTDOWN_SECONDS = 3


@pytest.fixture
def queue() -> Iterator[tuple[str, str]]:
    from tests.conftest import skip_or_fail

    url = worker_redis_url()
    if not redis_answers(url):
        skip_or_fail(f"Redis does not answer at {url}")
    name = f"tests-shutdown-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    yield url, name
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"*{name}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@contextmanager
def worker(url: str, queue: str) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "REDIS_URL": url,
        "TESTING": "1",
        "CELERY_SKIP_CHECKS": "1",
        "TEST_WORKER_QUEUE": queue,
        "REMAP_SIGTERM": "SIGQUIT",
        "CELERY_WORKER_SOFT_SHUTDOWN_SECONDS": str(SOFT_SHUTDOWN_SECONDS),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "tests.shutdown_worker", "worker", "--pool=prefork", "--concurrency=1",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "--loglevel=WARNING",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def wait_for(condition: Callable[[], object], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s"
        time.sleep(0.05)


def send_nap(url: str, queue: str, key: str, seconds: float) -> None:
    sender = Celery(broker=url)
    try:
        sender.send_task("tests.nap", args=[key, seconds], queue=queue)
    finally:
        sender.close()


def stop_like_a_rolling_restart(process: subprocess.Popen[bytes]) -> float:
    """SIGTERM, as docker stop and systemd send; returns how long the worker took to exit."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=SOFT_SHUTDOWN_SECONDS + 20) is not None
    return time.monotonic() - started


def test_a_running_short_task_finishes_before_the_worker_exits(queue: tuple[str, str]) -> None:
    url, name = queue
    client = redis.Redis.from_url(url)
    key = f"{name}:short"
    with worker(url, name) as process:
        send_nap(url, name, key, 1.5)
        wait_for(lambda: client.get(f"{key}:started"))
        stop_like_a_rolling_restart(process)
    assert client.get(f"{key}:finished") == b"1", "the task in flight was cut off"
    assert client.llen(name) == 0
    client.close()


def test_a_long_task_is_handed_back_after_the_soft_shutdown_and_another_worker_redoes_it(
    queue: tuple[str, str],
) -> None:
    url, name = queue
    client = redis.Redis.from_url(url)
    key = f"{name}:long"
    with worker(url, name) as process:
        send_nap(url, name, key, 120)
        wait_for(lambda: client.get(f"{key}:started"))
        took = stop_like_a_rolling_restart(process)
    # The worker did not wait for the two-minute task, nor for a broker's visibility timeout...
    assert took < SOFT_SHUTDOWN_SECONDS + 10
    assert client.get(f"{key}:finished") is None
    # ...and the task was not lost: the next worker (another host in a rolling restart) runs it.
    with worker(url, name):
        wait_for(lambda: client.get(f"{key}:finished"))
    assert client.get(f"{key}:finished") == b"2"
    client.close()
