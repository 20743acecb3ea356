"""The cache backend used with Redis: Django's RedisCache that carries on when Redis does not answer.

Rate limits (allauth's sign-in, sign-up and password reset limits), throttles and a few cached values live in the
cache. Without this, a Redis outage turns every sign-in into a 500. Instead, while Redis does not answer, each
process keeps its cache in its own memory: rate limits still count (per process, so a little more lenient), and
nothing fails. A warning is logged at most once a minute per process; /healthz still reports Redis as down, because
it asks Redis itself (`reachable`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
T = TypeVar("T")


class ReusedRedisClient(RedisCacheClient):
    """Django's Redis cache client, keeping one `redis.Redis` per connection pool instead of one per cache call.

    Django builds a new `redis.Redis` on every call (about 0.1 ms of set-up each, a few calls a page). A `redis.Redis`
    holds no connection of its own: each command borrows one from the pool, which is thread-safe, so one client per
    pool can be shared by every thread that uses this cache.
    """

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Redis:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # Django's own, not in django-stubs
        # Keyed by the pool's identity: pools live as long as this object (self._pools) and are never replaced.
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = Redis(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        # Fail fast rather than holding a request for Redis's default timeouts.
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedRedisClient
        self._fallback = LocMemCache("resilient-redis-fallback", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._warned_at = 0.0

    def _either(self, redis_call: Callable[[], T], fallback_call: Callable[[], T]) -> T:
        try:
            return redis_call()
        except UNREACHABLE as error:
            now = time.monotonic()
            if now - self._warned_at > 60:
                self._warned_at = now
                logger.warning("Redis does not answer (%s): using this process's memory cache meanwhile", error)
            return fallback_call()

    def reachable(self) -> bool:
        """Whether Redis itself answers (for /healthz), without falling back."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNREACHABLE:
            return False

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        args = (key, value, timeout, version)
        return self._either(lambda: super(ResilientRedisCache, self).add(*args), lambda: self._fallback.add(*args))

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._either(
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: self._fallback.get(key, default, version),
        )

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        args = (key, value, timeout, version)
        self._either(lambda: super(ResilientRedisCache, self).set(*args), lambda: self._fallback.set(*args))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        args = (key, timeout, version)
        return self._either(lambda: super(ResilientRedisCache, self).touch(*args), lambda: self._fallback.touch(*args))

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._either(
            lambda: super(ResilientRedisCache, self).delete(key, version), lambda: self._fallback.delete(key, version)
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._either(
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            lambda: self._fallback.get_many(keys, version),
        )

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._either(
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: self._fallback.has_key(key, version),
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return self._either(
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            lambda: self._fallback.incr(key, delta, version),
        )

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        args = (data, timeout, version)
        return self._either(
            lambda: super(ResilientRedisCache, self).set_many(*args), lambda: self._fallback.set_many(*args)
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._either(
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: self._fallback.delete_many(keys, version),
        )

    def clear(self) -> None:
        self._fallback.clear()
        self._either(lambda: super(ResilientRedisCache, self).clear(), lambda: None)
