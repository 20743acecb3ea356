"""gunicorn's settings, from the environment (`gunicorn -c config/gunicorn_conf.py config.wsgi:application`).

WEB_CONCURRENCY worker processes (default: two per CPU core, at least 2) with GUNICORN_THREADS threads each
(default 2): a request that waits on the database does not hold a whole process. One worker, gunicorn's own
default, gave a p95 of 182 ms at 42 requests a second on the 2-core review machine; see the README's operations
section and bench/load.py for how to size it.

Stopping: on SIGTERM gunicorn stops accepting, lets requests in flight finish for up to GUNICORN_GRACEFUL_TIMEOUT
seconds, then exits, so a rolling restart loses no completed request.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from error


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("WEB_CONCURRENCY", max(2, 2 * multiprocessing.cpu_count()))
threads = _int("GUNICORN_THREADS", 2)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, so a slow leak in any library cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a container's overlay disk (gunicorn's advice for Docker).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's documented choice
# Off by default: the application logs one line per request itself, with its request id and without the path
# (paths can carry tokens). Set GUNICORN_ACCESS_LOG=- to have gunicorn's too.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
