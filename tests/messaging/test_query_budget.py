"""Query budgets: list pages use the same number of queries with 50 rows as with 5 (and a conversation of
10,000 messages and an inbox of 200 relationships cost what a small one does)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, Mutual, User
from messaging.models import CheckIn, Goal, Message, MessageReport, Relationship
from notifications.models import Notice
from tests.clients import ClientFor
from tests.factories import MutualFactory, UserFactory, topic


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def _relationships_for_mentor(profile: MentorProfile, count: int) -> list[Relationship]:
    """`count` relationships for one mentor, each with a different mutual and two messages (one unread)."""
    mutuals = [MutualFactory() for _ in range(count)]
    relationships = [Relationship.objects.create(mentor=profile, mutual=mutual) for mutual in mutuals]
    for relationship in relationships:
        Message.objects.create(relationship=relationship, author=profile.user, body="Hello")
        last = Message.objects.create(relationship=relationship, author=None, body="Reply from the mutual")
        Relationship.objects.filter(pk=relationship.pk).update(last_message=last)
    return relationships


def _check_budget(
    django_assert_max_num_queries: Callable[[int], object],
    client: Client,
    url: Callable[[], str],
    grow: Callable[[int], object],
) -> None:
    grow(5)
    budget = _queries(client, url())
    grow(45)
    with django_assert_max_num_queries(budget):  # type: ignore[attr-defined]
        assert client.get(url()).status_code == 200


def test_inbox(mentor_profile: MentorProfile, django_assert_max_num_queries, client_for: ClientFor) -> None:  # type: ignore[no-untyped-def]
    client = client_for(mentor_profile.user)
    _check_budget(
        django_assert_max_num_queries,
        client,
        lambda: reverse("messaging:inbox"),
        lambda n: _relationships_for_mentor(mentor_profile, n),
    )


def test_conversation(
    relationship: Relationship, member: User, django_assert_max_num_queries, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(member)

    def grow(count: int) -> None:
        Message.objects.bulk_create(
            Message(relationship=relationship, author=relationship.mentor.user if n % 2 else member, body=f"Hi {n}")
            for n in range(count)
        )

    _check_budget(
        django_assert_max_num_queries,
        client,
        lambda: reverse("messaging:conversation", kwargs={"pk": relationship.pk}),
        grow,
    )
    # An older page (keyset: one more query to find the newer page) also stays flat.
    oldest_visible = Message.objects.order_by("-id")[10].pk
    url = reverse("messaging:conversation", kwargs={"pk": relationship.pk}) + f"?before={oldest_visible}"
    budget = _queries(client, url)
    grow(50)
    with django_assert_max_num_queries(budget):
        client.get(url)


def test_notices(member: User, django_assert_max_num_queries, client_for: ClientFor) -> None:  # type: ignore[no-untyped-def]
    def grow(count: int) -> None:
        # Each notice names a different person: their names are looked up for the whole page at once.
        people = UserFactory.create_batch(count)
        Notice.objects.bulk_create(
            Notice(
                user=member,
                event="goal_proposed",
                kind=Notice.Kind.RELATIONSHIP,
                params={"actor": {"user": person.pk}, "goal": f"Goal {n}"},
                url="/relationships/",
            )
            for n, person in enumerate(people)
        )

    _check_budget(django_assert_max_num_queries, client_for(member), lambda: reverse("accounts:notice_list"), grow)


def test_relationship_detail_and_check_ins(
    relationship: Relationship, member: User, django_assert_max_num_queries, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    business = topic()

    def grow(count: int) -> None:
        for n in range(count):
            goal = Goal.objects.create(relationship=relationship, title=f"Goal {n}", created_by=member)
            goal.topics.add(business)
            CheckIn.objects.create(
                relationship=relationship,
                met_on=timezone.localdate(),
                duration_minutes=30,
                format=CheckIn.Format.REMOTE,
                logged_by=member,
            )

    client = client_for(member)
    _check_budget(
        django_assert_max_num_queries,
        client,
        lambda: reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk}),
        grow,
    )
    budget = _queries(client, reverse("messaging:check_in_list", kwargs={"pk": relationship.pk}))
    grow(50)
    with django_assert_max_num_queries(budget):
        client.get(reverse("messaging:check_in_list", kwargs={"pk": relationship.pk}))


def test_staff_relationship_list(
    mentor_profile: MentorProfile, staff: User, django_assert_max_num_queries, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    _check_budget(
        django_assert_max_num_queries,
        client_for(staff),
        lambda: reverse("messaging:staff_relationship_list"),
        lambda n: _relationships_for_mentor(mentor_profile, n),
    )


def test_staff_relationship_detail(
    relationship: Relationship, member: User, staff: User, django_assert_max_num_queries, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    def grow(count: int) -> None:
        for n in range(count):
            Goal.objects.create(relationship=relationship, title=f"Goal {n}", created_by=member)

    _check_budget(
        django_assert_max_num_queries,
        client_for(staff),
        lambda: reverse("messaging:staff_relationship_detail", kwargs={"pk": relationship.pk}),
        grow,
    )


def test_reported_messages(
    mentor_profile: MentorProfile, member: User, staff: User, django_assert_max_num_queries, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    def grow(count: int) -> None:
        for relationship in _relationships_for_mentor(mentor_profile, count):
            message = Message.objects.filter(relationship=relationship).first()
            MessageReport.objects.create(message=message, reported_by=member, reason=MessageReport.Reason.SPAM)

    _check_budget(
        django_assert_max_num_queries, client_for(staff), lambda: reverse("messaging:moderation_report_list"), grow
    )


def test_a_10000_message_conversation_and_a_200_relationship_inbox_cost_what_small_ones_do(
    mentor_profile: MentorProfile, member: User, mutual: Mutual, client_for: ClientFor
) -> None:
    client = client_for(mentor_profile.user)
    small = _relationships_for_mentor(mentor_profile, 2)
    conversation = reverse("messaging:conversation", kwargs={"pk": small[0].pk})
    small_conversation, small_inbox = _queries(client, conversation), _queries(client, reverse("messaging:inbox"))

    Message.objects.bulk_create(
        (Message(relationship=small[0], author=mentor_profile.user, body=f"Message {n}") for n in range(10_000)),
        batch_size=2000,
    )
    _relationships_for_mentor(mentor_profile, 198)
    assert Message.objects.filter(relationship=small[0]).count() > 10_000
    assert Relationship.objects.filter(mentor=mentor_profile).count() == 200
    assert _queries(client, conversation) <= small_conversation
    assert _queries(client, reverse("messaging:inbox")) <= small_inbox


def test_relationship_page_with_meetings_and_documents(  # type: ignore[no-untyped-def]
    relationship: Relationship, member: User, django_assert_max_num_queries, client_for: ClientFor
) -> None:
    from datetime import timedelta

    from messaging.models import Meeting, SharedDocument

    def grow(count: int) -> None:
        for index in range(count):
            Meeting.objects.create(
                relationship=relationship,
                starts_at=timezone.now() + timedelta(days=index + 1),
                duration_minutes=60,
                format=Meeting.Format.VIDEO,
                link="https://meet.example.org/x",
                proposed_by=member,
            )
            SharedDocument.objects.create(
                relationship=relationship,
                uploaded_by=member,
                name=f"plan-{Meeting.objects.count()}.pdf",
                kind="pdf",
                size=100,
                storage_name=f"relationships/{relationship.pk}/{Meeting.objects.count()}.pdf",
            )

    client = client_for(member)
    for name in ("messaging:relationship_detail", "messaging:document_list"):
        _check_budget(
            django_assert_max_num_queries, client, lambda name=name: reverse(name, kwargs={"pk": relationship.pk}), grow
        )
