"""Announcements: a message from the programme team to an audience chosen by role, place, subject and status, told
through the notification system, with an optional service-wide banner until an end date."""

from __future__ import annotations

import enum

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Announcement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

        # The GOV.UK tag colour of each status, for {% status_tag %}.
        TAG_COLOURS = enum.nonmember({"draft": "grey", "sending": "blue", "sent": "green"})

    class Role(models.TextChoices):
        MEMBERS = "members", "Members of mutuals"
        MENTORS = "mentors", "Approved mentors"
        AMBASSADORS = "ambassadors", "Active ambassadors"

    class RelationshipStatus(models.TextChoices):
        ANY = "", "Anyone"
        IN_ONE = "active", "Only people in an active mentoring relationship"
        NOT_IN_ONE = "none", "Only people not in an active mentoring relationship"

    subject = models.CharField(max_length=150)
    body = models.TextField("message", max_length=5000)
    # The audience: within a group any choice counts, across groups every group must match; an empty group is "any".
    roles = models.JSONField(default=list)
    regions = models.ManyToManyField("accounts.Region", blank=True, related_name="+")
    service_areas = models.ManyToManyField("accounts.ServiceArea", blank=True, related_name="+")
    topics = models.ManyToManyField("accounts.SupportTopic", blank=True, related_name="+")
    cohorts = models.ManyToManyField("ambassadors.Cohort", blank=True, related_name="+")
    relationship_status = models.CharField(max_length=10, choices=RelationshipStatus.choices, blank=True)
    banner_until = models.DateField(
        "show as a banner on every page until", null=True, blank=True, help_text="Leave empty for no banner."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Fixed when it is sent: how many people the audience had then.
    recipients_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="draft") | Q(sent_at__isnull=True), name="announcement_draft_is_not_sent"
            )
        ]

    def __str__(self) -> str:
        return self.subject


class AnnouncementDelivery(models.Model):
    """One person told about one announcement: the worker's progress, and the delivery counts."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emailed = models.BooleanField(help_text="False: they turned programme emails off, and had the notice only.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="one_delivery_per_person_and_announcement")
        ]

    def __str__(self) -> str:
        return f"{self.announcement} to {self.user}"


class ImportBatch(models.Model):
    """An uploaded file between its preview and its import: kept so that "Import" applies exactly what was shown."""

    kind = models.CharField(max_length=20)
    filename = models.CharField(max_length=255, blank=True)
    content = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    # What the import did: {"new": n, "updated": n, "unchanged": n, "invited": n}
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} import {self.pk}"
