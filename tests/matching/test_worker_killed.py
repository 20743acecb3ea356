"""A worker killed in the middle of a run (issue 18, finding 3): the run does not stay "running" for ever, does not
block new runs, and its work is done again.

The worker runs in a process of its own (tests/worker_process.py) so it can be killed as a host failure would:
SIGKILL to its whole process group, no shutdown, the task never acknowledged. Its scoring is slowed so the kill
lands while the run is working.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import MentorProfile, Mutual, User
from matching import leases, services, tasks
from matching.models import MatchRun, MatchRunBlock, MentoringRequest, Suggestion
from tests.factories import MentorProfileFactory
from tests.matching.factories import MentoringRequestFactory
from tests.redis_worker import RedisWorker, kill_worker, wait_for, worker_process

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

LEASE = {"MATCH_RUN_HEARTBEAT_SECONDS": "1", "MATCH_RUN_LEASE_SECONDS": "3"}


@pytest.fixture
def short_lease(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MATCH_RUN_HEARTBEAT_SECONDS = 1
    settings.MATCH_RUN_LEASE_SECONDS = 3


def _killed_mid_run(broker: RedisWorker, staff: User) -> MatchRun:
    """Queue a full rematch, let a worker start it, and kill the worker while it is scoring."""
    run = services.match_run_queue(user=staff)
    with worker_process(broker, TEST_WORKER_SLOW_SCORE_SECONDS="120", **LEASE) as worker:
        wait_for(lambda: MatchRun.objects.filter(pk=run.pk, status="running", phase="score").exists())
        first_beat = MatchRun.objects.get(pk=run.pk).heartbeat_at
        # The lease is being renewed while the run works.
        wait_for(lambda: MatchRun.objects.get(pk=run.pk).heartbeat_at > first_beat)
        kill_worker(worker)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.RUNNING  # nothing ended it: this is the state the issue found
    return run


def test_a_run_whose_worker_was_killed_is_run_again_by_the_recovery_task(
    redis_broker: RedisWorker, short_lease: None, staff: User, mutual: Mutual, mentor_profile: MentorProfile
) -> None:
    request = MentoringRequestFactory(mutual=mutual)
    run = _killed_mid_run(redis_broker, staff)
    assert not Suggestion.objects.filter(request=request).exists()

    # Until the lease runs out, the run is only slow, and recovery leaves it alone.
    assert services.match_runs_recover() == {"requeued": 0, "failed": 0}
    wait_for(lambda: MatchRun.objects.filter(leases.stale(), pk=run.pk).exists(), timeout=10)
    assert services.match_runs_recover() == {"requeued": 1, "failed": 0}
    run.refresh_from_db()
    assert run.status == MatchRun.Status.QUEUED

    with worker_process(redis_broker, **LEASE):
        wait_for(lambda: MatchRun.objects.get(pk=run.pk).is_finished)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (MatchRun.Status.SUCCEEDED, 2, "")
    assert Suggestion.objects.get(request=request).mentor_id == mentor_profile.pk


def test_a_run_whose_worker_was_killed_does_not_block_a_new_one(
    redis_broker: RedisWorker, short_lease: None, staff: User, mutual: Mutual, mentor_profile: MentorProfile
) -> None:
    MentoringRequestFactory(mutual=mutual)
    stuck = _killed_mid_run(redis_broker, staff)
    # While its lease lasts, pressing "start" again shows the run in progress rather than starting a second one.
    assert services.match_run_queue(user=staff).pk == stuck.pk
    wait_for(lambda: MatchRun.objects.filter(leases.stale(), pk=stuck.pk).exists(), timeout=10)

    fresh = services.match_run_queue(user=staff)
    assert fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == MatchRun.Status.FAILED
    assert stuck.error == services.WORKER_STOPPED
    with worker_process(redis_broker, **LEASE):
        wait_for(lambda: MatchRun.objects.get(pk=fresh.pk).is_finished)
    assert MatchRun.objects.get(pk=fresh.pk).status == MatchRun.Status.SUCCEEDED


@pytest.mark.django_db
def test_a_redelivered_task_resumes_a_run_whose_worker_died(
    short_lease: None, staff: User, mutual: Mutual, mentor_profile: MentorProfile
) -> None:
    """Redis hands an unacknowledged task back after its visibility timeout: the claim takes the stale run."""
    request = MentoringRequestFactory(mutual=mutual)
    long_ago = timezone.now() - timedelta(minutes=5)
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.FULL, status=MatchRun.Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago, attempts=1
    )
    tasks.rematch_full(run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (MatchRun.Status.SUCCEEDED, 2)
    assert Suggestion.objects.filter(request=request).exists()
    # A second delivery after that finds nothing to do.
    assert tasks.rematch_full(run.pk) is None


@pytest.mark.django_db
def test_a_live_run_is_not_taken_by_a_redelivered_task(short_lease: None) -> None:
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.FULL, status=MatchRun.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    assert tasks.rematch_full(run.pk) is None
    assert tasks.batch_propose(run.pk) is None


@pytest.mark.django_db
def test_recovery_gives_up_after_the_attempt_limit_and_fails_other_stale_runs(short_lease: None, settings) -> None:  # type: ignore[no-untyped-def]
    long_ago = timezone.now() - timedelta(minutes=5)
    worn_out = MatchRun.objects.create(
        kind=MatchRun.Kind.BATCH,
        status=MatchRun.Status.RUNNING,
        heartbeat_at=long_ago,
        attempts=settings.MATCH_RUN_MAX_ATTEMPTS,
    )
    refresh = MatchRun.objects.create(kind=MatchRun.Kind.MENTOR, status=MatchRun.Status.RUNNING, heartbeat_at=long_ago)
    assert services.match_runs_recover() == {"requeued": 0, "failed": 2}
    for run in (worn_out, refresh):
        run.refresh_from_db()
        assert (run.status, run.error) == (MatchRun.Status.FAILED, services.WORKER_STOPPED)
    # Running the recovery twice changes nothing more.
    assert services.match_runs_recover() == {"requeued": 0, "failed": 0}


SPREAD = {"MATCHING_PARTITION_THRESHOLD": "1", "MATCHING_PARTITION_BLOCK_SIZE": "2", **LEASE}


def _stored() -> list[tuple[object, ...]]:
    return list(
        Suggestion.objects.order_by("request_id", "mentor_id").values_list(
            "request_id", "mentor_id", "state", "rank", "score", "components", "reasons"
        )
    )


def test_a_worker_killed_mid_block_has_only_that_block_scored_again(
    redis_broker: RedisWorker, short_lease: None, staff: User, mutual: Mutual, mentor_profile: MentorProfile
) -> None:
    """A full rematch spread over the workers in two blocks: the worker scoring block 0 is killed; another worker
    scores block 1, the merge waits, the recovery sends block 0 alone again, and the run ends as one process ends."""
    requests = [MentoringRequestFactory(mutual=mutual) for _ in range(4)]
    for _ in range(3):
        MentorProfileFactory()
    run = services.match_run_queue(user=staff)
    with worker_process(redis_broker, TEST_WORKER_SLOW_SCORE_SECONDS="120", **SPREAD) as worker:
        # The worker cuts the run into blocks, then starts scoring block 0 (block 1 waits in the queue).
        wait_for(lambda: MatchRunBlock.objects.filter(run=run, index=0, status="running").exists())
        first_beat = MatchRunBlock.objects.get(run=run, index=0).heartbeat_at
        wait_for(lambda: MatchRunBlock.objects.get(run=run, index=0).heartbeat_at > first_beat)
        kill_worker(worker)
    run.refresh_from_db()
    assert (run.status, run.phase, run.blocks_total, run.blocks_done) == (MatchRun.Status.RUNNING, "blocks", 2, 0)

    with worker_process(redis_broker, **SPREAD):
        wait_for(lambda: MatchRunBlock.objects.filter(run=run, index=1, status="done").exists())
        # The merge waits for block 0, whose worker is dead.
        run.refresh_from_db()
        assert (run.status, run.phase, run.blocks_done) == (MatchRun.Status.RUNNING, "blocks", 1)
        assert not Suggestion.objects.exists()
        wait_for(
            lambda: MatchRunBlock.objects.filter(
                run=run, index=0, heartbeat_at__lt=leases.lease_expired_before()
            ).exists(),
            timeout=10,
        )
        assert services.match_runs_recover() == {"requeued": 1, "failed": 0}
        wait_for(lambda: MatchRun.objects.get(pk=run.pk).is_finished)
    run.refresh_from_db()
    assert (run.status, run.error, run.blocks_done, run.request_count) == (MatchRun.Status.SUCCEEDED, "", 2, 4)
    # Only block 0 was scored again.
    assert list(MatchRunBlock.objects.filter(run=run).values_list("index", "attempts")) == [(0, 2), (1, 1)]
    spread = _stored()
    assert {row[0] for row in spread} == {request.pk for request in requests}

    # One process, from nothing, stores the same.
    Suggestion.objects.all().delete()
    MentoringRequest.objects.update(ranking_digest="", first_ranked_at=None)
    single = services.rematch_full()
    assert (single.suggestion_count, single.assigned_count) == (run.suggestion_count, run.assigned_count)
    assert _stored() == spread
