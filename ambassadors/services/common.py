"""Shared by the ambassadors services: the domain error, the review pipeline's transitions, the load window."""

from __future__ import annotations

from datetime import timedelta

from ambassadors.models import (
    Application,
)

Status = Application.Status


class AmbassadorsError(Exception):
    """An action the programme's rules do not allow; the message is written for the person who tried it."""


# The review pipeline. A move not listed here is refused. Appointed, not appointed and withdrawn are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.SHORTLISTED, Status.NOT_APPOINTED, Status.WITHDRAWN}),
    Status.SHORTLISTED: frozenset({Status.INTERVIEW, Status.APPOINTED, Status.NOT_APPOINTED, Status.WITHDRAWN}),
    Status.INTERVIEW: frozenset({Status.SHORTLISTED, Status.APPOINTED, Status.NOT_APPOINTED, Status.WITHDRAWN}),
    Status.APPOINTED: frozenset(),
    Status.NOT_APPOINTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# Recent engagements count against an ambassador's quarterly capacity for this long.
LOAD_WINDOW = timedelta(days=90)


def _status_label(status: str) -> str:
    return str(Status(status).label)
