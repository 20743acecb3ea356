"""A full rematch spread over the workers: above MATCHING_PARTITION_THRESHOLD open requests, the requests are cut
into blocks scored in parallel by whichever Celery workers are free, then merged and stored once.

1. `rematch_full_spread` (the task that claimed the run, or the nightly one): the open requests, in id order, are cut
   into blocks of MATCHING_PARTITION_BLOCK_SIZE, one MatchRunBlock row each, and one `matching.tasks.rematch_block`
   task is sent per block (through the outbox, with the rows).
2. `rematch_block_score` (any worker): claims its block with a checked update, loads the mentors and the block's
   requests, scores them with the run's weights and stores each request's top k (mentor ids, scores, components)
   and ranking digests in the block's row, which every worker can read. A request's top k depends only on that
   request and the mentors (ties are broken by a keyed hash of the pair), so a block holds exactly the rows a
   single-process run computes for its requests. The worker that stores the last block sends the merge.
3. `rematch_blocks_merge`: loads the mentors and the scored requests, puts the blocks' top k back together in id
   order, then assigns once and stores in one transaction exactly as a single-process run does
   (`runs._assign_and_persist`): the same suggestions, scores, reasons and assignment.

A worker that dies mid-block: the block has a lease of its own (matching/leases.py), renewed while it is scored.
`rematch_blocks_recover` (from `match_runs_recover`, every two minutes) sends a block whose lease expired again,
on its own; a redelivered block task takes such a block too. Each claim counts, and only the latest claim may store
its result, so a block scored twice stores one result and is counted once. A spread run nobody is working on (the
merge's worker died, or messages were lost) has its unfinished blocks, or its merge, sent again, up to
MATCH_RUN_MAX_ATTEMPTS times.

Below the threshold, from the command line, or with no broker (CELERY_TASK_ALWAYS_EAGER), a run is not spread.
"""

from __future__ import annotations

import io
import logging
import time
import traceback
from datetime import datetime
from typing import Any

import numpy as np
from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from matching import engine, leases, loading
from matching.models import MatchRun, MatchRunBlock, MentoringRequest
from matching.services.runs import PhaseClock, Ranking, _assign_and_persist, _execute, _rank, _run_begin, rematch_full
from outbox import services as outbox

logger = logging.getLogger(__name__)

# The run's phase while its blocks are scored, then once the last block is in and the merge is sent.
BLOCKS = "blocks"
MERGE = "merge"


def spreading_possible() -> bool:
    """Workers to spread over: a broker (not eager mode, as with no Redis) and a threshold set."""
    return not current_app.conf.task_always_eager and settings.MATCHING_PARTITION_THRESHOLD > 0


def rematch_full_spread(*, run: MatchRun | None = None, source: str = MatchRun.Source.BEAT) -> MatchRun:
    """A full rematch from a worker: spread over the workers when there are enough open requests, as one process
    otherwise. A run that already has blocks (its task was delivered again) carries on with them."""
    if run is not None and MatchRunBlock.objects.filter(run=run).exists():
        _send_unfinished(run.pk)
        run.refresh_from_db()
        return run
    open_requests = MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES)
    if not spreading_possible() or open_requests.count() <= settings.MATCHING_PARTITION_THRESHOLD:
        return rematch_full(run=run, source=source)
    run, _weights = _run_begin(kind=MatchRun.Kind.FULL, source=source, run=run)  # the weights are kept on the run
    ids = list(open_requests.order_by("id").values_list("id", flat=True))
    size = max(settings.MATCHING_PARTITION_BLOCK_SIZE, 1)
    blocks = [
        MatchRunBlock(run=run, index=index, request_ids=ids[start : start + size])
        for index, start in enumerate(range(0, len(ids), size))
    ]
    with transaction.atomic():
        MatchRunBlock.objects.bulk_create(blocks)
        MatchRun.objects.filter(pk=run.pk).update(
            phase=BLOCKS, blocks_total=len(blocks), blocks_done=0, request_count=len(ids), heartbeat_at=timezone.now()
        )
        _send_unfinished(run.pk)
    run.refresh_from_db()
    return run


def _send_unfinished(run_id: int) -> int:
    """Send a task for every block not scored yet (a stale one is handed back first), or the merge once all are
    in; returns the number of tasks sent. Sending one twice is harmless: the claims take each once."""
    from matching import tasks

    now = timezone.now()
    with transaction.atomic():
        MatchRunBlock.objects.filter(
            run_id=run_id, status=MatchRunBlock.Status.RUNNING, heartbeat_at__lt=leases.lease_expired_before(now)
        ).update(status=MatchRunBlock.Status.PENDING)
        pending = list(
            MatchRunBlock.objects.filter(run_id=run_id, status=MatchRunBlock.Status.PENDING)
            .order_by("index")
            .values_list("index", flat=True)
        )
        for index in pending:
            outbox.enqueue(tasks.rematch_block, run_id, index)
        if pending or MatchRunBlock.objects.filter(run_id=run_id).exclude(status=MatchRunBlock.Status.DONE).exists():
            MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(phase=BLOCKS)
            return len(pending)
        if MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(phase=MERGE):
            outbox.enqueue(tasks.rematch_merge, run_id)
            return 1
    return 0


def rematch_block_score(*, run_id: int, index: int, worker: str = "") -> bool:
    """Score one block of a spread run, once: a block already scored, being scored by a live worker, or of a run
    that ended, is left alone (False). The worker that stores the last block sends the merge."""
    from matching import tasks

    now = timezone.now()
    claimable = Q(status=MatchRunBlock.Status.PENDING) | Q(
        status=MatchRunBlock.Status.RUNNING, heartbeat_at__lt=leases.lease_expired_before(now)
    )
    claimed = MatchRunBlock.objects.filter(
        claimable, run_id=run_id, index=index, run__status=MatchRun.Status.RUNNING
    ).update(status=MatchRunBlock.Status.RUNNING, heartbeat_at=now, attempts=F("attempts") + 1, scored_by=worker[:200])
    if not claimed:
        return False
    block = MatchRunBlock.objects.select_related("run").get(run_id=run_id, index=index)
    started = time.perf_counter()
    try:
        with leases.heartbeat(run_id, block_id=block.pk):
            result = block_result(block.run, block.request_ids)
    except Exception as error:
        # Scoring the same rows again would fail the same way: the run fails, with the error, as a single run would.
        logger.exception("Block %s of match run %s failed", index, run_id)
        _fail(run_id, error)
        return False
    with transaction.atomic():
        # Only the latest claim stores: a worker thought dead that finishes after all is ignored.
        stored = MatchRunBlock.objects.filter(
            pk=block.pk, status=MatchRunBlock.Status.RUNNING, attempts=block.attempts
        ).update(
            status=MatchRunBlock.Status.DONE,
            result=result,
            seconds=round(time.perf_counter() - started, 4),
            heartbeat_at=timezone.now(),
        )
        if not stored:
            return False
        MatchRun.objects.filter(pk=run_id).update(blocks_done=F("blocks_done") + 1, heartbeat_at=timezone.now())
        last = MatchRun.objects.filter(
            pk=run_id, status=MatchRun.Status.RUNNING, phase=BLOCKS, blocks_done=F("blocks_total")
        ).update(phase=MERGE)
        if last:
            outbox.enqueue(tasks.rematch_merge, run_id)
    return True


def block_result(run: MatchRun, request_ids: list[int]) -> bytes:
    """The top k of the block's requests that are still open, scored with the run's weights, as an .npz file:
    request ids, mentor ids (-1: fewer than k), scores, components and ranking digests, one row per request."""
    weights = engine.Weights(**run.weights)
    clock = PhaseClock(run=run, report_progress=False)
    requests = MentoringRequest.objects.filter(id__in=request_ids, status__in=MentoringRequest.MATCHABLE_STATUSES)
    loaded = loading.prepare(requests)
    ranking = _rank(clock, loaded.batch, loaded.mentors, loaded.taxonomy, weights)
    rows = ranking.topk.mentor_rows
    mentor_ids = np.where(rows >= 0, loaded.mentors.ids[np.maximum(rows, 0)] if len(loaded.mentors) else -1, -1)
    buffer = io.BytesIO()
    np.savez(
        buffer,
        request_ids=loaded.batch.arrays.ids.astype(np.int64),
        mentor_ids=mentor_ids.astype(np.int64),
        scores=ranking.topk.scores,
        components=ranking.topk.components,
        digests=np.array(ranking.digests, dtype="S32"),
    )
    return buffer.getvalue()


def rematch_blocks_merge(*, run_id: int) -> MatchRun | None:
    """Once every block is scored: put their top k together, assign once and store, as a single-process run does.
    Runs once per run (a second delivery finds the run past its merge: None)."""
    now = timezone.now()
    claimed = MatchRun.objects.filter(
        pk=run_id, status=MatchRun.Status.RUNNING, phase=MERGE, blocks_done=F("blocks_total")
    ).update(phase="load", heartbeat_at=now)
    if not claimed:
        return None
    run = MatchRun.objects.get(pk=run_id)
    clock = PhaseClock(run=run, report_progress=True)
    if run.started_at is not None:
        clock.timings[BLOCKS] = round((now - run.started_at).total_seconds(), 4)

    def work() -> dict[str, Any]:
        return _assign_and_persist(clock, run, _merged_ranking(clock, run), tell_mutuals=True)

    run = _execute(run, clock, work)
    _forget_results(run_id)
    return run


def _merged_ranking(clock: PhaseClock, run: MatchRun) -> Ranking:
    with clock.phase("load"):
        results = MatchRunBlock.objects.filter(run=run).order_by("index").values_list("result", flat=True)
        # Every block is done (the merge's claim checked the count), so each has its result.
        parts = [np.load(io.BytesIO(bytes(result or b"")), allow_pickle=False) for result in results]
        scored = {name: np.concatenate([part[name] for part in parts]) for name in parts[0].files}
        order = np.argsort(scored["request_ids"], kind="stable")
        scored = {name: values[order] for name, values in scored.items()}
        loaded = loading.prepare(MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES))
        # Requests opened since the blocks were cut are ranked by their own refresh; closed ones are left out.
        keep = np.flatnonzero(np.isin(loaded.batch.arrays.ids, scored["request_ids"]))
        batch = loaded.batch if len(keep) == len(loaded.batch) else loading.request_subset(loaded.batch, keep)
        at = np.searchsorted(scored["request_ids"], batch.arrays.ids)
        mentor_ids = scored["mentor_ids"][at]
        scores = scored["scores"][at]
        components = scored["components"][at]
        mentor_rows = np.where(
            mentor_ids >= 0, loaded.table.rows_of(mentor_ids.reshape(-1)).reshape(mentor_ids.shape), -1
        )
        lost = (mentor_rows < 0) & (mentor_ids >= 0)
        if lost.any():
            # A mentor who left the table while the blocks were scored: dropped, the rest of the row moved up.
            shift = np.argsort(mentor_rows < 0, axis=1, kind="stable")
            mentor_rows = np.take_along_axis(mentor_rows, shift, axis=1)
            scores = np.where(mentor_rows >= 0, np.take_along_axis(scores, shift, axis=1), 0).astype(np.float32)
            components = np.take_along_axis(components, shift[:, :, None], axis=1)
        topk = engine.TopK(mentor_rows=mentor_rows.astype(np.int64), scores=scores, components=components)
        digests = [digest.decode() for digest in scored["digests"][at].tolist()]
    return Ranking(batch=batch, mentors=loaded.mentors, taxonomy=loaded.taxonomy, topk=topk, digests=digests)


def _fail(run_id: int, error: BaseException) -> None:
    message = "".join(traceback.format_exception_only(type(error), error)).strip()[:4000]
    MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(
        status=MatchRun.Status.FAILED, phase="", error=message, finished_at=timezone.now()
    )
    _forget_results(run_id)


def _forget_results(run_id: int) -> None:
    """A finished run keeps its blocks' counts (attempts, seconds) but not their requests and results."""
    MatchRunBlock.objects.filter(run_id=run_id).update(result=None, request_ids=[])


def rematch_blocks_recover(*, now: datetime) -> int:
    """Send again the blocks whose worker died (lease expired) while the run goes on, and the unfinished work of
    spread runs nobody is working on; returns how many tasks were sent. Runs that have been tried
    MATCH_RUN_MAX_ATTEMPTS times are left stale, for `match_runs_recover` to mark failed."""
    from matching import tasks

    sent = 0
    revived: set[int] = set()
    expired = leases.lease_expired_before(now)
    dead = MatchRunBlock.objects.filter(
        status=MatchRunBlock.Status.RUNNING, heartbeat_at__lt=expired, run__status=MatchRun.Status.RUNNING
    )
    for block_id, run_id, index, attempts in list(dead.values_list("id", "run_id", "index", "attempts")):
        if attempts >= settings.MATCH_RUN_MAX_ATTEMPTS:
            _fail(run_id, RuntimeError(f"Block {index} of the run stopped {attempts} times before it finished."))
            continue
        with transaction.atomic():
            # Checked: a redelivered task may have claimed it meanwhile.
            if MatchRunBlock.objects.filter(
                pk=block_id, status=MatchRunBlock.Status.RUNNING, heartbeat_at__lt=expired
            ).update(status=MatchRunBlock.Status.PENDING):
                outbox.enqueue(tasks.rematch_block, run_id, index)
                sent += 1
                revived.add(run_id)
    idle = MatchRun.objects.filter(
        leases.stale(now), kind=MatchRun.Kind.FULL, blocks_total__gt=0, attempts__lt=settings.MATCH_RUN_MAX_ATTEMPTS
    )
    for run_id in list(idle.exclude(pk__in=revived).values_list("id", flat=True)):
        with transaction.atomic():
            if MatchRun.objects.filter(leases.stale(now), pk=run_id).update(
                heartbeat_at=now, attempts=F("attempts") + 1
            ):
                sent += _send_unfinished(run_id)
    return sent
