"""Factories for relationships, messages, goals, check-ins, reports and notices."""

from __future__ import annotations

import factory
from django.utils import timezone

from messaging.models import CheckIn, Goal, Message, MessageReport, Relationship
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
