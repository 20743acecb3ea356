"""Fixtures shared by the mentoring group tests: three fire and rescue mutuals asking about TUPE, and the group the
programme team makes from their requests with Bob as its mentor."""

from __future__ import annotations

import pytest

from accounts.models import MentorProfile, Mutual, SupportTopic, User
from matching.models import MentoringRequest
from messaging.models import MentoringGroup
from messaging.services import groups as services
from tests.factories import MembershipFactory, topic
from tests.matching.factories import MentoringRequestFactory


@pytest.fixture
def tupe() -> SupportTopic:
    return topic("tupe-and-employment")


@pytest.fixture
def fire_mutuals(member: User, other_mutual: Mutual) -> list[Mutual]:
    """Alice's mutual, Hillside Fire Mutual (Olivia's) and a third, each asking for help with TUPE."""
    third = MembershipFactory(mutual__name="Lakeside Fire Mutual", user__email="lena@example.org").mutual
    return [member.mutuals.get(), other_mutual, third]


@pytest.fixture
def tupe_requests(fire_mutuals: list[Mutual], tupe: SupportTopic) -> list[MentoringRequest]:
    return [
        MentoringRequestFactory(mutual=mutual, title=f"TUPE transfer for {mutual.name}", topics=[tupe])
        for mutual in fire_mutuals
    ]


@pytest.fixture
def group(staff: User, mentor_profile: MentorProfile, tupe: SupportTopic, tupe_requests: list) -> MentoringGroup:
    return services.group_create(
        user=staff, mentor=mentor_profile, topic=tupe, requests=tupe_requests, title="Fire mutuals facing TUPE"
    )
