"""The demo seed: open requests for most demo mutuals, ranked, deterministic and idempotent."""

from __future__ import annotations

import random
from io import StringIO

import pytest
from django.core.management.base import OutputWrapper

from accounts import demo as accounts_demo
from matching import demo
from matching.models import Introduction, MatchRun, MentoringRequest, Suggestion

pytestmark = pytest.mark.django_db


def seed(size: int) -> str:
    out = StringIO()
    demo.seed(rng=random.Random("2012:matching"), size=size, stdout=OutputWrapper(out))
    return out.getvalue()


def test_demo_requests_are_ranked_and_a_second_seed_adds_nothing() -> None:
    accounts_demo.seed_people(rng_seed=2012, size=30)
    output = seed(30)
    requests = MentoringRequest.objects.all()
    assert 20 <= requests.count() <= 40
    assert requests.filter(mutual__memberships__user__email=accounts_demo.MUTUAL_EMAIL).exists()
    assert all(request.topics.exists() for request in requests)
    assert Suggestion.objects.filter(state=Suggestion.State.CURRENT).count() > requests.count()
    assert MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status=MatchRun.Status.SUCCEEDED).count() == 1
    assert "open mentoring requests" in output
    # The demo mentor has an introduction to answer.
    assert Introduction.objects.filter(
        mentor__user__email=accounts_demo.MENTOR_EMAIL, status=Introduction.Status.PENDING
    ).exists()
    titles = sorted(requests.values_list("title", flat=True))
    assert seed(30).startswith("matching: 0 open mentoring requests")
    assert sorted(MentoringRequest.objects.values_list("title", flat=True)) == titles
