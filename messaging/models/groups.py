"""Group mentoring: one mentor with a small group of mutuals that share a need (three fire and rescue mutuals facing
TUPE, say), set up by the programme team from requests that share a topic.

A group has one shared conversation and shared meetings that every party sees; each mutual's goals are seen only by
that mutual's members and the mentor. A group takes one of the mentor's places while it is open, as a relationship
does (accounts.services.mentor_place_take), whatever the number of mutuals in it.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from messaging.models import FORMER_USER, ConversationMessage, Goal
from messaging.models.meetings import MEETING_MAX_MINUTES, MEETING_MIN_MINUTES, Meeting

# The most mutuals a group can have: beyond this a shared conversation stops being mentoring.
GROUP_MAX_MUTUALS = 8
GROUP_MIN_MUTUALS = 2
GROUP_MESSAGE_MAX_LENGTH = 5000


class MentoringGroup(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember({"open": "green", "closed": "grey"})

    # Null only after the mentor deleted their account (the group is closed first).
    mentor = models.ForeignKey(
        "accounts.MentorProfile", on_delete=models.SET_NULL, null=True, related_name="mentoring_groups"
    )
    title = models.CharField(max_length=150)
    # The need the mutuals share: every request the group was made from has this topic.
    topic = models.ForeignKey("accounts.SupportTopic", on_delete=models.PROTECT, related_name="+")
    capacity = models.PositiveSmallIntegerField(
        "most mutuals",
        default=GROUP_MAX_MUTUALS,
        validators=[MinValueValidator(GROUP_MIN_MUTUALS), MaxValueValidator(GROUP_MAX_MUTUALS)],
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    close_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=GROUP_MIN_MUTUALS) & Q(capacity__lte=GROUP_MAX_MUTUALS),
                name="mentoring_group_capacity_between_2_and_8",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def mentor_name(self) -> str:
        return self.mentor.user.display_name if self.mentor is not None else FORMER_USER


class GroupMember(models.Model):
    """A mutual in a group (every member of the mutual takes part), from the request it was placed from."""

    group = models.ForeignKey(MentoringGroup, on_delete=models.CASCADE, related_name="members")
    mutual = models.ForeignKey("accounts.Mutual", on_delete=models.CASCADE, related_name="group_places")
    request = models.ForeignKey(
        "matching.MentoringRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    # Set when the mutual leaves (or the group closes): it then no longer sees the group.
    left_at = models.DateTimeField(null=True, blank=True)
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "mutual"], condition=Q(left_at=None), name="one_current_place_per_mutual_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mutual_id} in group {self.group_id}"


class GroupMessage(ConversationMessage):
    """A plain-text message in the group's shared conversation, rendered escaped like a relationship's."""

    group = models.ForeignKey(MentoringGroup, on_delete=models.CASCADE, related_name="messages")
    # Null once the author deleted their account: the text stays for the group, shown as "Former user".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="group_messages_written"
    )
    body = models.TextField(max_length=GROUP_MESSAGE_MAX_LENGTH)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["group", "id"])]

    def __str__(self) -> str:
        return f"Group message {self.pk} in {self.group_id}"


class GroupGoal(models.Model):
    """One mutual's goal in the group: seen by that mutual's members and the mentor, not by the other mutuals."""

    Status = Goal.Status  # the same steps as a relationship's goals

    group = models.ForeignKey(MentoringGroup, on_delete=models.CASCADE, related_name="goals")
    mutual = models.ForeignKey("accounts.Mutual", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=20, choices=Goal.Status.choices, default=Goal.Status.NOT_STARTED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="group_goals_created"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class GroupMeeting(models.Model):
    """A meeting the mentor arranges for the whole group. It needs no acceptance (a group cannot wait for every
    mutual): it is in every party's calendar at once, with a stable UID and a growing SEQUENCE like a meeting."""

    class Status(models.TextChoices):
        ARRANGED = "arranged", "Arranged"
        CANCELLED = "cancelled", "Cancelled"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember({"arranged": "green", "cancelled": "grey"})

    group = models.ForeignKey(MentoringGroup, on_delete=models.CASCADE, related_name="meetings")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField("length in minutes")
    format = models.CharField(max_length=20, choices=Meeting.Format.choices)
    address = models.TextField("address", max_length=500, blank=True)
    link = models.CharField("video link or phone number", max_length=500, blank=True)
    agenda = models.TextField("what you will talk about", max_length=2000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ARRANGED)
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="group_meetings_arranged"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Set by the hourly reminder task when it claims the day-before reminder (a checked update: once per meeting).
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=MEETING_MIN_MINUTES) & Q(duration_minutes__lte=MEETING_MAX_MINUTES),
                name="group_meeting_length_between_15_and_480_minutes",
            )
        ]

    def __str__(self) -> str:
        return f"Group meeting {self.pk} at {self.starts_at:%Y-%m-%d %H:%M} ({self.group_id})"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def where(self) -> str:
        return self.address if self.format == Meeting.Format.IN_PERSON else self.link
