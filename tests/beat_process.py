"""The Celery app for beat processes that tests start (tests/operations/test_one_scheduler.py).

The project's app and scheduler settings (celery-redbeat, config/settings.py), with the schedule replaced by one probe
entry every TEST_BEAT_PERIOD seconds sent to the queue TEST_BEAT_QUEUE, which no worker consumes: the test counts the
messages in it. TEST_BEAT_TASK names another task to send instead (the multi-host rehearsal sends the project's
recovery of stale match runs to its workers' queue). BEAT_KEY_PREFIX (a setting) keeps the test's schedule and lock
apart from a development beat's.
"""

from __future__ import annotations

import os

from config.celery import app

app.conf.beat_schedule = {
    "probe": {
        "task": os.environ.get("TEST_BEAT_TASK", "tests.beat_probe"),
        "schedule": float(os.environ["TEST_BEAT_PERIOD"]),
        "options": {"queue": os.environ["TEST_BEAT_QUEUE"]},
    }
}

__all__ = ["app"]
