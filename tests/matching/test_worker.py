"""A real Celery worker on the real Redis turns a submitted request into stored suggestions."""

from __future__ import annotations

import pytest

from accounts.models import MentorProfile, Mutual, User
from matching import services
from matching.models import MatchRun, Suggestion
from tests.factories import service_area, topic
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
