"""A fixed-window limit on enquiries per email address, counted in the cache (Redis in production, so every web
process shares the count; local memory in the quick start)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


def _key(address: str, window: int) -> str:
    # The address is hashed: the cache is no place for people's email addresses.
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]
    return f"information:enquiries:{digest}:{window}"


def allow_enquiry(address: str, *, now: float | None = None) -> bool:
    """Count one enquiry from this address; False once ENQUIRY_RATE_LIMIT_PER_HOUR have come in this hour."""
    window = int((now if now is not None else time.time()) // WINDOW_SECONDS)
    key = _key(address, window)
    # add() then incr(): both atomic in Redis, so two processes cannot both take the last place.
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.add(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return count <= settings.ENQUIRY_RATE_LIMIT_PER_HOUR
