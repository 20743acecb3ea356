"""The checks behind /healthz: can this process reach its database, its cache and its Celery broker?

Each check answers "ok" or the kind of failure. Exception messages are logged but never returned: they can name
hosts, users or database names, and /healthz is public.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2.0


class CheckFailed(Exception):
    """A dependency answered, but not with what it should have."""


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str = ""

    def as_json(self) -> dict[str, str]:
        result = {"status": "ok" if self.ok else "error"}
        if self.detail:
            result["detail"] = self.detail
        return result


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    if row is None or row[0] != 1:
        raise CheckFailed("unexpected answer to SELECT 1")
    return ""


def check_cache() -> str:
    reachable = getattr(cache, "reachable", None)
    if reachable is not None and not reachable():
        # The service carries on without it (config/cache.py), but an operator must know.
        raise CheckFailed("Redis does not answer")
    # A unique key, so concurrent probes from several load balancers cannot read each other's value.
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    try:
        if cache.get(key) != "ok":
            raise CheckFailed("the cache did not return the value just stored")
    finally:
        cache.delete(key)
    return ""


def check_broker() -> str:
    if not settings.REDIS_URL:
        # No broker configured: Celery runs tasks in the web process (the quick start), which is always up.
        return "in-process"
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=BROKER_TIMEOUT_SECONDS, socket_timeout=BROKER_TIMEOUT_SECONDS
    )
    try:
        if not client.ping():
            raise CheckFailed("Redis did not answer PING")
    finally:
        client.close()
    return ""


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def run_checks() -> dict[str, CheckResult]:
    results: dict[str, CheckResult] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = CheckResult(ok=True, detail=check())
        except Exception as error:  # any failure means "down", whatever the driver raises
            logger.warning("health check %s failed", name, exc_info=True)
            results[name] = CheckResult(ok=False, detail=type(error).__name__)
    return results
