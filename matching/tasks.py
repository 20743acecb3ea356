"""Celery tasks for matching: thin, take ids, call a service, and are safe to run twice.

A refresh recomputes from the current data, so running it again gives the same suggestions. A queued full run or
batch proposal is claimed with a checked update, so a redelivered task finds nothing to claim, unless the worker
that claimed it died (its lease expired: matching/leases.py), in which case the redelivered task runs it again.
Emails go through notifications (notifications/tasks.py).
"""

from __future__ import annotations

from auditlog.context import set_actor
from celery import Task, shared_task

from matching import services
from matching.models import BatchProposal, MatchRun


@shared_task
def refresh_request(request_id: int) -> int | None:
    """Recompute one request's suggestions (after it was submitted, edited or reopened)."""
    run = services.suggestions_refresh_for_request(request_id=request_id)
    return run.pk if run else None


@shared_task
def refresh_mentor(profile_id: int) -> int:
    """Recompute the requests a mentor could enter or must leave: approved, edited, paused, resumed, busier, freer."""
    return services.suggestions_refresh_for_mentor(profile_id=profile_id).pk


@shared_task
def rematch_full(run_id: int | None = None) -> int | None:
    """A full rematch: a run staff queued (by id), or the nightly one from beat (no id). Above
    MATCHING_PARTITION_THRESHOLD open requests it is spread over the workers (matching/services/partitions.py)."""
    if run_id is None:
        return services.rematch_full_spread(source=MatchRun.Source.BEAT).pk
    run = services.match_run_claim(run_id=run_id)
    if run is None:
        return None  # already claimed by an earlier delivery of this task
    return services.rematch_full_spread(run=run).pk


@shared_task(bind=True)
def rematch_block(self: Task, run_id: int, index: int) -> bool:  # type: ignore[type-arg]
    """One block of a full rematch spread over the workers: scored once (a block scored, or being scored by a live
    worker, is left alone); the worker storing the last block sends the merge."""
    return services.rematch_block_score(run_id=run_id, index=index, worker=self.request.hostname or "")


@shared_task
def rematch_merge(run_id: int) -> int | None:
    """The end of a spread full rematch, once every block is scored: merge, assign once, store."""
    run = services.rematch_blocks_merge(run_id=run_id)
    return run.pk if run else None


@shared_task
def batch_propose(run_id: int) -> int | None:
    """A batch proposal staff asked for: computed once per queued run; the run records a failure."""
    run = services.match_run_claim(run_id=run_id)
    if run is None:
        return None  # already claimed by an earlier delivery of this task
    try:
        # The audit log names the staff member who asked for the batch, not "the service".
        with set_actor(run.started_by):
            return services.batch_propose(user=run.started_by, run=run).pk
    except services.MatchingError:
        return None  # the run is marked failed, with the error, for the page that shows it


@shared_task
def batch_publish(run_id: int) -> int | None:
    """Publish the batch proposal staff asked to publish: once per queued run (a proposal already published is left
    alone); the run records a failure."""
    run = services.match_run_claim(run_id=run_id)
    if run is None:
        return None  # already claimed by an earlier delivery of this task
    proposal = BatchProposal.objects.filter(publish_run=run).first()
    if proposal is None:
        return None
    try:
        return services.batch_publish(proposal=proposal, user=run.started_by, run=run).pk
    except services.MatchingError:
        return None  # the run is marked failed, with the error, for the page that shows it


@shared_task
def expire_introductions() -> int:
    """Hourly: introductions with no answer in time move on to the mutual's next choice."""
    return services.introductions_expire()


@shared_task
def recover_stale_runs() -> dict[str, int]:
    """Every two minutes: runs whose worker died are queued again or marked failed (matching/leases.py)."""
    return services.match_runs_recover()
