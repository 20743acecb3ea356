"""Recent help at a stage: mentors who took on a mutual at the request's stage in the last 18 months score a little
higher, and their suggestion says so truthfully."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from accounts.models import Mutual, StageChange, User
from matching import engine, loading
from matching.models import Introduction, MentoringRequest, Suggestion
from matching.wording import reasons_for_mentor
from tests.factories import MentorProfileFactory, MutualFactory, stage
from tests.matching.factories import MentoringRequestFactory, rank


def _accepted(mentor_id: int, mutual: Mutual, days_ago: int, status: str = Introduction.Status.ACCEPTED) -> None:
    request = MentoringRequestFactory(mutual=mutual, status=MentoringRequest.Status.MATCHED)
    Introduction.objects.create(
        request=request, mentor_id=mentor_id, status=status, responded_at=timezone.now() - timedelta(days=days_ago)
    )


def _mutual_moving(first: str, second: str, moved_days_ago: int) -> Mutual:
    """A mutual at `first` from 1,000 days ago, at `second` since `moved_days_ago`."""
    mutual = MutualFactory(stage=stage(second))
    now = timezone.now()
    StageChange.objects.filter(mutual=mutual).delete()
    moved = now - timedelta(days=moved_days_ago)
    StageChange.objects.create(
        mutual=mutual, to_stage=stage(first), changed_at=now - timedelta(days=1000), ended_at=moved
    )
    StageChange.objects.create(mutual=mutual, from_stage=stage(first), to_stage=stage(second), changed_at=moved)
    return mutual


@pytest.mark.django_db
def test_recency_is_by_mentor_and_the_stage_the_mutual_was_at_when_the_mentor_accepted(
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    first, second, third = MentorProfileFactory(), MentorProfileFactory(), MentorProfileFactory()
    mutual = _mutual_moving("exploring", "developing", moved_days_ago=200)
    _accepted(first.pk, mutual, days_ago=100)  # developing, 3 whole months ago
    _accepted(first.pk, mutual, days_ago=150)  # developing, earlier: the latest counts
    _accepted(second.pk, mutual, days_ago=300)  # exploring, 10 months ago
    _accepted(second.pk, mutual, days_ago=600)  # developing, but over 18 months ago
    _accepted(third.pk, mutual, days_ago=5, status=Introduction.Status.DECLINED)  # declined: no help
    _accepted(third.pk, MutualFactory(), days_ago=5)  # a mutual with a history only from today: no stage then
    index = loading.load_taxonomy()
    ids = np.array(sorted([first.pk, second.pk, third.pk]), dtype=np.int64)

    with django_assert_num_queries(1):
        levels = loading.stage_recency(ids, index)

    by_slug = {slug: int(index.stages.of(np.array([stage(slug).pk]))[0]) for slug in ("exploring", "developing")}
    expected = np.zeros((3, len(index.stages)), dtype=np.uint8)
    expected[0, by_slug["developing"]] = engine.RECENCY_MONTHS - 3
    expected[1, by_slug["exploring"]] = engine.RECENCY_MONTHS - 10
    assert levels.tolist() == expected.tolist()


@pytest.mark.django_db
def test_a_mentor_who_recently_took_on_a_mutual_at_the_request_stage_ranks_first_and_says_why(
    mutual: Mutual, member: User
) -> None:
    # Two mentors alike in every way; the second took on a mutual at "developing the plan" 2 months ago.
    plain, recent = MentorProfileFactory(), MentorProfileFactory()
    earlier = _mutual_moving("exploring", "developing", moved_days_ago=400)
    _accepted(recent.pk, earlier, days_ago=70)
    _accepted(plain.pk, earlier, days_ago=500)  # at "exploring", and long ago
    request = MentoringRequestFactory(mutual=mutual, created_by=member)
    assert mutual.stage == stage("developing")

    assert rank(request) == [recent.pk, plain.pk]

    sentence = "Started mentoring a mutual at your stage (developing the plan) in the last year"
    first, second = Suggestion.objects.filter(request=request).order_by("rank")
    assert first.reasons[-1] == sentence
    assert first.components["recent_stage"] == pytest.approx(16 / 18, abs=1e-4)
    assert not any(reason.startswith("Started mentoring") for reason in second.reasons)
    assert second.components["recent_stage"] == 0
    assert reasons_for_mentor([sentence]) == [
        "You started mentoring a mutual at their stage (developing the plan) in the last year"
    ]


@pytest.mark.django_db
def test_an_acceptance_refreshes_the_cached_mentor_table() -> None:
    mentor = MentorProfileFactory()
    mutual = _mutual_moving("exploring", "developing", moved_days_ago=30)
    before = loading.mentor_table()
    assert not before.stage_recency.any()

    _accepted(mentor.pk, mutual, days_ago=1)

    after = loading.mentor_table()
    assert after is not before
    assert int(after.stage_recency.max()) == engine.RECENCY_MONTHS
