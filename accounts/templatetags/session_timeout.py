"""{% session_timeout as timeout %}: the figures the time-out warning (static/js/session-timeout.js) starts from."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from accounts.session_limits import time_left

register = template.Library()


@register.simple_tag(takes_context=True)
def session_timeout(context: dict[str, Any]) -> dict[str, int]:
    """Seconds left of each limit as this page is served (serving it restarted the idle limit), and the warning time."""
    return {
        **time_left(context["request"].session, renewed=True).as_dict(),
        "warning_seconds": settings.SESSION_WARNING_SECONDS,
        "absolute_hours": int(settings.SESSION_ABSOLUTE_LIMIT.total_seconds() // 3600),
    }
