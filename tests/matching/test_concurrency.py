"""Two acceptances at the same moment never take a mentor past capacity (PostgreSQL row locks, real threads)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import MentorProfile
from matching import services
from matching.models import Introduction, MentoringRequest
from messaging.models import Relationship
from tests.conftest import skip_or_fail
from tests.factories import MentorProfileFactory
from tests.matching.factories import MentoringRequestFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("The acceptance race needs PostgreSQL row locks: set DATABASE_URL to a PostgreSQL database")


def pending_introduction(mentor: MentorProfile) -> Introduction:
    request = MentoringRequestFactory(status=MentoringRequest.Status.INTRODUCED)
    return Introduction.objects.create(
        request=request,
        mentor=mentor,
        preference=1,
        status=Introduction.Status.PENDING,
        sent_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=7),
    )


def race(*actions: Callable[[], object]) -> list[object]:
    """Run the actions in threads released together; each result is a return value or the exception raised."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as error:  # the outcome under test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_acceptances_for_the_last_place_start_one_relationship(attempt: int) -> None:
    mentor = MentorProfileFactory(capacity=1)
    # Two introductions pending at once (say one by the programme team): only one place is left.
    first, second = pending_introduction(mentor), pending_introduction(mentor)
    results = race(
        lambda: services.introduction_accept(introduction=first, user=mentor.user),
        lambda: services.introduction_accept(introduction=second, user=mentor.user),
    )
    relationships = [result for result in results if isinstance(result, services.Accepted)]
    errors = [result for result in results if isinstance(result, Exception)]
    assert len(relationships) == 1, results
    assert len(errors) == 1 and isinstance(errors[0], services.MatchingError), results
    mentor.refresh_from_db()
    assert mentor.active_mentees == 1
    assert Relationship.objects.filter(mentor=mentor).count() == 1
    statuses = sorted(Introduction.objects.filter(mentor=mentor).values_list("status", flat=True))
    assert statuses == ["accepted", "pending"]


def test_the_same_introduction_accepted_twice_at_once_counts_once() -> None:
    mentor = MentorProfileFactory(capacity=3)
    introduction = pending_introduction(mentor)
    results = race(
        lambda: services.introduction_accept(introduction=introduction, user=mentor.user),
        lambda: services.introduction_accept(introduction=introduction, user=mentor.user),
    )
    assert sum(isinstance(result, services.Accepted) for result in results) == 1, results
    mentor.refresh_from_db()
    assert mentor.active_mentees == 1
    assert Relationship.objects.count() == 1
