"""The relationships that follow a match, and (added by the messaging work) conversations, goals and check-ins."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Relationship(models.Model):
    """A mentor working with a mutual. Every member of the mutual and the mentor are its parties."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended_early", "Ended early"

    OPEN_STATUSES = (Status.ACTIVE, Status.PAUSED)

    mentor = models.ForeignKey("accounts.MentorProfile", on_delete=models.PROTECT, related_name="relationships")
    mutual = models.ForeignKey("accounts.Mutual", on_delete=models.CASCADE, related_name="relationships")
    request = models.ForeignKey(
        "matching.MentoringRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="relationships"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(max_length=2000, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mutual"],
                condition=Q(status__in=["active", "paused"]),
                name="one_open_relationship_per_mentor_and_mutual",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor} with {self.mutual}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Notice(models.Model):
    """An in-app notice for one person (an introduction, a new message, a nudge, a decision ...).

    Written through `messaging.services.notice_create`; any app may create them.
    """

    class Kind(models.TextChoices):
        INTRODUCTION = "introduction", "Introduction"
        MESSAGE = "message", "Message"
        NUDGE = "nudge", "Reminder"
        DECISION = "decision", "Decision"
        RELATIONSHIP = "relationship", "Mentoring relationship"
        AMBASSADOR = "ambassador", "Ambassadors"
        ACCOUNT = "account", "Your account"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True, help_text="A path inside the service, e.g. /relationships/4/.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user_id}: {self.text[:40]}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
