"""The Celery app for a worker the tests start in a process of their own (tests/redis_worker.py: worker_process).

Consumes the queue named by TEST_WORKER_QUEUE. With TEST_WORKER_SLOW_SCORE_SECONDS set, the matching engine's
scoring first sleeps that long, so a test can kill the worker while a run is in the middle of its work.
"""

from __future__ import annotations

import os
import time
from typing import Any

from config.celery import app

app.conf.task_default_queue = os.environ["TEST_WORKER_QUEUE"]

_slow = float(os.environ.get("TEST_WORKER_SLOW_SCORE_SECONDS", "0"))
if _slow:
    from matching import engine

    _score_top_k = engine.score_top_k

    def _slow_score_top_k(*args: Any, **kwargs: Any) -> Any:
        time.sleep(_slow)
        return _score_top_k(*args, **kwargs)

    engine.score_top_k = _slow_score_top_k  # type: ignore[assignment]

__all__ = ["app"]
