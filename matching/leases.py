"""A running match run holds a lease, renewed by a heartbeat, so a run whose worker died can be told apart from a
run that is simply slow.

While a full rematch, batch proposal or mentor refresh computes, a thread stamps `MatchRun.heartbeat_at` every
MATCH_RUN_HEARTBEAT_SECONDS on its own database connection (the run's own transaction may be holding its writes).
A run still "running" whose heartbeat is older than MATCH_RUN_LEASE_SECONDS has lost its worker: it is stale.
`matching.services.match_runs_recover` (every few minutes, from beat) queues stale full and batch runs again and
marks other stale runs failed; a redelivered task resumes a stale run through `match_run_claim`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)


def lease_expired_before(now: datetime | None = None) -> datetime:
    """Runs whose last heartbeat is older than this have lost their worker."""
    return (now or timezone.now()) - timedelta(seconds=settings.MATCH_RUN_LEASE_SECONDS)


def stale(now: datetime | None = None) -> Q:
    """A filter on MatchRun: running, with a heartbeat (or, before the first one, a start) past the lease."""
    expired = lease_expired_before(now)
    return Q(status="running") & (
        Q(heartbeat_at__lt=expired)
        | Q(heartbeat_at__isnull=True, started_at__lt=expired)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True)
    )


def _beat(run_id: int, stop: threading.Event, block_id: int | None) -> None:
    from matching.models import MatchRun, MatchRunBlock

    interval = settings.MATCH_RUN_HEARTBEAT_SECONDS
    try:
        while not stop.wait(interval):
            try:
                now = timezone.now()
                MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(heartbeat_at=now)
                if block_id is not None:
                    MatchRunBlock.objects.filter(pk=block_id, status=MatchRunBlock.Status.RUNNING).update(
                        heartbeat_at=now
                    )
            except Exception:  # a locked SQLite file or a dropped connection: try again at the next beat
                logger.warning("Could not renew the lease of match run %s", run_id, exc_info=True)
                close_old_connections()
    finally:
        connection.close()  # this thread's own connection


@contextmanager
def heartbeat(run_id: int | None, *, block_id: int | None = None) -> Iterator[None]:
    """Renew the run's lease for as long as the `with` block runs, and the lease of one of the run's blocks of
    requests (matching/services/partitions.py) when given."""
    if run_id is None:
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(
        target=_beat, args=(run_id, stop, block_id), name=f"match-run-{run_id}-heartbeat", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=settings.MATCH_RUN_HEARTBEAT_SECONDS + 5)
