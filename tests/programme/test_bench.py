"""The forward-look benchmark still runs (at a tiny size) and cleans up after itself. No timings are asserted."""

from __future__ import annotations

import pytest

from accounts.models import Mutual, StageChange, User
from bench import forward_look as bench
from outcomes.models import Survey


@pytest.mark.django_db
def test_the_benchmark_runs_and_removes_its_rows() -> None:
    users, mutuals = User.objects.count(), Mutual.objects.count()

    figures = bench.run(mutuals=60, changes=180, answers=120, repeat=1)

    assert {page["page"] for page in figures["pages"]} == {label for label, *_ in bench.PAGES}
    assert figures["same_queries_at_every_size"] is True
    assert figures["survey_answers"] == 120 and figures["stage_changes"] >= 60
    assert (User.objects.count(), Mutual.objects.count()) == (users, mutuals)
    assert not StageChange.objects.filter(mutual__slug__startswith="bench-").exists()
    assert not Survey.objects.exists()
