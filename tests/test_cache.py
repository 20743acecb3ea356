"""The Redis cache backend (config/cache.py): one `redis.Redis` per connection pool, reused by every cache call, and
the process's own memory used while Redis does not answer (the sign-in paths with Redis down: test_redis_down.py).
"""

from __future__ import annotations

import uuid

import pytest

from config.cache import ResilientRedisCache
from tests.conftest import skip_or_fail
from tests.redis_worker import redis_answers, worker_redis_url

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_every_call_uses_the_same_redis_client() -> None:
    cache = ResilientRedisCache(DEAD_REDIS, {})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    assert cache._cache.get_client("some key", write=True) is client


@pytest.mark.redis
def test_values_round_trip_through_the_real_redis_with_a_reused_client() -> None:
    url = worker_redis_url()
    if not redis_answers(url):
        skip_or_fail(f"Redis does not answer at {url}")
    cache = ResilientRedisCache(url, {"KEY_PREFIX": f"tests-{uuid.uuid4().hex[:8]}"})
    try:
        cache.set("a", {"n": 1})
        assert cache.add("b", 2)
        assert not cache.add("b", 3)
        assert cache.get("a") == {"n": 1}
        assert cache.incr("b") == 3
        assert cache.get_many(["a", "b"]) == {"a": {"n": 1}, "b": 3}
        assert cache.reachable()
        # Nothing went to the fallback: the values are in Redis.
        assert cache._fallback.get("a") is None
    finally:
        cache.delete_many(["a", "b"])


def test_with_redis_down_the_reused_client_falls_back_to_memory_every_time() -> None:
    cache = ResilientRedisCache(DEAD_REDIS, {})
    for attempt in range(3):
        cache.set("key", attempt)
        assert cache.get("key") == attempt
    assert cache.incr("key") == 3
    assert not cache.reachable()
