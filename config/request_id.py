"""A request id on every log line of a request, and of the Celery tasks it enqueues; one line per request.

The id comes from a trusted proxy's X-Request-ID when it looks like one (so logs join up across the proxy and the
service), or is made here; it is sent back in X-Request-ID. Tasks carry it in their message headers. Nothing
personal is logged: the request line names the view (its URL name), not the path, which can hold tokens.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id: ContextVar[str] = ContextVar("request_id", default="-")
logger = logging.getLogger("requests")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record (for the JSON and the plain formatters alike)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        token = request_id.set(given if _VALID.match(given) else uuid.uuid4().hex)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id.get()
            match = getattr(request, "resolver_match", None)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "view": match.view_name if match else "-",
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)


# --- Celery: the id travels with the task --------------------------------------------------------------------


def add_request_id_to_task(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """before_task_publish: put the current request id in the task's headers."""
    if headers is not None and "request_id" not in headers:
        headers["request_id"] = request_id.get()


def take_request_id_from_task(task: Any = None, **kwargs: Any) -> None:
    """task_prerun: log the task's lines under the id of the request that enqueued it."""
    given = getattr(getattr(task, "request", None), "request_id", None) or getattr(
        getattr(task, "request", None), "headers", None
    )
    if isinstance(given, dict):
        given = given.get("request_id")
    if isinstance(given, str) and given:
        request_id.set(given)
    elif request_id.get() == "-":
        # A task from beat, or enqueued with no request around it: an id of its own. (A task run in-process, in the
        # quick start, keeps the id of the request it runs in.)
        request_id.set(uuid.uuid4().hex)
