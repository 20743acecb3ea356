"""Fixtures for the messaging tests: Bob (mentor) working with Alice's mutual."""

from __future__ import annotations

import pytest

from accounts.models import MentorProfile, Mutual
from messaging.models import Relationship
from tests.messaging.factories import RelationshipFactory


@pytest.fixture
def relationship(mentor_profile: MentorProfile, mutual: Mutual) -> Relationship:
    """An active relationship between Bob and Alice's mutual; Bob's active_mentees counts it."""
    MentorProfile.objects.filter(pk=mentor_profile.pk).update(active_mentees=1)
    return RelationshipFactory(mentor=mentor_profile, mutual=mutual)
