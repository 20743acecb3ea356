"""An announcement delivered by a real Celery worker from the real Redis: in batches, each person told once."""

from __future__ import annotations

import pytest
from django.db import transaction

from notifications.models import Notice, OutboundEmail
from programme import announcements
from programme.models import Announcement, AnnouncementDelivery
from tests.factories import MentorProfileFactory, UserFactory
from tests.redis_worker import RedisWorker, wait_for


@pytest.mark.redis
def test_a_real_worker_delivers_an_announcement_in_batches(celery_redis_worker: RedisWorker, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ANNOUNCEMENT_BATCH_SIZE = 2
    settings.ANNOUNCEMENT_BATCH_PAUSE_SECONDS = 0
    staff = UserFactory(email="sender@example.org", is_programme_team=True)
    mentors = [MentorProfileFactory().user for _ in range(5)]
    announcement = Announcement.objects.create(subject="News", body="Hello", roles=["mentors"], created_by=staff)

    with transaction.atomic():
        announcements.announcement_send(announcement=announcement, actor=staff)

    wait_for(lambda: Announcement.objects.get(pk=announcement.pk).status == Announcement.Status.SENT)
    assert AnnouncementDelivery.objects.filter(announcement=announcement).count() == 5
    assert sorted(Notice.objects.filter(event="announcement").values_list("user_id", flat=True)) == sorted(
        mentor.pk for mentor in mentors
    )
    wait_for(lambda: OutboundEmail.objects.filter(event="announcement", status=OutboundEmail.Status.SENT).count() == 5)
