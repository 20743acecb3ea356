"""Meetings a relationship's parties arrange, and each person's private calendar feed of them.

A meeting is proposed by one side and accepted by the other (or moved to another time, which the first side then
accepts). Once accepted it is in every party's calendar: the invitation (.ics) carries the meeting's `uid`, which
never changes, and a `sequence` that grows with every change, so a new time or a cancellation updates the same
calendar entry instead of adding another.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MEETING_MIN_MINUTES = 15
MEETING_MAX_MINUTES = 480
# A relationship with no meeting held this long after it started is flagged to the programme team and nudged.
FIRST_MEETING_DUE_AFTER = timedelta(days=21)


class Meeting(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for a reply"
        ACCEPTED = "accepted", "Accepted"
        CANCELLED = "cancelled", "Cancelled"
        HELD = "held", "Held"
        NOT_HELD = "not_held", "Did not happen"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember(
            {"proposed": "yellow", "accepted": "green", "cancelled": "grey", "held": "blue", "not_held": "red"}
        )

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video call"
        PHONE = "phone", "Phone call"

    relationship = models.ForeignKey("messaging.Relationship", on_delete=models.CASCADE, related_name="meetings")
    # The calendar entry's identity: the same in every invitation, update and cancellation of this meeting.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Grows each time the invitation changes (a new time, a cancellation): calendars keep the highest.
    sequence = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField("length in minutes")
    format = models.CharField(max_length=20, choices=Format.choices)
    address = models.TextField("address", max_length=500, blank=True)
    link = models.CharField("video link or phone number", max_length=500, blank=True)
    agenda = models.TextField("what you will talk about", max_length=2000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    # Who asked for the current time: the other side accepts it.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="meetings_proposed"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Claimed with a checked update by the reminder task: one reminder per meeting, however often it runs.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    # A held meeting becomes a check-in (the record both sides already use for meetings that happened).
    check_in = models.OneToOneField(
        "messaging.CheckIn", on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=MEETING_MIN_MINUTES) & Q(duration_minutes__lte=MEETING_MAX_MINUTES),
                name="meeting_length_between_15_and_480_minutes",
            )
        ]

    def __str__(self) -> str:
        return f"Meeting {self.pk} at {self.starts_at:%Y-%m-%d %H:%M} ({self.relationship_id})"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.PROPOSED

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def where(self) -> str:
        """Where to go or what to open, in words."""
        if self.format == self.Format.IN_PERSON:
            return self.address
        return self.link


class CalendarFeed(models.Model):
    """A person's private calendar subscription: a secret address that lists their upcoming meetings. Making a new
    address (or turning the feed off) stops the old one working at once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"
