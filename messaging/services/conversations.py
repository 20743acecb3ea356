"""Conversations: sending messages, read markers, and the throttled "you have unread messages" notices."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.text import clean_text
from messaging import selectors
from messaging.models import (
    MESSAGE_MAX_LENGTH,
    ConversationState,
    Message,
    Relationship,
)
from messaging.services.common import (
    NOTIFICATION_WINDOW,
    RelationshipError,
    _other_side,
    _record_activity,
    _require_open,
    _require_party,
)
from notifications.services import notify
from outbox import services as outbox


@transaction.atomic
def message_send(*, relationship: Relationship, author: User, body: str) -> Message:
    """Add a plain-text message and tell the other parties (by notice and throttled email) after commit."""
    body = clean_text(body).strip()
    if not body:
        raise RelationshipError("Enter a message.")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise RelationshipError(f"Messages must be {MESSAGE_MAX_LENGTH:,} characters or fewer.")
    _require_party(relationship, author)
    _require_open(relationship, "send messages")
    message = Message.objects.create(relationship=relationship, author=author, body=body)
    _record_activity(relationship, message.created_at, last_message=message)
    # The author has read their own message.
    conversation_mark_read(relationship=relationship, user=author, up_to_message_id=message.pk)

    from messaging.tasks import notify_unread_messages

    for party in selectors.parties_of(relationship):
        if party.pk != author.pk:
            outbox.enqueue(notify_unread_messages, relationship.pk, party.pk)
    return message


def conversation_mark_read(*, relationship: Relationship, user: User, up_to_message_id: int) -> None:
    """Move the person's read marker forward to `up_to_message_id` (never backwards)."""
    now = timezone.now()
    state, created = ConversationState.objects.get_or_create(
        relationship=relationship, user=user, defaults={"last_read_message_id": up_to_message_id, "last_read_at": now}
    )
    if created:
        return
    ConversationState.objects.filter(pk=state.pk, last_read_message_id__lt=up_to_message_id).update(
        last_read_message_id=up_to_message_id, last_read_at=now
    )


def conversation_notify(*, relationship_id: int, user_id: int) -> bool:
    """Tell one person about what is still unread in one conversation (a notice, and an email if they want it).
    Returns True when it told them.

    Throttled to one notification per conversation per person in any NOTIFICATION_WINDOW: the window is claimed
    with a checked update on the person's ConversationState, in the same transaction as the notice and the email
    it writes (notifications.notify), so a redelivered task finds it claimed. A run inside the window schedules a
    single follow-up for the window's end (claimed through `notification_due_at`), which covers whatever is still
    unread then.
    """
    relationship = Relationship.objects.select_related("mentor__user", "mutual").filter(pk=relationship_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if relationship is None or user is None or all(p.pk != user.pk for p in selectors.parties_of(relationship)):
        return False
    state, _ = ConversationState.objects.get_or_create(relationship=relationship, user=user)
    unread = Message.objects.filter(relationship=relationship, id__gt=state.last_read_message_id).exclude(author=user)
    new_since_last_email = unread.filter(id__gt=state.last_notified_message_id, hidden_at=None).aggregate(
        newest=Max("id")
    )["newest"]
    if new_since_last_email is None:
        ConversationState.objects.filter(pk=state.pk).update(notification_due_at=None)
        return False

    now = timezone.now()
    with transaction.atomic():
        claimed = (
            ConversationState.objects.filter(pk=state.pk)
            .filter(Q(last_notified_at=None) | Q(last_notified_at__lte=now - NOTIFICATION_WINDOW))
            .update(last_notified_at=now, last_notified_message_id=new_since_last_email, notification_due_at=None)
        )
        if claimed:
            notify(
                "messages_unread",
                to=[user],
                params={
                    "other_side": _other_side(relationship, user),
                    "unread_count": unread.filter(hidden_at=None).count(),
                },
                url=reverse("messaging:conversation", kwargs={"pk": relationship.pk}),
            )
    if not claimed:
        _schedule_follow_up(state.pk, relationship_id, user_id, now)
        return False
    return True


def _schedule_follow_up(state_id: int, relationship_id: int, user_id: int, now: datetime) -> None:
    """Inside the throttle window: make sure exactly one task is waiting for the window's end."""
    last_notified_at = ConversationState.objects.values_list("last_notified_at", flat=True).get(pk=state_id)
    if last_notified_at is None:
        return
    due = last_notified_at + NOTIFICATION_WINDOW
    # A due time in the past belongs to a follow-up that was lost (a broker restart): take it over.
    scheduled = (
        ConversationState.objects.filter(pk=state_id)
        .filter(Q(notification_due_at=None) | Q(notification_due_at__lt=now))
        .update(notification_due_at=due)
    )
    if scheduled:
        from messaging.tasks import notify_unread_messages

        countdown = max((due - now).total_seconds(), 0) + 1
        notify_unread_messages.apply_async((relationship_id, user_id), countdown=countdown)
