"""Publishing a batch proposal from a worker: the page answers at once, the introductions are written in bulk, people
are told through the notification system, each mentor is refreshed once, and a run twice or a run whose worker died
does no harm."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching import services, tasks
from matching.models import BatchProposal, Introduction, MatchRun, MentoringRequest, ProposedPair
from notifications.models import Notice, OutboundEmail
from outbox.models import PendingTask
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory, MutualFactory, UserFactory, topic
from tests.matching.factories import MentoringRequestFactory


def _proposal(staff: User, pairs: int, *, mentors: int | None = None) -> BatchProposal:
    """A draft with `pairs` pairs over `mentors` mentors (one each by default), written directly: what batch_propose
    would have stored."""
    mentor_profiles = [MentorProfileFactory(capacity=5, topics=[topic()]) for _ in range(mentors or pairs)]
    proposal = BatchProposal.objects.create(created_by=staff, request_count=pairs)
    for index in range(pairs):
        mutual = MutualFactory()
        mutual.memberships.create(user=UserFactory())
        request = MentoringRequestFactory(mutual=mutual, topics=[topic()])
        ProposedPair.objects.create(
            proposal=proposal,
            request=request,
            mentor=mentor_profiles[index % len(mentor_profiles)],
            score=0.9 - index / 1000,
            reasons=["Covers business planning"],
        )
    return proposal


def test_the_page_queues_the_publication_and_shows_its_progress_then_the_worker_sends_everything(
    staff: User, client_for: ClientFor, django_capture_on_commit_callbacks
) -> None:
    proposal = _proposal(staff, 3)
    client = client_for(staff)
    url = reverse("matching:batch_publish", kwargs={"pk": proposal.pk})

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"publish-confirm": "on"})
    run = MatchRun.objects.get(kind=MatchRun.Kind.PUBLISH)
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:run_detail", kwargs={"pk": run.pk})
    assert not Introduction.objects.exists()  # the request only queued it
    page = client.get(response["Location"])
    assert "Queued: waiting for a worker to start it." in page.content.decode()  # the page follows the run
    assert "The introductions are being sent." in page.content.decode()
    draft = client.get(reverse("matching:batch_detail", kwargs={"pk": proposal.pk})).content.decode()
    assert "This proposal is being published." in draft and "Publish and send introductions" not in draft
    # Pressing publish again while it is queued shows the same run; removing or discarding is refused.
    assert services.batch_publish_queue(proposal=proposal, user=staff).pk == run.pk
    with pytest.raises(services.MatchingError, match="being published"):
        services.batch_discard(proposal=proposal, user=staff)

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    run.refresh_from_db()
    proposal.refresh_from_db()
    assert (run.status, run.suggestion_count, run.request_count) == (MatchRun.Status.SUCCEEDED, 3, 3)
    assert set(run.timings) == {"load", "persist", "notify"}
    assert proposal.status == BatchProposal.Status.PUBLISHED
    assert (
        Introduction.objects.filter(status=Introduction.Status.PENDING, source=Introduction.Source.BATCH).count() == 3
    )
    assert set(MentoringRequest.objects.values_list("status", flat=True)) == {MentoringRequest.Status.INTRODUCED}
    assert set(proposal.pairs.values_list("outcome", flat=True)) == {ProposedPair.Outcome.INTRODUCED}
    assert OutboundEmail.objects.filter(event="introduction_sent_by_programme").count() == 3
    assert OutboundEmail.objects.filter(event="introduced_by_programme").count() == 3
    assert Notice.objects.filter(event="introduced_by_programme").count() == 3
    done = client.get(reverse("matching:run_detail", kwargs={"pk": run.pk})).content.decode()
    assert "The introductions have been sent." in done and 'http-equiv="refresh"' not in done


@pytest.mark.parametrize("size", [5, 50])
def test_publishing_takes_the_same_number_of_queries_for_5_or_50_pairs(
    staff: User, size: int, django_assert_max_num_queries
) -> None:
    proposal = _proposal(staff, size)

    with CaptureQueriesContext(connection) as queries:
        services.batch_publish(proposal=proposal, user=staff)

    assert Introduction.objects.count() == size
    assert len(queries) <= 40, [query["sql"][:120] for query in queries.captured_queries]


def test_each_mentor_is_refreshed_once_and_a_large_batch_by_one_full_rematch(staff: User, monkeypatch) -> None:
    proposal = _proposal(staff, 6, mentors=2)
    services.batch_publish(proposal=proposal, user=staff)
    refreshes = PendingTask.objects.filter(name=tasks.refresh_mentor.name)
    assert sorted(row.args[0] for row in refreshes) == sorted(set(proposal.pairs.values_list("mentor_id", flat=True)))
    assert not MatchRun.objects.filter(kind=MatchRun.Kind.FULL).exists()

    PendingTask.objects.all().delete()
    monkeypatch.setattr("matching.services.publishing.MENTOR_REFRESH_LIMIT", 1)
    larger = _proposal(staff, 4, mentors=2)
    services.batch_publish(proposal=larger, user=staff)
    assert not PendingTask.objects.filter(name=tasks.refresh_mentor.name).exists()
    full = MatchRun.objects.get(kind=MatchRun.Kind.FULL)
    assert PendingTask.objects.get(name=tasks.rematch_full.name).args == [full.pk]


def test_pairs_that_no_longer_work_are_skipped_with_the_reason(staff: User) -> None:
    proposal = _proposal(staff, 4, mentors=4)
    pairs = list(proposal.pairs.order_by("-score"))
    MentoringRequest.objects.filter(pk=pairs[0].request_id).update(status=MentoringRequest.Status.WITHDRAWN)
    pairs[1].mentor.__class__.objects.filter(pk=pairs[1].mentor_id).update(active_mentees=5)
    Introduction.objects.create(request_id=pairs[2].request_id, mentor=pairs[3].mentor, status="pending")

    services.batch_publish(proposal=proposal, user=staff)

    notes = dict(proposal.pairs.values_list("request_id", "outcome_note"))
    assert notes == {
        pairs[0].request_id: "The request is no longer open.",
        pairs[1].request_id: "The mentor has no room left.",
        pairs[2].request_id: "Another mentor is already considering this request.",
        pairs[3].request_id: "",
    }
    assert proposal.pairs.get(request_id=pairs[3].request_id).outcome == ProposedPair.Outcome.INTRODUCED


def test_a_second_delivery_of_the_task_sends_nothing_twice(staff: User, django_capture_on_commit_callbacks) -> None:
    proposal = _proposal(staff, 2)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.batch_publish_queue(proposal=proposal, user=staff)
    emails = OutboundEmail.objects.count()

    assert tasks.batch_publish(run.pk) is None  # nothing left to claim
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.QUEUED)  # even if it were claimed again
    tasks.batch_publish(run.pk)

    assert Introduction.objects.count() == 2
    assert OutboundEmail.objects.count() == emails


def test_a_publication_whose_worker_died_is_run_again_by_the_recovery_task(
    staff: User, settings, django_capture_on_commit_callbacks
) -> None:
    proposal = _proposal(staff, 2)
    run = services.batch_publish_queue(proposal=proposal, user=staff)
    # A worker claimed it and died before committing: nothing was written, its lease ran out.
    long_ago = timezone.now() - timedelta(seconds=settings.MATCH_RUN_LEASE_SECONDS + 5)
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING, attempts=1, started_at=long_ago, heartbeat_at=long_ago
    )
    assert not services.publish_in_progress(proposal)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.match_runs_recover()["requeued"] == 1

    run.refresh_from_db()
    proposal.refresh_from_db()
    assert (run.status, run.attempts) == (MatchRun.Status.SUCCEEDED, 2)
    assert proposal.status == BatchProposal.Status.PUBLISHED
    assert Introduction.objects.count() == 2
