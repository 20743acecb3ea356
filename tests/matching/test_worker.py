"""A real Celery worker on the real Redis turns a submitted request into stored suggestions, and a batch asked for
by staff into a draft proposal."""

from __future__ import annotations

import pytest

from accounts.models import MentorProfile, Mutual, User
from matching import services
from matching.models import BatchProposal, MatchRun, Suggestion
from tests.factories import service_area, topic
from tests.matching.factories import MentoringRequestFactory
from tests.redis_worker import RedisWorker, wait_for


@pytest.mark.redis
def test_a_submitted_request_gets_suggestions_from_the_worker(
    celery_redis_worker: RedisWorker, member: User, mutual: Mutual, mentor_profile: MentorProfile
) -> None:
    # request_submit is atomic: the refresh task is sent to Redis only when it commits.
    request = services.request_submit(
        user=member,
        mutual=mutual,
        title="Help with our business plan",
        topics=[topic()],
        service_area=service_area(),
        format="either",
        urgency="soon",
        description="We spin out in April.",
    )
    wait_for(lambda: Suggestion.objects.filter(request=request).exists())
    suggestion = Suggestion.objects.get(request=request)
    assert (suggestion.mentor_id, suggestion.rank, suggestion.state) == (mentor_profile.pk, 1, "current")
    assert suggestion.reasons
    run = MatchRun.objects.get(request=request)
    assert (run.kind, run.status) == (MatchRun.Kind.REQUEST, MatchRun.Status.SUCCEEDED)


@pytest.mark.redis
def test_a_batch_proposal_asked_for_by_staff_is_prepared_by_the_worker(
    celery_redis_worker: RedisWorker, staff: User, mutual: Mutual, mentor_profile: MentorProfile
) -> None:
    request = MentoringRequestFactory(mutual=mutual)
    # batch_queue commits the queued run, then sends the task to Redis; the web request does no computing.
    run = services.batch_queue(user=staff)
    assert run.status == MatchRun.Status.QUEUED

    wait_for(lambda: BatchProposal.objects.filter(run=run).exists())
    proposal = BatchProposal.objects.get(run=run)
    assert list(proposal.pairs.values_list("request_id", "mentor_id")) == [(request.pk, mentor_profile.pk)]
    run.refresh_from_db()
    assert (run.status, run.started_by, run.assigned_count) == (MatchRun.Status.SUCCEEDED, staff, 1)
