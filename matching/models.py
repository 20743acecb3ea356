"""Mentoring requests, and (added by the matching work) suggestions, introductions, runs and weights."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MentoringRequest(models.Model):
    """A mutual asking for a mentor on one or more support topics."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        INTRODUCED = "introduced", "Introduced"
        MATCHED = "matched", "Matched"
        NEEDS_ATTENTION = "needs_attention", "Needs attention"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CLOSED = "closed", "Closed"

    class Format(models.TextChoices):
        REMOTE = "remote", "Remote"
        IN_PERSON = "in_person", "In person"
        EITHER = "either", "Either"

    class Urgency(models.TextChoices):
        SOON = "soon", "Within a month"
        QUARTER = "quarter", "In the next three months"
        FLEXIBLE = "flexible", "No fixed timescale"

    mutual = models.ForeignKey("accounts.Mutual", on_delete=models.CASCADE, related_name="mentoring_requests")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(max_length=150, help_text="A short summary, for example 'Help with TUPE transfer'.")
    topics = models.ManyToManyField("accounts.SupportTopic", related_name="mentoring_requests")
    service_area = models.ForeignKey("accounts.ServiceArea", on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.EITHER)
    urgency = models.CharField("how soon", max_length=20, choices=Urgency.choices, default=Urgency.QUARTER)
    description = models.TextField(max_length=4000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.mutual})"
