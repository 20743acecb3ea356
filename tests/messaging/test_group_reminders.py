"""The day-before reminder of a group meeting: through the same hourly task and notification path as a pair's
meeting reminder, to the mentor and every member of each mutual still in the group, once however often the task
runs; nobody is reminded of a cancelled meeting, a closed group's meeting, or after their mutual left."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Mutual, User
from messaging import tasks
from messaging.models import GroupMeeting, Meeting, MentoringGroup
from messaging.services import groups as services
from notifications.models import Notice, OutboundEmail

pytestmark = pytest.mark.django_db


def _meeting(group: MentoringGroup, *, hours: int = 20, **fields: object) -> GroupMeeting:
    fields = {"created_at": timezone.now() - timedelta(days=3), **fields}
    return GroupMeeting.objects.create(
        group=group,
        starts_at=timezone.now() + timedelta(hours=hours),
        duration_minutes=60,
        format=Meeting.Format.IN_PERSON,
        address="Fire Station, 1 High Street",
        **fields,
    )


def _reminded() -> Counter[str]:
    return Counter(Notice.objects.filter(event="group_meeting_reminder").values_list("user__email", flat=True))


def test_everyone_still_in_the_group_is_reminded_once_even_when_the_task_runs_twice(
    group: MentoringGroup, fire_mutuals: list[Mutual]
) -> None:
    lena = User.objects.get(email="lena@example.org")
    services.group_leave(group=group, user=lena, mutual=fire_mutuals[2])
    meeting = _meeting(group)
    _meeting(group, status=GroupMeeting.Status.CANCELLED)  # called off: nobody is reminded of it

    assert tasks.remind_meetings() == 1
    assert tasks.remind_meetings() == 0

    # The mentor, Alice (Riverside) and Olivia (Hillside); not Lena, whose mutual left.
    assert _reminded() == Counter({"bob@example.org": 1, "alice@example.org": 1, "olivia@example.org": 1})
    emails = OutboundEmail.objects.filter(event="group_meeting_reminder")
    assert Counter(emails.values_list("recipient__email", flat=True)) == _reminded()
    notice = Notice.objects.filter(event="group_meeting_reminder", user__email="alice@example.org").get()
    assert notice.url.endswith(f"/groups/{group.pk}/#group-meeting-{meeting.pk}")
    assert "Reminder: your group mentoring meeting (“Fire mutuals facing TUPE”) is on" in notice.text
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is not None


def test_meetings_further_off_arranged_late_or_in_a_closed_group_are_not_reminded(
    group: MentoringGroup, mentor: User
) -> None:
    _meeting(group, hours=30)  # more than a day away: not yet
    _meeting(group, created_at=timezone.now() - timedelta(hours=2))  # its invitation has just gone
    assert tasks.remind_meetings() == 0
    closing = _meeting(group, hours=1)
    services.group_close(group=group, user=mentor, reason="Done.")  # cancels what is still to come
    assert GroupMeeting.objects.get(pk=closing.pk).status == GroupMeeting.Status.CANCELLED
    assert tasks.remind_meetings() == 0
    assert not _reminded()
