"""pytest plugin: a real Celery worker consuming from the real Redis, for integration tests.

Registered in tests/conftest.py (`pytest_plugins = ["tests.redis_worker"]`). Usage:

    @pytest.mark.redis
    def test_something(celery_redis_worker):
        accounts.tasks.purge_expired_invitations.delay()
        wait_for(lambda: not MutualInvitation.objects.filter(pk=old.pk).exists())

- The worker runs in a thread of the test process with its own database connection, so the fixture brings
  `transactional_db` (rows must be committed for the worker to see them, and the worker's writes are committed).
  tests/conftest.py puts back the taxonomy that the flush after each transactional test removes.
- Redis is the one at REDIS_URL (environment, then settings), or redis://127.0.0.1:6379/15 locally: a database
  number a development worker does not use. If it does not answer, the test is skipped, or fails when
  REQUIRE_SERVICES=1 (as in CI).
- Tasks go to a new queue unique to this test, so a development worker on the same Redis cannot steal them, parallel
  test processes do not see each other's tasks, and nothing is left from an earlier run. The queue, with anything
  still in it, is deleted afterwards.
- Eager mode is off while the worker runs and restored afterwards; enqueue with `.delay()`, `.delay_on_commit()`
  or `transaction.on_commit()` exactly as the application does.
- Poll for effects with `wait_for(condition)`; never sleep for a fixed time.
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
from dataclasses import dataclass

import kombu.pools
import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings

LOCAL_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
WORKER_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class RedisWorker:
    app: Celery
    redis_url: str
    queue: str


def worker_redis_url() -> str:
    return os.environ.get("REDIS_URL") or getattr(settings, "REDIS_URL", "") or LOCAL_TEST_REDIS_URL


def redis_answers(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False


def wait_for(condition: Callable[[], object], timeout: float = WORKER_TIMEOUT_SECONDS, interval: float = 0.05) -> None:
    """Poll until `condition()` is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"The worker did not produce the expected effect within {timeout} seconds")
        time.sleep(interval)


def _reset_connections(app: Celery) -> None:
    # The broker URL and default queue are read when the connection pools and the amqp helper are first built:
    # close and forget them (kombu keeps a process-wide registry of pools) so the next use follows the configuration.
    kombu.pools.reset()
    app._pool = None
    app.__dict__.pop("amqp", None)


def _delete_queue(url: str, queue: str) -> None:
    """Remove the queue, anything left in it, and kombu's binding tables for it (all their keys name the queue)."""
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def redis_broker(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisWorker]:
    """Tasks go to a fresh queue on the real Redis instead of running in-process; no worker consumes them (start
    one with `celery_redis_worker`, or in its own process with `worker_process`)."""
    from config.celery import app
    from tests.conftest import skip_or_fail

    url = worker_redis_url()
    if not redis_answers(url):
        skip_or_fail(f"Redis does not answer at {url}")
    queue = f"tests-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "task_always_eager", "task_default_queue", "broker_connection_retry_on_startup")
    }
    app.conf.update(
        broker_url=url,
        task_always_eager=False,
        task_default_queue=queue,
        broker_connection_retry_on_startup=False,
    )
    _reset_connections(app)
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")  # the worker need not re-run Django's system checks
    try:
        yield RedisWorker(app=app, redis_url=url, queue=queue)
    finally:
        app.conf.update(saved)
        _reset_connections(app)
        _delete_queue(url, queue)


@pytest.fixture
def celery_redis_worker(redis_broker: RedisWorker) -> Iterator[RedisWorker]:
    """A worker thread in this process consuming the test's queue."""
    with start_worker(
        redis_broker.app,
        pool="solo",
        perform_ping_check=False,
        queues=[redis_broker.queue],
        shutdown_timeout=WORKER_TIMEOUT_SECONDS,
    ):
        yield redis_broker


@contextmanager
def worker_process(broker: RedisWorker, **environment: str) -> Iterator[subprocess.Popen[bytes]]:
    """A Celery worker in a process of its own (tests/worker_process.py), consuming the test's queue and using the
    test database, so a test can kill it as a host failure would. Extra environment variables go to the worker
    (settings such as MATCH_RUN_LEASE_SECONDS, or tests/worker_process.py's TEST_WORKER_SLOW_SCORE_SECONDS)."""
    from django.db import connection

    database = connection.settings_dict
    if database["ENGINE"] != "django.db.backends.postgresql":
        from tests.conftest import skip_or_fail

        skip_or_fail("a worker in another process needs the test database on PostgreSQL")
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": broker.redis_url,
        "TESTING": "1",
        "CELERY_SKIP_CHECKS": "1",
        "TEST_WORKER_QUEUE": broker.queue,
        **environment,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "tests.worker_process", "worker",
        "--pool=solo", "--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-Q", broker.queue, "--loglevel=WARNING",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=WORKER_TIMEOUT_SECONDS)


def kill_worker(process: subprocess.Popen[bytes]) -> None:
    """Kill the worker and everything it started at once, as a host failure would: no shutdown, no acknowledgement."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=WORKER_TIMEOUT_SECONDS)
