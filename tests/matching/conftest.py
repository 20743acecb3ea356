"""Fixtures for the matching tests: a fresh mentor table for each test, and the request and introduction the page
tests start from. test_cascade.py and test_runs.py define an open_request of their own, which wins in those modules."""

from __future__ import annotations

import pytest

from accounts.models import MentorProfile, Mutual, User
from matching import loading, services
from matching.models import Introduction, MentoringRequest
from tests.factories import MentorProfileFactory
from tests.matching.factories import MentoringRequestFactory, rank


@pytest.fixture(autouse=True)
def _fresh_mentor_table() -> None:
    # The encoded mentor table is cached per process; tests must not see another test's mentors.
    loading.forget_mentor_table()


@pytest.fixture
def open_request(mutual: Mutual, member: User, mentor_profile: MentorProfile) -> MentoringRequest:
    """Alice's open request, "Help with our TUPE transfer", with its suggestions computed (Bob among them)."""
    request = MentoringRequestFactory(mutual=mutual, created_by=member, title="Help with our TUPE transfer")
    rank(request)
    return request


@pytest.fixture
def introduction(open_request: MentoringRequest, member: User, mentor_profile: MentorProfile) -> Introduction:
    """Alice chose Bob as her only mentor for the open request: his pending introduction."""
    services.preferences_choose(request=open_request, user=member, mentor_ids=[mentor_profile.pk])
    return open_request.introductions.get()


@pytest.fixture
def three_mentors(open_request: MentoringRequest, mentor_profile: MentorProfile) -> list[MentorProfile]:
    """Bob and two more approved mentors, all suggested for the open request."""
    mentors = [mentor_profile, MentorProfileFactory(), MentorProfileFactory()]
    rank(open_request)
    return mentors
