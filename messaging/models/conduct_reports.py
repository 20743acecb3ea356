"""Reports that a mentor broke the code of conduct (accounts.CodeOfConduct), made by a member of the mutual they
mentor. They join reported messages in the programme team's moderation queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ConductReport(models.Model):
    relationship = models.ForeignKey("messaging.Relationship", on_delete=models.CASCADE, related_name="conduct_reports")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="conduct_reports"
    )
    # The version of the code in force when the report was made.
    code = models.ForeignKey("accounts.CodeOfConduct", on_delete=models.PROTECT, null=True, related_name="+")
    details = models.TextField("what happened", max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField("what the programme team did", max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Conduct report {self.pk} on {self.relationship_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
