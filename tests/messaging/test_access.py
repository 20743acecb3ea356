"""Object access: only a relationship's parties reach its pages. Everyone else gets the 404 a missing id gets.

Outsiders, members of another mutual, another mentor and programme staff (who must never read messages) all get
404 for GET and POST on every URL that takes a relationship, message, goal or notice id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from messaging.models import Message, Relationship
from notifications.models import Notice
from tests.clients import ClientFor
from tests.factories import MembershipFactory, MentorProfileFactory
from tests.messaging.factories import GoalFactory, MessageFactory, RelationshipFactory

MISSING = 999_999

RELATIONSHIP_URLS = [
    "messaging:relationship_detail",
    "messaging:conversation",
    "messaging:relationship_pause",
    "messaging:relationship_resume",
    "messaging:relationship_complete",
    "messaging:relationship_end",
    "messaging:relationship_rematch",
    "messaging:feedback_give",
    "messaging:goal_create",
    "messaging:check_in_list",
    "messaging:check_in_create",
]
GET_ONLY = {"messaging:relationship_detail", "messaging:check_in_list"}


@pytest.fixture
def other_mutual_member(other_mutual: Any) -> User:
    return other_mutual.members.get()


@pytest.fixture
def other_mentor(db: None) -> User:
    return MentorProfileFactory(user__email="erin@example.org").user


@pytest.fixture
def intruders(outsider: User, other_mutual_member: User, other_mentor: User, staff: User) -> dict[str, User]:
    return {
        "outsider": outsider,
        "member of another mutual": other_mutual_member,
        "another mentor": other_mentor,
        "programme staff": staff,
    }


def _urls(relationship: Relationship, message: Message, goal_pk: int) -> list[tuple[str, str, bool]]:
    """(description, url, accepts GET-only) for every URL that takes an object id."""
    urls = [(name, reverse(name, kwargs={"pk": relationship.pk}), name in GET_ONLY) for name in RELATIONSHIP_URLS]
    urls += [
        (
            "message_report",
            reverse("messaging:message_report", kwargs={"pk": relationship.pk, "message_pk": message.pk}),
            False,
        ),
        ("goal_update", reverse("messaging:goal_update", kwargs={"pk": relationship.pk, "goal_pk": goal_pk}), False),
        ("goal_agree", reverse("messaging:goal_agree", kwargs={"pk": relationship.pk, "goal_pk": goal_pk}), False),
    ]
    return urls


def test_non_parties_get_404_for_every_relationship_url(
    relationship: Relationship, member: User, mentor: User, intruders: dict[str, User], client_for: ClientFor
) -> None:
    message = MessageFactory(relationship=relationship, author=member, body="Private: our pension deficit")
    goal = GoalFactory(relationship=relationship, created_by=member)
    failures = []
    for who, user in intruders.items():
        client = client_for(user)
        for name, url, get_only in _urls(relationship, message, goal.pk):
            if name != "goal_agree":
                response = client.get(url)
                if response.status_code != 404:
                    failures.append(f"{who} GET {name}: {response.status_code}")
                assert b"pension deficit" not in response.content
            if not get_only:
                response = client.post(url, {"body": "sneaky", "note": "x", "reason": "x", "confirm": "on"})
                if response.status_code != 404:
                    failures.append(f"{who} POST {name}: {response.status_code}")
    assert failures == []
    # Nothing any of them posted arrived, and nothing changed.
    assert list(Message.objects.values_list("body", flat=True)) == ["Private: our pension deficit"]
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE
    goal.refresh_from_db()
    assert goal.agreed_at is None


def test_a_missing_id_is_the_same_404(relationship: Relationship, member: User, client_for: ClientFor) -> None:
    client = client_for(member)
    message = MessageFactory(relationship=relationship, author=member)
    goal = GoalFactory(relationship=relationship)
    missing_relationship = Relationship(pk=MISSING)
    for name, url, get_only in _urls(missing_relationship, Message(pk=MISSING), MISSING):
        if name != "goal_agree":
            assert client.get(url).status_code == 404, name
        if not get_only:
            assert client.post(url, {}).status_code == 404, name
    # A message or goal of the member's own relationship, asked for under another relationship, is 404 too.
    other = RelationshipFactory(mutual=relationship.mutual)
    assert (
        client.get(reverse("messaging:message_report", kwargs={"pk": other.pk, "message_pk": message.pk})).status_code
        == 404
    )
    assert client.get(reverse("messaging:goal_update", kwargs={"pk": other.pk, "goal_pk": goal.pk})).status_code == 404


def test_staff_see_the_facts_but_never_the_messages(
    relationship: Relationship, member: User, staff: User, client_for: ClientFor
) -> None:
    MessageFactory(relationship=relationship, author=member, body="Private: our pension deficit")
    client = client_for(staff)
    facts = client.get(reverse("messaging:staff_relationship_detail", kwargs={"pk": relationship.pk}))
    assert facts.status_code == 200
    assert relationship.mutual.name.encode() in facts.content
    assert b"pension deficit" not in facts.content
    listing = client.get(reverse("messaging:staff_relationship_list"))
    assert b"pension deficit" not in listing.content
    assert client.get(reverse("messaging:conversation", kwargs={"pk": relationship.pk})).status_code == 404


def test_every_member_of_the_mutual_and_the_mentor_are_parties(
    relationship: Relationship, member: User, mentor: User, client_for: ClientFor
) -> None:
    colleague = MembershipFactory(mutual=relationship.mutual).user
    for user in (member, mentor, colleague):
        response = client_for(user).get(reverse("messaging:conversation", kwargs={"pk": relationship.pk}))
        assert response.status_code == 200


def test_someone_elses_notice_is_404(member: User, outsider: User, client_for: ClientFor) -> None:
    notice = Notice.objects.create(user=member, event="legacy", kind=Notice.Kind.MESSAGE, params={"text": "For Alice"})
    response = client_for(outsider).post(reverse("accounts:notice_read", kwargs={"pk": notice.pk}))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_staff_pages_are_404_for_everyone_else(
    relationship: Relationship, persona_client: Callable[[str], Client]
) -> None:
    names = [
        reverse("messaging:staff_relationship_list"),
        reverse("messaging:staff_relationship_detail", kwargs={"pk": relationship.pk}),
        reverse("messaging:moderation_report_list"),
    ]
    for persona in ("member", "mentor", "outsider"):
        for url in names:
            assert persona_client(persona).get(url).status_code == 404, (persona, url)
