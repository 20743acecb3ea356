"""The messaging benchmark still runs (at a tiny size) and cleans up after itself. No timings are asserted."""

from __future__ import annotations

import pytest

from accounts.models import Mutual, User
from bench import messaging as bench
from messaging.models import Message, Relationship


@pytest.mark.django_db
def test_the_benchmark_runs_and_removes_its_rows() -> None:
    users, mutuals = User.objects.count(), Mutual.objects.count()
    figures = bench.run(messages=60, relationships=3, repeat=1)
    assert {page["page"] for page in figures["pages"]} >= {"inbox", "conversation, newest page"}
    assert all(page["queries"] > 0 for page in figures["pages"])
    assert figures["ratio_inbox_large_to_small"] > 0
    assert (User.objects.count(), Mutual.objects.count()) == (users, mutuals)
    assert not Relationship.objects.exists()
    assert not Message.objects.exists()
