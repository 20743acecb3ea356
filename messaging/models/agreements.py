"""The mentoring agreement: what a pair agree at the start (how often they meet, how long the relationship should
run, when they review it, what is out of scope), confirmed by both sides.

Each proposal is a new version; the side that proposes it confirms it by proposing, and it is agreed when someone on
the other side confirms it too. Earlier versions are kept, so while a change waits for confirmation the terms last
agreed still stand and are shown.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

AGREEMENT_MAX_MONTHS = 24


class MentoringAgreement(models.Model):
    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Every month"
        BIMONTHLY = "bimonthly", "Every two months"

    relationship = models.ForeignKey("messaging.Relationship", on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveIntegerField()
    meeting_frequency = models.CharField("how often you will meet", max_length=20, choices=Frequency.choices)
    duration_months = models.PositiveSmallIntegerField(
        "how many months the mentoring should run",
        validators=[MinValueValidator(1), MaxValueValidator(AGREEMENT_MAX_MONTHS)],
    )
    review_on = models.DateField("review date")
    out_of_scope = models.TextField("what is out of scope", max_length=2000, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="agreements_proposed"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    # Null until someone on the other side of the relationship confirms this version.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # A later version replaced this one before it was confirmed.
    superseded_at = models.DateTimeField(null=True, blank=True)
    # Claimed with a checked update by the daily task: the review date prompts both sides once.
    review_prompted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["relationship_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "version"], name="one_agreement_per_version"),
            models.CheckConstraint(
                condition=Q(duration_months__gte=1) & Q(duration_months__lte=AGREEMENT_MAX_MONTHS),
                name="agreement_runs_1_to_24_months",
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement v{self.version} for {self.relationship_id}"

    @property
    def is_agreed(self) -> bool:
        return self.confirmed_at is not None
