"""Message notifications: after commit, throttled to one email per conversation per person in 15 minutes,
covering what is still unread; an in-app notice either way; each person can turn message emails off.
(Delivery, retries and preferences in general are tested in tests/notifications.)"""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging import services, tasks
from messaging.models import ConversationState, Relationship
from notifications.models import Notice
from tests.clients import ClientFor
from tests.factories import MembershipFactory
from tests.messaging.factories import RelationshipFactory
from tests.notifications.outbox import send_pending


def _send(relationship: Relationship, author: User, body: str, capture) -> None:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        services.message_send(relationship=relationship, author=author, body=body)


def _end_the_window(relationship: Relationship, user: User) -> None:
    ConversationState.objects.filter(relationship=relationship, user=user).update(
        last_notified_at=timezone.now() - services.NOTIFICATION_WINDOW - timedelta(seconds=1)
    )


def test_the_notification_is_enqueued_only_after_commit(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.message_send(relationship=relationship, author=mentor, body="Hello Alice")
    assert mail.outbox == []
    assert not Notice.objects.filter(user=member).exists()
    assert len(callbacks) == 1  # one recipient: Alice
    callbacks[0]()
    assert Notice.objects.filter(user=member, kind=Notice.Kind.MESSAGE).count() == 1
    assert [email.to for email in send_pending()] == [[member.email]]


def test_the_email_names_the_conversation_but_not_the_message(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _send(relationship, mentor, "Our pension deficit is 2 million", django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.subject == "New messages from Bob Mentor"
    assert "1 unread message " in email.body
    assert reverse("messaging:conversation", kwargs={"pk": relationship.pk}) in email.body
    assert "pension deficit" not in email.body
    assert not any(email.to == [mentor.email] for email in mail.outbox)


def test_every_other_party_is_notified_but_not_the_author(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    colleague = MembershipFactory(mutual=relationship.mutual).user
    _send(relationship, member, "Hello Bob", django_capture_on_commit_callbacks)
    assert sorted(email.to[0] for email in mail.outbox) == sorted([mentor.email, colleague.email])


def test_at_most_one_email_per_conversation_in_fifteen_minutes_then_one_covering_what_is_unread(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _send(relationship, mentor, "One", django_capture_on_commit_callbacks)
    _send(relationship, mentor, "Two", django_capture_on_commit_callbacks)
    _send(relationship, mentor, "Three", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    state = ConversationState.objects.get(relationship=relationship, user=member)
    assert state.notification_due_at is not None  # a follow-up waits for the window to end
    assert Notice.objects.filter(user=member).count() == 1

    _end_the_window(relationship, member)
    assert tasks.notify_unread_messages.delay(relationship.pk, member.pk).get() is True
    send_pending()  # the email it wrote goes out after commit
    assert len(mail.outbox) == 2
    assert "3 unread messages" in mail.outbox[1].body
    # Running it again (a redelivered task) sends nothing: nothing new since the last email.
    _end_the_window(relationship, member)
    assert tasks.notify_unread_messages.delay(relationship.pk, member.pk).get() is False
    assert len(mail.outbox) == 2
    state.refresh_from_db()
    assert state.notification_due_at is None


def test_the_throttle_is_per_conversation(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    second = RelationshipFactory(mutual=relationship.mutual)
    _send(relationship, mentor, "From Bob", django_capture_on_commit_callbacks)
    _send(second, second.mentor.user, "From another mentor", django_capture_on_commit_callbacks)
    assert [email.to for email in mail.outbox] == [[member.email], [member.email]]


def test_messages_already_read_are_not_emailed(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    _send(relationship, mentor, "One", django_capture_on_commit_callbacks)
    _send(relationship, mentor, "Two", django_capture_on_commit_callbacks)
    client = client_for(member)
    client.get(reverse("messaging:conversation", kwargs={"pk": relationship.pk}))
    _end_the_window(relationship, member)
    assert tasks.notify_unread_messages.delay(relationship.pk, member.pk).get() is False
    assert len(mail.outbox) == 1


def test_people_who_turned_emails_off_get_a_notice_only(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(member)
    # Everything but messages.
    response = client.post(reverse("accounts:email_preferences"), {"wanted": ["mentoring", "programme"]})
    assert response.status_code == 302
    _send(relationship, mentor, "Hello", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Notice.objects.filter(user=member, kind=Notice.Kind.MESSAGE).count() == 1


def test_suspended_people_are_not_emailed(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(pk=member.pk).update(is_active=False)
    _send(relationship, mentor, "Hello", django_capture_on_commit_callbacks)
    assert mail.outbox == []
