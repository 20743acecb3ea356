"""notify_bulk tells many people about many occurrences of an event at once: the same notices and emails as notify
one at a time, under the same rules (the actor, people who left, email preferences, dedupe keys)."""

from __future__ import annotations

import pytest

from accounts.models import User
from notifications.models import Notice, OutboundEmail
from notifications.services import Delivery, notify, notify_bulk, preferences_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVENT = "introduced_by_programme"


def _rows() -> tuple[list[tuple], list[tuple]]:  # type: ignore[type-arg]
    notices = sorted(Notice.objects.values_list("user_id", "event", "kind", "params", "url"), key=repr)
    emails = sorted(OutboundEmail.objects.values_list("recipient_id", "event", "params", "url", "dedupe_key"), key=repr)
    Notice.objects.all().delete()
    OutboundEmail.objects.all().delete()
    return notices, emails


def test_the_same_notices_and_emails_as_notify_one_at_a_time(django_capture_on_commit_callbacks) -> None:
    people = [UserFactory() for _ in range(4)]
    mentor = UserFactory()
    actor = people[0]
    people[1].is_active = False
    people[1].save()
    preferences_update(user=people[2], wanted=[])  # no introduction emails
    deliveries = [
        Delivery(to=[actor, people[1], people[2]], params={"mentor": mentor, "title": "TUPE", "reply_by": "1 May"}),
        Delivery(to=[people[2], people[3], people[3]], params={"mentor": mentor, "title": "Pensions"}, url="/r/2/"),
    ]

    for delivery in deliveries:
        notify(EVENT, to=delivery.to, actor=actor, params=delivery.params, url=delivery.url)
    one_by_one = _rows()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        written = notify_bulk(EVENT, deliveries, actor=actor)
    in_bulk = _rows()

    assert in_bulk == one_by_one
    assert written == len(one_by_one[1]) == 1  # only people[3] wants and may get the email
    assert len(one_by_one[0]) == 3  # notices for the active people other than the actor
    assert len(callbacks) == 1  # one hand-over after commit, whatever the number of emails


def test_an_email_already_written_under_its_dedupe_key_is_not_written_again() -> None:
    person: User = UserFactory()
    delivery = Delivery(to=[person], params={"mentor": person, "title": "TUPE"}, dedupe="introduction:7")

    assert notify_bulk(EVENT, [delivery]) == 1
    assert notify_bulk(EVENT, [delivery]) == 0
    assert OutboundEmail.objects.filter(dedupe_key=f"introduction:7:{person.pk}").count() == 1
