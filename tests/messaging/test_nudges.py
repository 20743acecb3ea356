"""Nudges: both sides hear about a relationship quiet for 30 days, staff see it at risk after 60, and a second run
on the same day sends nothing more."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging import services, tasks
from messaging.models import Nudge, Relationship
from notifications.models import Notice
from notifications.services import preferences_update
from notifications.tasks import send_email
from tests.clients import ClientFor
from tests.notifications.outbox import written


def _quiet_for(relationship: Relationship, days: int) -> None:
    Relationship.objects.filter(pk=relationship.pk).update(last_activity_at=timezone.now() - timedelta(days=days))


def _run(capture, now=None) -> services.NudgeSummary:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return services.relationships_nudge_quiet(now=now)


def test_a_relationship_quiet_for_30_days_nudges_both_sides_once(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _quiet_for(relationship, 31)
    assert _run(django_capture_on_commit_callbacks).nudged == 1
    assert Nudge.objects.filter(relationship=relationship, sent_on=timezone.localdate()).count() == 1
    assert set(Notice.objects.filter(kind=Notice.Kind.NUDGE).values_list("user", flat=True)) == {member.pk, mentor.pk}
    assert sorted(email.to[0] for email in mail.outbox) == sorted([member.email, mentor.email])
    assert "31 days" in mail.outbox[0].body

    # The same day again, through the task as beat runs it: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.nudge_quiet_relationships.delay().get()
    assert result == {"nudged": 0, "flagged_at_risk": 0}
    assert Nudge.objects.count() == 1
    assert Notice.objects.filter(kind=Notice.Kind.NUDGE).count() == 2
    assert len(mail.outbox) == 2

    # Nor the next day: one nudge per quiet spell.
    assert _run(django_capture_on_commit_callbacks, now=timezone.now() + timedelta(days=1)).nudged == 0
    assert len(mail.outbox) == 2


def test_a_new_quiet_spell_after_some_activity_is_nudged_again(
    relationship: Relationship, member: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _quiet_for(relationship, 31)
    _run(django_capture_on_commit_callbacks)
    services.message_send(relationship=relationship, author=member, body="Sorry, busy month")
    later = timezone.now() + timedelta(days=31)
    assert _run(django_capture_on_commit_callbacks, now=later).nudged == 1
    assert Nudge.objects.count() == 2


def test_recent_paused_and_closed_relationships_are_not_nudged(
    relationship: Relationship, member: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _quiet_for(relationship, 29)
    assert _run(django_capture_on_commit_callbacks).nudged == 0
    services.relationship_pause(relationship=relationship, user=member)
    _quiet_for(relationship, 90)
    assert _run(django_capture_on_commit_callbacks) == services.NudgeSummary(nudged=0, flagged_at_risk=0)
    assert not Nudge.objects.exists()
    assert mail.outbox == []


def test_after_60_quiet_days_staff_see_it_at_risk_until_something_happens(
    relationship: Relationship, member: User, staff: User, django_capture_on_commit_callbacks, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    _quiet_for(relationship, 61)
    summary = _run(django_capture_on_commit_callbacks)
    assert summary == services.NudgeSummary(nudged=1, flagged_at_risk=1)
    relationship.refresh_from_db()
    flagged_at = relationship.at_risk_since
    assert flagged_at is not None
    assert _run(django_capture_on_commit_callbacks).flagged_at_risk == 0
    relationship.refresh_from_db()
    assert relationship.at_risk_since == flagged_at

    client = client_for(staff)
    at_risk_list = client.get(reverse("messaging:staff_relationship_list"), {"at_risk": "on"})
    assert list(at_risk_list.context["pagination"].object_list) == [relationship]
    assert b"At risk" in at_risk_list.content

    services.message_send(relationship=relationship, author=member, body="We are back")
    relationship.refresh_from_db()
    assert relationship.at_risk_since is None
    assert (
        list(
            client.get(reverse("messaging:staff_relationship_list"), {"at_risk": "on"})
            .context["pagination"]
            .object_list
        )
        == []
    )


def test_nudge_emails_go_once_even_if_the_task_runs_twice(
    relationship: Relationship, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _quiet_for(relationship, 40)
    with django_capture_on_commit_callbacks(execute=False):
        services.relationships_nudge_quiet()
    Nudge.objects.get()
    emails = written("relationship_quiet")
    assert len(emails) == 2
    for email in emails:
        assert send_email(email.pk) is True
        assert send_email(email.pk) is False  # a second delivery of the task
    assert len(mail.outbox) == 2
    assert {message.subject for message in mail.outbox} == {"Your mentoring relationship has gone quiet"}


def test_people_who_turned_emails_off_get_the_notice_only(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    preferences_update(user=member, wanted=["messages", "programme"])
    _quiet_for(relationship, 35)
    _run(django_capture_on_commit_callbacks)
    assert [email.to for email in mail.outbox] == [[mentor.email]]
    assert Notice.objects.filter(user=member, kind=Notice.Kind.NUDGE).exists()
