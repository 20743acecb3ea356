"""Factories for relationships, messages, goals, check-ins, reports and notices."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from messaging.models import CheckIn, Goal, Meeting, MentoringAgreement, Message, MessageReport, Relationship
from notifications.models import Notice
from tests.factories import MentorProfileFactory, MutualFactory, UserFactory


class RelationshipFactory(factory.django.DjangoModelFactory):
    """An active relationship. Builds a mentor and a mutual unless given; does not touch active_mentees."""

    class Meta:
        model = Relationship

    mentor = factory.SubFactory(MentorProfileFactory)
    mutual = factory.SubFactory(MutualFactory)
    status = Relationship.Status.ACTIVE
    started_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.LazyFunction(timezone.now)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    relationship = factory.SubFactory(RelationshipFactory)
    author = factory.LazyAttribute(lambda o: o.relationship.mentor.user)
    body = factory.Sequence(lambda n: f"Message number {n}: shall we meet on Tuesday?")


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    relationship = factory.SubFactory(RelationshipFactory)
    title = factory.Sequence(lambda n: f"Goal {n}: agree the TUPE consultation plan")
    created_by = factory.LazyAttribute(lambda o: o.relationship.mentor.user)


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    relationship = factory.SubFactory(RelationshipFactory)
    met_on = factory.LazyFunction(timezone.localdate)
    duration_minutes = 45
    format = CheckIn.Format.REMOTE
    notes = "Went through the pension options."
    logged_by = factory.LazyAttribute(lambda o: o.relationship.mentor.user)


class MessageReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageReport

    message = factory.SubFactory(MessageFactory)
    reported_by = factory.SubFactory(UserFactory)
    reason = MessageReport.Reason.ABUSIVE
    details = "Rude."


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    user = factory.SubFactory(UserFactory)
    event = "legacy"
    kind = Notice.Kind.MESSAGE
    params = factory.Sequence(lambda n: {"text": f"Notice {n}"})
    url = "/relationships/"


class MeetingFactory(factory.django.DjangoModelFactory):
    """A video meeting a week from now, waiting for a reply."""

    class Meta:
        model = Meeting

    relationship = factory.SubFactory(RelationshipFactory)
    starts_at = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0))
    duration_minutes = 60
    format = Meeting.Format.VIDEO
    link = "https://meet.example.org/abc-defg-hij"
    proposed_by = factory.LazyAttribute(lambda o: o.relationship.mentor.user)


def accepted_meeting_in_the_past(**fields: object) -> Meeting:
    """An accepted meeting that started an hour ago (on or after the relationship started), waiting for its outcome."""
    started = timezone.now() - timedelta(hours=1)
    meeting: Meeting = MeetingFactory(
        starts_at=started, status=Meeting.Status.ACCEPTED, accepted_at=started - timedelta(days=2), **fields
    )
    Relationship.objects.filter(pk=meeting.relationship_id, started_at__gt=started).update(
        started_at=started - timedelta(days=1)
    )
    # The caller's relationship object is the meeting's: it must see the earlier start too (in the hour after
    # midnight "an hour ago" is yesterday, before a relationship started today).
    meeting.relationship.refresh_from_db(fields=["started_at"])
    return meeting


class MentoringAgreementFactory(factory.django.DjangoModelFactory):
    """Version 1 of an agreement, proposed by the mentor and waiting for the mutual to confirm it."""

    class Meta:
        model = MentoringAgreement

    relationship = factory.SubFactory(RelationshipFactory)
    version = 1
    meeting_frequency = MentoringAgreement.Frequency.MONTHLY
    duration_months = 6
    review_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))
    out_of_scope = "Legal advice; paid consultancy."
    proposed_by = factory.LazyAttribute(lambda o: o.relationship.mentor.user)
