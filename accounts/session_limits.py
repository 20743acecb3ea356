"""How long a signed-in session has left, read without extending it.

Two limits end a session (config/settings.py):
- idle: SESSION_COOKIE_AGE after the last request. With SESSION_SAVE_EVERY_REQUEST every response re-saves the
  session, which pushes its expiry back; accounts.middleware.IdleSessionMiddleware records when it last did.
- absolute: SESSION_ABSOLUTE_LIMIT after sign-in, however active (accounts.middleware.AbsoluteSessionLimitMiddleware).

The time-out warning (static/js/session-timeout.js) asks how long is left. Asking must not count as activity, so its
view is marked with `does_not_extend_session` and the middleware leaves that request's session unsaved.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

SESSION_STARTED_KEY = "session_started_at"
LAST_ACTIVE_KEY = "session_last_active_at"
_NOT_EXTENDED = "_session_not_extended"


@dataclass(frozen=True)
class SessionTimeLeft:
    idle_seconds_left: int
    absolute_seconds_left: int

    def as_dict(self) -> dict[str, int]:
        return {"idle_seconds_left": self.idle_seconds_left, "absolute_seconds_left": self.absolute_seconds_left}


def absolute_seconds_left(session: SessionBase, now: float) -> float:
    """Negative once the absolute limit has passed. A session that has not recorded its start yet has all of it."""
    started = float(session.get(SESSION_STARTED_KEY, now))
    return started + settings.SESSION_ABSOLUTE_LIMIT.total_seconds() - now


def time_left(session: SessionBase, *, renewed: bool) -> SessionTimeLeft:
    """Whole seconds until each limit ends `session`.

    `renewed`: the current request restarts the idle clock (every request does, except a status check), so the idle
    limit is a full SESSION_COOKIE_AGE from now rather than from the last recorded activity.
    """
    now = time.time()
    last_active = now if renewed else float(session.get(LAST_ACTIVE_KEY, now))
    idle = last_active + settings.SESSION_COOKIE_AGE - now
    return SessionTimeLeft(
        idle_seconds_left=max(0, int(idle)),
        absolute_seconds_left=max(0, int(absolute_seconds_left(session, now))),
    )


def does_not_extend_session(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The request is not activity: its session is not saved, so the idle expiry stays where it was."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        setattr(request, _NOT_EXTENDED, True)
        return view(request, *args, **kwargs)

    return wrapped


def extends_session(request: HttpRequest) -> bool:
    return not getattr(request, _NOT_EXTENDED, False)
