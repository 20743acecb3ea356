"""Runs: computing suggestions for one request, one mentor's requests or every open request, recording each run
(its phases, counts and failures) and recovering runs whose worker died."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone

from accounts.models import User
from matching import engine, leases, loading, persistence
from matching.models import (
    MatchRun,
    MentoringRequest,
    Suggestion,
)
from matching.selectors import weights_current
from matching.services import unchanged
from matching.services.common import SMALL_BATCH, SUGGESTIONS_PER_REQUEST, mutual_members, request_path
from matching.services.mentor_reach import _requests_mentor_could_serve, _requests_where_mentor_matters
from notifications.services import notify
from outbox import services as outbox

logger = logging.getLogger(__name__)


@dataclass
class PhaseClock:
    """Times each phase of a run and, for long runs, records the phase on the run row as progress."""

    run: MatchRun
    report_progress: bool
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str, *, report: bool = True) -> Iterator[None]:
        """Time a phase; `report=False` inside a transaction, where updating the run row would hold its lock and
        stall the lease's heartbeat until the commit."""
        if self.report_progress and report:
            MatchRun.objects.filter(pk=self.run.pk).update(phase=name)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - started, 4)


def _run_begin(
    *,
    kind: str,
    source: str,
    started_by: User | None = None,
    run: MatchRun | None = None,
    request: MentoringRequest | None = None,
    mentor_id: int | None = None,
    save: bool = True,
) -> tuple[MatchRun, engine.Weights]:
    """Start recording a run. save=False leaves the row to be written with the run's results (see below)."""
    weights, version = weights_current()
    if run is None:
        run = MatchRun(kind=kind, source=source, started_by=started_by, request=request, mentor_id=mentor_id)
    run.status = MatchRun.Status.RUNNING
    run.started_at = run.heartbeat_at = timezone.now()
    run.weights = {name: float(value) for name, value in zip(engine.COMPONENTS, weights.as_array(), strict=True)}
    run.weights_version = version
    if save:
        run.save()
    return run, weights


def _run_fail(run: MatchRun, clock: PhaseClock, error: BaseException) -> None:
    logger.exception("Match run %s failed", run.pk)
    if not MatchRun.objects.filter(pk=run.pk).exists():
        # The row was to be written with the results, in the transaction that failed: write it now.
        run.pk = None
        run._state.adding = True
    run.status = MatchRun.Status.FAILED
    run.phase = ""
    run.timings = clock.timings
    run.error = "".join(traceback.format_exception_only(type(error), error)).strip()[:4000]
    run.finished_at = timezone.now()
    run.save()


def _run_succeed(run: MatchRun, clock: PhaseClock, **counts: Any) -> None:
    for name, value in counts.items():
        setattr(run, name, value)
    run.status = MatchRun.Status.SUCCEEDED
    run.phase = ""
    run.timings = clock.timings
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "phase", "timings", "finished_at", *counts])


def _execute(run: MatchRun, clock: PhaseClock, work: Callable[[], dict[str, Any]]) -> MatchRun:
    """Run `work` (compute, then write in one transaction); record success with its counts, or failure. The run's
    lease is renewed meanwhile, so a run whose worker dies can be told apart from a slow one (matching/leases.py)."""
    try:
        with leases.heartbeat(run.pk):
            counts = work()
    except Exception as error:
        # Recorded on the run (status and error) rather than raised: the caller may be a page, a task or the beat.
        _run_fail(run, clock, error)
        return run
    _run_succeed(run, clock, **counts)
    return run


@dataclass(frozen=True)
class Ranking:
    """The engine's output for a batch of requests, ready to store: explained only where it is written."""

    batch: loading.RequestBatch
    mentors: engine.MentorArrays
    taxonomy: engine.Taxonomy
    topk: engine.TopK
    digests: list[str]  # one per request row: persistence.ranking_digests


def _rank(
    clock: PhaseClock,
    batch: loading.RequestBatch,
    mentors: engine.MentorArrays,
    taxonomy: engine.Taxonomy,
    weights: engine.Weights,
) -> Ranking:
    with clock.phase("score"):
        topk = engine.score_top_k(
            batch.arrays,
            mentors,
            taxonomy,
            weights,
            k=SUGGESTIONS_PER_REQUEST,
            excluded_pairs=batch.excluded_pairs,
            tie_key=loading.tie_key(),
        )
        digests = persistence.ranking_digests(topk, batch.arrays, mentors, taxonomy)
    return Ranking(batch=batch, mentors=mentors, taxonomy=taxonomy, topk=topk, digests=digests)


def _ranked_rows(clock: PhaseClock, ranking: Ranking, rows: np.ndarray) -> persistence.Ranked:
    """The pairs of the given request rows, explained, in (request row, rank) order."""
    with clock.phase("explain", report=False):
        topk = ranking.topk
        chosen = topk.mentor_rows[rows]
        local, ranks = np.nonzero(chosen >= 0)
        request_rows = rows[local]
        mentor_rows = topk.mentor_rows[request_rows, ranks]
        components = topk.components[request_rows, ranks]
        reasons = engine.explanation_texts(
            request_rows, mentor_rows, components, ranking.batch.arrays, ranking.mentors, ranking.taxonomy
        )
        return persistence.Ranked(
            request_ids=ranking.batch.arrays.ids[request_rows].tolist(),
            mentor_ids=ranking.mentors.ids[mentor_rows].tolist(),
            ranks=(ranks + 1).tolist(),
            scores=np.round(topk.scores[request_rows, ranks].astype(np.float64), 4).tolist(),
            components=list(map(tuple, np.round(components.astype(np.float64), 4).tolist())),
            reasons=reasons,
        )


def _persist(clock: PhaseClock, run: MatchRun, ranking: Ranking, *, tell_mutuals: bool = True) -> int:
    """Store the ranking in one transaction; returns the number of suggestions it holds. A request's first
    suggestions are announced to its mutual (unless `tell_mutuals` is off: demo data).

    Only requests still open when writing are touched: a mutual may have chosen its mentors meanwhile, and the
    suggestions they chose from must stay as they were. Only requests whose digest changed are explained and
    written.
    """
    request_ids = ranking.batch.arrays.ids
    now = timezone.now()
    if clock.report_progress:
        MatchRun.objects.filter(pk=run.pk).update(phase="persist")
    with transaction.atomic():
        with clock.phase("persist", report=False):
            matchable = MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES)
            if len(request_ids) <= SMALL_BATCH:
                # Few requests: lock them, so a mutual choosing its mentors waits for the new ranking.
                matchable = matchable.filter(id__in=request_ids.tolist()).select_for_update()
            states = list(
                matchable.values_list("id", ExpressionWrapper(Q(first_ranked_at__isnull=True), BooleanField()))
            )
            open_now = np.array([request_id for request_id, _ in states], dtype=np.int64)
            never_ranked = [request_id for request_id, unranked in states if unranked]
            open_rows = np.flatnonzero(np.isin(request_ids, open_now))
            pair_counts = (ranking.topk.mentor_rows >= 0).sum(axis=1)
            scope = sorted(request_ids[open_rows].tolist())
            digests = {int(request_ids[row]): ranking.digests[row] for row in open_rows.tolist()}
            counts = {int(request_ids[row]): int(pair_counts[row]) for row in open_rows.tolist()}
            changed = persistence.changed_requests(scope, digests, counts)
            # Getting its first suggestions, a request has changed: only those are checked.
            newly_suggested = [request_id for request_id in changed if counts[request_id] > 0]
            first_suggestions = _never_suggested(newly_suggested) if tell_mutuals else []
        row_of = {int(request_id): row for row, request_id in enumerate(request_ids.tolist())}
        changed_rows = np.array(sorted(row_of[request_id] for request_id in changed), dtype=np.int64)
        # Explained and written a slice at a time: only one slice's sentences and rows are held at once (writing
        # 100,000 requests' million suggestions in one piece took 1.7 GB).
        for start in range(0, changed_rows.shape[0], WRITE_SLICE):
            rows = changed_rows[start : start + WRITE_SLICE]
            ranked = _ranked_rows(clock, ranking, rows)
            with clock.phase("persist", report=False):
                persistence.write(run=run, changed=request_ids[rows].tolist(), ranked=ranked, digests=digests, now=now)
            del ranked
        with clock.phase("persist", report=False):
            for chunk in _chunks(sorted(set(never_ranked) & set(scope))):
                MentoringRequest.objects.filter(id__in=chunk).update(first_ranked_at=now)
            _tell_suggestions_ready(first_suggestions)
        # What is stored now, for the next nightly run to recognise (every request in scope has been ranked).
        run.state_digest = unchanged.state_digest(
            {request_id: (digests[request_id], counts[request_id]) for request_id in scope}, []
        )
    return sum(counts.values())


WRITE_SLICE = 10_000  # requests explained and written at a time (about 100,000 suggestions)


def _never_suggested(request_ids: list[int]) -> list[int]:
    """Those of the requests that have never had a suggestion (no row, current or stale): the ones about to get
    their first."""
    suggested: set[int] = set()
    for chunk in _chunks(request_ids):
        suggested.update(
            Suggestion.objects.filter(request_id__in=chunk).values_list("request_id", flat=True).distinct()
        )
    return [request_id for request_id in request_ids if request_id not in suggested]


def _tell_suggestions_ready(request_ids: list[int]) -> None:
    """The mutual hears once per request, when its first suggestions are ready (in the run's transaction, so only
    if they are stored): at once after asking when a mentor fits, or later when one joins."""
    for chunk in _chunks(request_ids):
        for request in MentoringRequest.objects.filter(id__in=chunk).order_by("id"):
            notify(
                "suggestions_ready",
                to=mutual_members(request),
                params={"title": request.title},
                url=request_path(request),
                dedupe=f"suggestions_ready:{request.pk}",
            )


def _chunks(values: list[int], size: int = 5000) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def suggestions_refresh_for_request(
    *, request_id: int, source: str = MatchRun.Source.AUTOMATIC, started_by: User | None = None
) -> MatchRun | None:
    """Recompute one open request's suggestions. Returns None when the request is not open (nothing to do)."""
    request = MentoringRequest.objects.filter(pk=request_id, status__in=MentoringRequest.MATCHABLE_STATUSES).first()
    if request is None:
        return None
    # A refresh takes milliseconds: its run row is written with its results, in the same (one) transaction.
    run, weights = _run_begin(
        kind=MatchRun.Kind.REQUEST, source=source, started_by=started_by, request=request, save=False
    )
    clock = PhaseClock(run=run, report_progress=False)
    try:
        with clock.phase("load"):
            loaded = loading.prepare(MentoringRequest.objects.filter(pk=request_id))
            batch, candidates = loading.candidates_only(loaded.batch, loaded.mentors)
        ranking = _rank(clock, batch, candidates, loaded.taxonomy, weights)
        with transaction.atomic():
            run.save()
            stored = _persist(clock, run, ranking)
            _run_succeed(
                run,
                clock,
                request_count=len(batch),
                mentor_count=len(loaded.mentors.ids),
                suggestion_count=stored,
            )
    except Exception as error:
        _run_fail(run, clock, error)
    return run


def suggestions_refresh_for_mentor(
    *, profile_id: int, source: str = MatchRun.Source.AUTOMATIC, started_by: User | None = None
) -> MatchRun:
    """Recompute the open requests a mentor could now enter, or must leave.

    Rather than re-ranking every open request, the mentor is scored alone against all of them; only requests where
    they are suggested now, or where they would beat the lowest current suggestion, are re-ranked in full.
    """
    run, weights = _run_begin(kind=MatchRun.Kind.MENTOR, source=source, started_by=started_by, mentor_id=profile_id)
    clock = PhaseClock(run=run, report_progress=True)

    def work() -> dict[str, Any]:
        with clock.phase("load"):
            servable = _requests_mentor_could_serve(profile_id)
            loaded = loading.prepare(servable)
            affected = _requests_where_mentor_matters(
                profile_id, loaded.batch, loaded.mentors, loaded.taxonomy, weights, loaded.table, servable
            )
            subset = loading.request_subset(loaded.batch, affected)
        ranking = _rank(clock, subset, loaded.mentors, loaded.taxonomy, weights)
        stored = _persist(clock, run, ranking)
        return {"request_count": len(subset), "mentor_count": len(loaded.mentors.ids), "suggestion_count": stored}

    return _execute(run, clock, work)


def rematch_full(
    *,
    run: MatchRun | None = None,
    source: str = MatchRun.Source.COMMAND,
    started_by: User | None = None,
    tell_mutuals: bool = True,
) -> MatchRun:
    """Recompute the suggestions of every open request, and what an optimal assignment over them would achieve.
    `tell_mutuals=False` for demo data, whose requests stand for ones made long ago: nobody is told of them now."""
    run, weights = _run_begin(kind=MatchRun.Kind.FULL, source=source, started_by=started_by, run=run)
    clock = PhaseClock(run=run, report_progress=True)

    def work() -> dict[str, Any]:
        with clock.phase("load"):
            open_requests = MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES)
            loaded = loading.prepare(open_requests)
        with clock.phase("check"):
            digest = unchanged.inputs_digest(loaded, weights, k=SUGGESTIONS_PER_REQUEST, tie_key=loading.tie_key())
            kept = _unchanged_since(run, digest, loaded.batch.arrays.ids.tolist())
        if kept is not None:
            return {
                "request_count": len(loaded.batch),
                "mentor_count": len(loaded.mentors.ids),
                "suggestion_count": kept.suggestion_count,
                "inputs_digest": digest,
                "state_digest": kept.state_digest,
                "unchanged_since": kept,
            }
        ranking = _rank(clock, loaded.batch, loaded.mentors, loaded.taxonomy, weights)
        return {"inputs_digest": digest, **_assign_and_persist(clock, run, ranking, tell_mutuals=tell_mutuals)}

    return _execute(run, clock, work)


def _unchanged_since(run: MatchRun, digest: str, request_ids: list[int]) -> MatchRun | None:
    """For the nightly run: the run whose suggestions still stand when its inputs were these and nothing has
    rewritten its suggestions since (then there is nothing to compute); None otherwise."""
    if run.source != MatchRun.Source.BEAT:
        return None
    previous = unchanged.last_computed_full_run()
    if previous is None or previous.inputs_digest != digest:
        return None
    if previous.state_digest != unchanged.stored_state_digest(request_ids):
        return None
    return previous.unchanged_since or previous


def _assign_and_persist(clock: PhaseClock, run: MatchRun, ranking: Ranking, *, tell_mutuals: bool) -> dict[str, Any]:
    """The end of a full rematch, whether its ranking was computed here or in blocks over the workers
    (matching/services/partitions.py): the optimal assignment, once, then the ranking stored.

    One after the other, not side by side: solving on a thread of its own while the ranking was stored was tried
    and measured. OR-Tools' solve takes the GIL back often enough that both slowed down (at 10,000 requests storing
    went from 0.10 s to 0.54-0.79 s and the solve from 0.55 s to 0.62-0.87 s), for no gain in the run's time."""
    counts: dict[str, Any] = {}
    if run.source != MatchRun.Source.BEAT:
        # What an optimal assignment would achieve is shown on the run's page to whoever started it; the
        # nightly run has no reader for it, and skips it.
        with clock.phase("assign"):
            spare = ranking.mentors.spare_capacity
            assignment = engine.assign_optimal(ranking.topk, spare, ranking.batch.mutual_ids)
        counts = {
            "assigned_count": int(assignment.assigned),
            "assignment_total_score": round(float(assignment.total_score), 4),
        }
    stored = _persist(clock, run, ranking, tell_mutuals=tell_mutuals)
    return {
        "state_digest": run.state_digest,
        "request_count": len(ranking.batch),
        "mentor_count": len(ranking.mentors.ids),
        "suggestion_count": stored,
        **counts,
    }


def match_run_queue(*, user: User) -> MatchRun:
    """Staff ask for a full run: it is recorded as queued now and run by a worker after commit."""
    from matching import tasks

    return _queue_run(kind=MatchRun.Kind.FULL, user=user, task=tasks.rematch_full)


def batch_queue(*, user: User) -> MatchRun:
    """Staff ask for a batch proposal: recorded as a queued run now, computed by a worker after commit, so the page
    answers at once whatever the number of requests."""
    from matching import tasks

    return _queue_run(kind=MatchRun.Kind.BATCH, user=user, task=tasks.batch_propose)


def _queue_run(*, kind: str, user: User, task: Any) -> MatchRun:
    """Queue a staff-started run of `kind`. While one of that kind is queued or running (a second click, another
    member of staff, the nightly rematch), that run is returned instead: running the same work twice at once only
    makes the second wait for the first's rows. A running run whose worker died (its lease expired) is marked failed
    and does not block a new one; so is a queued run older than the broker's redelivery window (twice the task time
    limit), whose message was lost."""
    now = timezone.now()
    lost_before = now - timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    with transaction.atomic():
        _fail_stale_runs(MatchRun.objects.filter(kind=kind), now)
        unfinished = (
            MatchRun.objects.select_for_update()
            .filter(
                Q(kind=kind)
                & (Q(status=MatchRun.Status.QUEUED, created_at__gt=lost_before) | Q(status=MatchRun.Status.RUNNING))
            )
            .order_by("created_at", "id")
            .first()
        )
        if unfinished is not None:
            return unfinished
        run = MatchRun.objects.create(
            kind=kind, source=MatchRun.Source.USER, started_by=user, status=MatchRun.Status.QUEUED
        )
        run_id = run.pk
        outbox.enqueue(task, run_id)
    return run


WORKER_STOPPED = "The worker running this stopped before it finished (its lease expired)."


def _fail_stale_runs(runs: Any, now: datetime) -> int:
    return int(
        runs.filter(leases.stale(now)).update(
            status=MatchRun.Status.FAILED, phase="", error=WORKER_STOPPED, finished_at=now
        )
    )


def match_run_claim(*, run_id: int) -> MatchRun | None:
    """Move a queued run to running, once: a second delivery of the same task finds nothing to claim. A run whose
    worker died (running, lease expired) is claimed again by the redelivered task, up to MATCH_RUN_MAX_ATTEMPTS."""
    now = timezone.now()
    claimable = Q(status=MatchRun.Status.QUEUED) | (leases.stale(now) & Q(attempts__lt=settings.MATCH_RUN_MAX_ATTEMPTS))
    claimed = MatchRun.objects.filter(claimable, pk=run_id).update(
        status=MatchRun.Status.RUNNING, started_at=now, heartbeat_at=now, phase="", attempts=F("attempts") + 1
    )
    return MatchRun.objects.get(pk=run_id) if claimed == 1 else None


def match_runs_recover(*, now: datetime | None = None) -> dict[str, int]:
    """Runs whose worker died: full rematches, batch proposals and batch publications are queued again (their work
    is all-or-nothing, so nothing was half written), until they have been tried MATCH_RUN_MAX_ATTEMPTS times; other
    runs are marked failed (a refresh is redone by its own redelivered task, or by the next change or the nightly
    rematch). A full rematch spread over the workers is not queued again whole: only the blocks whose worker died,
    or its merge, are sent again (matching/services/partitions.py)."""
    from matching import tasks
    from matching.services.partitions import rematch_blocks_recover

    now = now or timezone.now()
    # A full rematch spread over the workers: only its dead blocks (or its merge) are sent again.
    requeued = rematch_blocks_recover(now=now)
    task_for: dict[str, Any] = {
        MatchRun.Kind.FULL: tasks.rematch_full,
        MatchRun.Kind.BATCH: tasks.batch_propose,
        MatchRun.Kind.PUBLISH: tasks.batch_publish,
    }
    retryable = MatchRun.objects.filter(
        leases.stale(now), kind__in=list(task_for), attempts__lt=settings.MATCH_RUN_MAX_ATTEMPTS, blocks_total=0
    )
    for run_id, kind in list(retryable.values_list("id", "kind")):
        with transaction.atomic():
            # Checked update: another recovery, or the redelivered task, may have taken it meanwhile.
            if MatchRun.objects.filter(leases.stale(now), pk=run_id).update(
                status=MatchRun.Status.QUEUED, phase="", heartbeat_at=None
            ):
                outbox.enqueue(task_for[kind], run_id)
                requeued += 1
    failed = _fail_stale_runs(MatchRun.objects.all(), now)
    if requeued or failed:
        logger.warning("Match runs whose worker stopped: %s queued again, %s marked failed", requeued, failed)
    return {"requeued": requeued, "failed": failed}
