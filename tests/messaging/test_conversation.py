"""Conversations: sending, reading, unread counts, pagination, closed relationships, bad input and CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging import selectors, services
from messaging.models import MESSAGE_MAX_LENGTH, ConversationState, Message, Relationship
from messaging.selectors import MESSAGES_PER_PAGE
from tests.clients import ClientFor
from tests.factories import MembershipFactory
from tests.messaging.factories import MessageFactory, RelationshipFactory


def _conversation(relationship: Relationship) -> str:
    return reverse("messaging:conversation", kwargs={"pk": relationship.pk})


def test_a_party_sends_a_message(relationship: Relationship, member: User, client_for: ClientFor) -> None:
    old_activity = timezone.now() - timedelta(days=40)
    Relationship.objects.filter(pk=relationship.pk).update(last_activity_at=old_activity, at_risk_since=old_activity)
    response = client_for(member).post(_conversation(relationship), {"body": "  Can we talk about TUPE?\nThanks  "})
    assert response.status_code == 302
    assert response["Location"] == _conversation(relationship)
    message = Message.objects.get()
    assert message.body == "Can we talk about TUPE?\nThanks"
    assert message.author == member
    relationship.refresh_from_db()
    assert relationship.last_message == message
    assert relationship.last_activity_at > old_activity
    assert relationship.at_risk_since is None


def test_the_newest_message_is_on_the_page_you_arrive_at(
    relationship: Relationship, member: User, client_for: ClientFor
) -> None:
    for number in range(MESSAGES_PER_PAGE + 10):
        MessageFactory(relationship=relationship, author=member, body=f"Message {number:03d}")
    response = client_for(member).get(_conversation(relationship))
    page = response.context["page"]
    assert [m.body for m in page.messages][:2] == [
        f"Message {MESSAGES_PER_PAGE + 9:03d}",
        f"Message {MESSAGES_PER_PAGE + 8:03d}",
    ]
    assert len(page.messages) == MESSAGES_PER_PAGE
    assert page.is_newest
    # Older messages are one link away; from there, a link leads back to the newest.
    older = client_for(member).get(_conversation(relationship), {"before": page.older_before})
    older_page = older.context["page"]
    assert [m.body for m in older_page.messages] == [f"Message {n:03d}" for n in range(9, -1, -1)]
    assert older_page.older_before is None
    assert older_page.has_newer and older_page.newer_before is None
    assert b"Newer messages" in older.content


def test_a_middle_page_links_to_the_next_newer_page(relationship: Relationship, member: User) -> None:
    messages = [MessageFactory(relationship=relationship, author=member) for _ in range(MESSAGES_PER_PAGE * 2 + 5)]
    newest = selectors.message_page(relationship)
    middle = selectors.message_page(relationship, before=newest.older_before)
    oldest = selectors.message_page(relationship, before=middle.older_before)
    assert [m.pk for m in middle.messages] == [m.pk for m in reversed(messages[5 : 5 + MESSAGES_PER_PAGE])]
    assert [m.pk for m in oldest.messages] == [m.pk for m in reversed(messages[:5])]
    # From the oldest page, "newer" shows the middle page; from the middle page, the newest.
    assert selectors.message_page(relationship, before=oldest.newer_before).messages == middle.messages
    assert middle.newer_before is None and middle.has_newer


def test_nonsense_page_markers_show_the_newest_page(
    relationship: Relationship, member: User, client_for: ClientFor
) -> None:
    for number in range(MESSAGES_PER_PAGE + 5):
        MessageFactory(relationship=relationship, author=member, body=f"Message {number:03d}")
    newest = f"Message {MESSAGES_PER_PAGE + 4:03d}"
    for before in ("abc", "-5", "0", "99999999999", "9" * 25, "1e9", ""):
        response = client_for(member).get(_conversation(relationship), {"before": before})
        assert response.status_code == 200, before
        page = response.context["page"]
        assert page.messages[0].body == newest, before
        assert len(page.messages) == MESSAGES_PER_PAGE, before
        assert b"Newer messages" not in response.content, before
        assert newest.encode() in response.content, before


def test_reading_the_newest_page_marks_the_conversation_read(
    relationship: Relationship, member: User, mentor: User, client_for: ClientFor
) -> None:
    services.message_send(relationship=relationship, author=mentor, body="First")
    services.message_send(relationship=relationship, author=mentor, body="Second")
    assert selectors.header_counts(member)["unread_messages"] == 2
    assert selectors.header_counts(mentor)["unread_messages"] == 0  # your own messages are read
    inbox = list(selectors.inbox_for(member))
    assert inbox[0].unread_count == 2
    client_for(member).get(_conversation(relationship))
    assert selectors.header_counts(member)["unread_messages"] == 0
    state = ConversationState.objects.get(relationship=relationship, user=member)
    assert state.last_read_message_id == Message.objects.latest("id").pk
    # Read state is per person: a colleague who has not looked still has two unread.
    colleague = MembershipFactory(mutual=relationship.mutual).user
    assert selectors.header_counts(colleague)["unread_messages"] == 2


def test_the_header_and_inbox_show_unread_counts(
    relationship: Relationship, member: User, mentor: User, client_for: ClientFor
) -> None:
    services.message_send(relationship=relationship, author=mentor, body="Are you free on Friday?")
    client = client_for(member)
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'Messages <span class="app-badge">1<span class="govuk-visually-hidden"> unread</span>' in dashboard
    inbox = client.get(reverse("messaging:inbox"))
    html = inbox.content.decode()
    assert (
        'aria-current="page"><strong class="govuk-service-navigation__active-fallback">Messages</strong> <span' in html
    )
    assert "Are you free on Friday?" in html
    assert '1<span class="govuk-visually-hidden"> unread message</span>' in html


def test_the_inbox_lists_each_relationship_once_most_recent_first(member: User, mutual, mentor_profile) -> None:  # type: ignore[no-untyped-def]
    MembershipFactory(mutual=mutual)  # a second member must not duplicate rows
    older = RelationshipFactory(mutual=mutual, last_activity_at=timezone.now() - timedelta(days=3))
    newer = RelationshipFactory(mutual=mutual, mentor=mentor_profile)
    assert list(selectors.inbox_for(member)) == [newer, older]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Enter a message"),
        ("   \n  ", "Enter a message"),
        ("x" * (MESSAGE_MAX_LENGTH + 1), f"Your message must be {MESSAGE_MAX_LENGTH:,} characters or fewer"),
    ],
)
def test_bad_messages_are_refused_with_an_error_summary(
    relationship: Relationship, member: User, body: str, error: str, client_for: ClientFor
) -> None:
    response = client_for(member).post(_conversation(relationship), {"body": body})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert error.encode() in response.content
    assert response.context["form"].errors
    assert not Message.objects.exists()


def test_unicode_is_kept(relationship: Relationship, member: User, client_for: ClientFor) -> None:
    body = (
        "Zo\u00eb\u2019s plan \u2013 \U0001f4b7 \u00a31,000 \u2014 "
        "\u0645\u0631\u062d\u0628\u0627 \u2014 \u65e5\u672c\u8a9e"
    )
    client_for(member).post(_conversation(relationship), {"body": body})
    assert Message.objects.get().body == body
    assert body.encode() in client_for(member).get(_conversation(relationship)).content


def test_a_closed_relationship_is_read_only(relationship: Relationship, member: User, client_for: ClientFor) -> None:
    MessageFactory(relationship=relationship, author=member, body="Earlier message")
    services.relationship_complete(relationship=relationship, user=member)
    client = client_for(member)
    response = client.post(_conversation(relationship), {"body": "Still there?"})
    assert response.status_code == 200
    assert b"completed, so you cannot send messages" in response.content
    assert Message.objects.count() == 1
    page = client.get(_conversation(relationship))
    assert b"Earlier message" in page.content
    assert b"Send message" not in page.content


def test_sending_needs_a_csrf_token(relationship: Relationship, member: User, client_for: ClientFor) -> None:
    client = client_for(member, enforce_csrf_checks=True)
    response = client.post(_conversation(relationship), {"body": "No token"})
    assert response.status_code == 403
    assert not Message.objects.exists()
    # With the token from the page, the same post works.
    page = client.get(_conversation(relationship))
    token = page.context["csrf_token"]
    response = client.post(_conversation(relationship), {"body": "With token", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert Message.objects.get().body == "With token"


@pytest.mark.parametrize(
    "url_name",
    [
        "messaging:relationship_pause",
        "messaging:relationship_complete",
        "messaging:relationship_end",
        "messaging:goal_create",
        "messaging:check_in_create",
        "messaging:feedback_give",
        "messaging:relationship_rematch",
    ],
)
def test_state_changing_forms_need_a_csrf_token(
    relationship: Relationship, member: User, url_name: str, client_for: ClientFor
) -> None:
    client = client_for(member, enforce_csrf_checks=True)
    data = {"note": "Busy month", "confirm": "on", "reason": "Not working", "title": "A goal"}
    response = client.post(reverse(url_name, kwargs={"pk": relationship.pk}), data)
    assert response.status_code == 403
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE
    assert not relationship.goals.exists()


def test_hidden_messages_show_a_placeholder(
    relationship: Relationship, member: User, mentor: User, client_for: ClientFor
) -> None:
    MessageFactory(relationship=relationship, author=mentor, body="Something rude", hidden_at=timezone.now())
    response = client_for(member).get(_conversation(relationship))
    assert b"Something rude" not in response.content
    assert b"This message was hidden by the programme team" in response.content


def test_the_header_counts_cost_one_query(
    relationship: Relationship, member: User, mentor: User, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for number in range(5):
        services.message_send(relationship=relationship, author=mentor, body=f"Message {number}")
    second = RelationshipFactory(mutual=relationship.mutual)
    MessageFactory(relationship=second, author=second.mentor.user)
    with django_assert_num_queries(1):
        counts = selectors.header_counts(member)
    assert counts == {"unread_messages": 6, "unread_notices": 0}
