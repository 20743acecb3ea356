"""A full rematch spread over the workers (issue 19, item 4): the same suggestions, scores, reasons and assignment as
one process; progress of the blocks on the run page; a block scored twice stores one result; a dead block is sent
again on its own.

The blocks run in this process here: with CELERY_TASK_ALWAYS_EAGER (as in the tests) a task sent after commit runs
at once, so capturing the commit callbacks runs the split, every block and the merge in turn. test_worker_killed.py
runs them on real workers.
"""

from __future__ import annotations

import random
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management.base import OutputWrapper
from django.urls import reverse
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import User
from matching import demo, services, tasks
from matching.models import MatchRun, MatchRunBlock, MentoringRequest, Suggestion
from matching.services import partitions
from outbox.models import PendingTask
from tests.clients import ClientFor

pytestmark = pytest.mark.django_db

BLOCK_SIZE = 7


@pytest.fixture
def demo_requests() -> int:
    """About 40 open requests from the demo seed (demo mentors tie often: most requests tie for first place),
    with its declined and pending introductions, then every suggestion and digest forgotten."""
    accounts_demo.seed_people(rng_seed=2012, size=40)
    demo.seed(rng=random.Random("2012:matching"), size=40, stdout=OutputWrapper(StringIO()))
    forget_rankings()
    return MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES).count()


def forget_rankings() -> None:
    Suggestion.objects.all().delete()
    MentoringRequest.objects.update(ranking_digest="", first_ranked_at=None)


@pytest.fixture
def spread(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs from a worker are spread, in blocks of BLOCK_SIZE requests (the tests have no broker: see above)."""
    settings.MATCHING_PARTITION_THRESHOLD = 1
    settings.MATCHING_PARTITION_BLOCK_SIZE = BLOCK_SIZE
    monkeypatch.setattr(partitions, "spreading_possible", lambda: True)


def stored() -> list[tuple[Any, ...]]:
    return list(
        Suggestion.objects.order_by("request_id", "mentor_id").values_list(
            "request_id", "mentor_id", "state", "rank", "score", "components", "reasons"
        )
    )


def outcome(run: MatchRun) -> tuple[Any, ...]:
    run.refresh_from_db()
    return (
        run.status,
        run.error,
        run.request_count,
        run.mentor_count,
        run.suggestion_count,
        run.assigned_count,
        run.assignment_total_score,
    )


def queue_and_run(staff: User, django_capture_on_commit_callbacks: Any) -> MatchRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.match_run_queue(user=staff)
    return MatchRun.objects.get(pk=run.pk)


def test_a_spread_run_stores_exactly_what_one_process_stores(
    demo_requests: int, staff: User, settings: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    single = queue_and_run(staff, django_capture_on_commit_callbacks)
    assert single.blocks_total == 0  # no broker: one process, as before
    single_rows, single_outcome = stored(), outcome(single)
    assert single_outcome[0] == MatchRun.Status.SUCCEEDED
    ties = Suggestion.objects.values("request_id", "score").distinct().count()
    assert ties < len(single_rows), "the data must have ties for the comparison to test their order"
    forget_rankings()

    settings.MATCHING_PARTITION_THRESHOLD = 1
    settings.MATCHING_PARTITION_BLOCK_SIZE = BLOCK_SIZE
    monkeypatch.setattr(partitions, "spreading_possible", lambda: True)
    spread_run = queue_and_run(staff, django_capture_on_commit_callbacks)
    expected_blocks = -(-demo_requests // BLOCK_SIZE)
    assert (spread_run.blocks_total, spread_run.blocks_done) == (expected_blocks, expected_blocks) > (1, 1)
    assert outcome(spread_run) == single_outcome
    assert stored() == single_rows
    assert set(Suggestion.objects.values_list("run_id", flat=True)) == {spread_run.pk}
    # Every block was scored once, and the run keeps their counts but not their requests or results.
    blocks = MatchRunBlock.objects.filter(run=spread_run)
    assert {
        (status, attempts, result, tuple(ids))
        for status, attempts, result, ids in blocks.values_list("status", "attempts", "result", "request_ids")
    } == {("done", 1, None, ())}
    assert {"blocks", "load", "assign", "persist"} <= set(spread_run.timings)
    assert not PendingTask.objects.filter(name__startswith="matching.tasks.rematch").exists()


def test_the_nightly_run_is_spread_too_and_skips_the_assignment(
    demo_requests: int, spread: None, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tasks.rematch_full()
    run = MatchRun.objects.get(kind=MatchRun.Kind.FULL, source=MatchRun.Source.BEAT)
    assert (run.status, run.blocks_done, run.assigned_count) == (MatchRun.Status.SUCCEEDED, run.blocks_total, None)
    assert Suggestion.objects.filter(run=run).count() == run.suggestion_count > demo_requests


def test_below_the_threshold_a_run_is_not_spread(
    demo_requests: int, spread: None, settings: Any, staff: User, django_capture_on_commit_callbacks
) -> None:
    settings.MATCHING_PARTITION_THRESHOLD = demo_requests
    run = queue_and_run(staff, django_capture_on_commit_callbacks)
    assert (run.status, run.blocks_total) == (MatchRun.Status.SUCCEEDED, 0)
    assert not MatchRunBlock.objects.exists()


def split(staff: User, django_capture_on_commit_callbacks: Any) -> MatchRun:
    """A spread run whose blocks have been sent but not run (their tasks are left in the outbox)."""
    run = services.match_run_queue(user=staff)
    run = services.match_run_claim(run_id=run.pk)
    assert run is not None
    with django_capture_on_commit_callbacks(execute=False):
        run = services.rematch_full_spread(run=run)
    assert (run.status, run.phase, run.blocks_done) == (MatchRun.Status.RUNNING, "blocks", 0)
    return run


def test_a_block_task_run_twice_stores_one_result_and_counts_once(
    demo_requests: int, spread: None, staff: User, django_capture_on_commit_callbacks
) -> None:
    run = split(staff, django_capture_on_commit_callbacks)
    block = MatchRunBlock.objects.get(run=run, index=0)
    assert tasks.rematch_block(run.pk, 0) is True
    block.refresh_from_db()
    first = bytes(block.result)
    # A second delivery finds the block scored and does nothing.
    assert tasks.rematch_block(run.pk, 0) is False
    block.refresh_from_db()
    run.refresh_from_db()
    assert (bytes(block.result), block.attempts, run.blocks_done) == (first, 1, 1)
    # Scoring the same block again gives the same bytes.
    assert partitions.block_result(run, block.request_ids) == first


def test_a_block_whose_worker_died_is_taken_again_and_counted_once(
    demo_requests: int, spread: None, settings: Any, staff: User, django_capture_on_commit_callbacks
) -> None:
    run = split(staff, django_capture_on_commit_callbacks)
    long_ago = timezone.now() - timedelta(seconds=settings.MATCH_RUN_LEASE_SECONDS + 5)
    # A worker claimed block 1 and died: its lease ran out.
    MatchRunBlock.objects.filter(run=run, index=1).update(status="running", attempts=1, heartbeat_at=long_ago)
    # A live worker's block is not taken.
    MatchRunBlock.objects.filter(run=run, index=2).update(status="running", attempts=1, heartbeat_at=timezone.now())
    assert tasks.rematch_block(run.pk, 2) is False
    # The recovery sends block 1 again (and nothing else: block 2 is alive, the others wait in the queue).
    PendingTask.objects.all().delete()
    assert services.match_runs_recover() == {"requeued": 1, "failed": 0}
    assert list(PendingTask.objects.values_list("name", "args")) == [("matching.tasks.rematch_block", [run.pk, 1])]
    assert tasks.rematch_block(run.pk, 1) is True
    block = MatchRunBlock.objects.get(run=run, index=1)
    run.refresh_from_db()
    assert (block.status, block.attempts, run.blocks_done, run.status) == ("done", 2, 1, MatchRun.Status.RUNNING)


def test_the_merge_waits_for_every_block_and_a_lost_merge_is_sent_again(
    demo_requests: int, spread: None, settings: Any, staff: User, django_capture_on_commit_callbacks
) -> None:
    run = split(staff, django_capture_on_commit_callbacks)
    indexes = list(MatchRunBlock.objects.filter(run=run).values_list("index", flat=True))
    PendingTask.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False):
        for index in indexes[:-1]:
            tasks.rematch_block(run.pk, index)
    assert tasks.rematch_merge(run.pk) is None  # not every block is in
    assert not PendingTask.objects.filter(name="matching.tasks.rematch_merge").exists()
    with django_capture_on_commit_callbacks(execute=False):
        tasks.rematch_block(run.pk, indexes[-1])
    assert PendingTask.objects.filter(name="matching.tasks.rematch_merge", args=[run.pk]).count() == 1
    run.refresh_from_db()
    assert (run.phase, run.blocks_done) == ("merge", len(indexes))

    # The merge's message is lost and nobody works on the run: once its lease runs out, the merge is sent again.
    PendingTask.objects.all().delete()
    MatchRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert services.match_runs_recover() == {"requeued": 1, "failed": 0}
    assert list(PendingTask.objects.values_list("name", "args")) == [("matching.tasks.rematch_merge", [run.pk])]
    assert tasks.rematch_merge(run.pk) == run.pk
    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.SUCCEEDED
    assert tasks.rematch_merge(run.pk) is None  # a second delivery finds nothing to do
    assert Suggestion.objects.filter(run=run).count() == MatchRun.objects.get(pk=run.pk).suggestion_count > 0


def test_a_block_that_fails_fails_the_run_with_its_error(
    demo_requests: int,
    spread: None,
    staff: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
) -> None:
    run = split(staff, django_capture_on_commit_callbacks)

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise ValueError("no such column")

    monkeypatch.setattr(partitions, "block_result", broken)
    assert tasks.rematch_block(run.pk, 0) is False
    run.refresh_from_db()
    assert (run.status, run.error) == (MatchRun.Status.FAILED, "ValueError: no such column")
    monkeypatch.undo()
    assert tasks.rematch_block(run.pk, 1) is False  # the other blocks of a failed run are not scored
    assert not MatchRunBlock.objects.filter(run=run).exclude(result=None).exists()


def test_the_run_page_shows_the_blocks_scored(
    demo_requests: int, spread: None, staff: User, client_for: ClientFor, django_capture_on_commit_callbacks
) -> None:
    run = split(staff, django_capture_on_commit_callbacks)
    total = run.blocks_total
    tasks.rematch_block(run.pk, 0)
    client = client_for(staff)
    status = client.get(reverse("matching:run_status", kwargs={"pk": run.pk})).json()
    words = f"Running: scoring the requests in {total} blocks over the workers, 1 of {total} done."
    assert status == {
        "status": "running",
        "finished": False,
        "progress": words,
        "blocks_done": 1,
        "blocks_total": total,
    }
    page = client.get(reverse("matching:run_detail", kwargs={"pk": run.pk})).content.decode()
    assert f"data-run-progress-text>{words}</p>" in page
    assert f"<span data-run-progress-blocks>1 of {total}</span>" in page
    assert "Blocks scored over the workers" in page
