"""The relationships that follow a match, and (added by the messaging work) conversations, goals and check-ins."""

from __future__ import annotations

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
