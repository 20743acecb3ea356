"""The logging configuration (settings.LOGGING): one console handler, in JSON lines or plain text, with the
request id on every line (config/request_id.py). The request line names the view, never the path."""

from __future__ import annotations

from typing import Any


def logging_config(*, log_format: str, level: str, request_level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "config.request_id.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["request_id"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # Django's own request logger repeats what the request line says (and names the path): warnings only.
            "django.request": {"level": "ERROR"},
            # One line per request is useful in production; in development the runserver prints its own.
            "requests": {"level": request_level},
        },
    }
