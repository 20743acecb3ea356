"""The Celery app for workers that tests stop as a rolling restart would (tests/operations/test_rolling_restart.py).

The project's app and settings, consuming TEST_WORKER_QUEUE, plus one task, `tests.nap`, that records in Redis when it
starts and finishes. Its first run sleeps as long as asked; a second run (the task handed back and redone) does not.
"""

from __future__ import annotations

import os
import time

import redis

from config.celery import app

app.conf.task_default_queue = os.environ["TEST_WORKER_QUEUE"]


@app.task(name="tests.nap")
def nap(key: str, seconds: float) -> None:
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    runs = int(client.incr(f"{key}:started"))
    time.sleep(seconds if runs == 1 else 0.1)
    client.set(f"{key}:finished", runs)


__all__ = ["app"]
