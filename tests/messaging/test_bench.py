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


@pytest.mark.django_db
def test_benchmark_sessions_carry_the_second_factor_only_for_people_who_have_one(staff: User, member: User) -> None:
    """Outside the tests nothing adds allauth's records on force_login: without them the staff pages redirect and
    the benchmarks stop (bench.messaging did, on /relationships/programme/)."""
    from bench.signin import authentication_records

    staff_methods = [record["method"] for record in authentication_records(staff)["account_authentication_methods"]]
    member_methods = [record["method"] for record in authentication_records(member)["account_authentication_methods"]]
    assert staff_methods == ["password", "mfa"]
    assert member_methods == ["password"]
