"""The service-wide banner of the programme team's latest announcement, on every page until its end date."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from programme import announcements

CACHE_KEY = "programme:announcement_banner"
CACHE_SECONDS = 60  # a new banner shows within a minute; sending one clears this at once


def current_banner() -> dict[str, Any] | None:
    today = timezone.localdate().isoformat()
    cached = cache.get(CACHE_KEY)
    if cached is None or cached.get("day") != today:
        announcement = announcements.banner_for_today()
        banner = (
            {"subject": announcement.subject, "body": announcement.body, "until": announcement.banner_until}
            if announcement is not None
            else None
        )
        cached = {"day": today, "banner": banner}
        cache.set(CACHE_KEY, cached, CACHE_SECONDS)
    return cached["banner"]  # type: ignore[no-any-return]


def announcement_banner(request: HttpRequest) -> dict[str, Any]:
    return {"announcement_banner": current_banner()}
