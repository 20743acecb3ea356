"""What mentoring achieves, in the words of both sides: pulse surveys during a relationship and an outcome survey at
its close. Each person answers their own; the programme team sees aggregates only (outcomes/selectors.py).

Surveys are opened by a daily task (outcomes.services.surveys_open_due): a pulse 30 days after a relationship starts
and every 60 days after that while it is active, and a closing survey once it has closed. A survey still unanswered
a week after it opened gets one reminder (outcomes.services.surveys_remind_unanswered), then nothing more.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class Survey(models.Model):
    """One person's survey about one relationship, or (the closing survey only) about one mutual's time in a
    mentoring group (`group_place`): opened when due, answered once."""

    class Kind(models.TextChoices):
        PULSE = "pulse", "Pulse survey"
        CLOSING = "closing", "Outcome survey"

    class Side(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        MUTUAL = "mutual", "Mutual"

    relationship = models.ForeignKey(
        "messaging.Relationship", on_delete=models.CASCADE, null=True, blank=True, related_name="surveys"
    )
    group_place = models.ForeignKey(
        "messaging.GroupMember", on_delete=models.CASCADE, null=True, blank=True, related_name="surveys"
    )
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="surveys")
    side = models.CharField(max_length=10, choices=Side.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Pulse surveys are numbered 1, 2, ... (due at 30, 90, 150 ... days); the closing survey is number 0.
    number = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The second nudge (the first is the "survey due" notice): set once, by the checked update that claims it.
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Pulse answers
    usefulness = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCALE)
    what_changed = models.TextField(max_length=2000, blank=True)
    comments = models.TextField(max_length=2000, blank=True)
    # Closing answers: None until answered
    spun_out = models.BooleanField("spun out or launched", null=True, blank=True)
    contract_won = models.BooleanField("contract won or renewed", null=True, blank=True)
    staff_transferred = models.BooleanField(null=True, blank=True)
    stage_moved = models.BooleanField("moved on a stage", null=True, blank=True)

    class Meta:
        ordering = ["-due_on", "-pk"]
        constraints = [
            # Opening a survey twice (a task run twice) cannot make a second one.
            models.UniqueConstraint(
                fields=["relationship", "respondent", "kind", "number"], name="one_survey_per_person_and_occasion"
            ),
            models.UniqueConstraint(
                fields=["group_place", "respondent", "kind", "number"],
                name="one_group_survey_per_person_and_occasion",
            ),
            models.CheckConstraint(
                condition=Q(relationship__isnull=False, group_place__isnull=True)
                | Q(relationship__isnull=True, group_place__isnull=False),
                name="survey_is_about_a_relationship_or_a_group_place",
            ),
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True) | Q(usefulness__gte=1, usefulness__lte=5),
                name="survey_usefulness_between_1_and_5",
            ),
        ]
        indexes = [models.Index(fields=["kind", "answered_at"]), models.Index(fields=["respondent", "answered_at"])]

    def __str__(self) -> str:
        about = self.relationship_id or f"group place {self.group_place_id}"
        return f"{self.get_kind_display()} {self.number} for {self.respondent} on {about}"

    @property
    def mentor_name(self) -> str:
        if self.group_place is not None:
            return self.group_place.group.mentor_name
        assert self.relationship is not None  # the check constraint: one or the other
        return self.relationship.mentor_name

    @property
    def mutual_name(self) -> str:
        if self.group_place is not None:
            return self.group_place.mutual.name
        assert self.relationship is not None
        return self.relationship.mutual.name

    @property
    def about(self) -> str:
        """What the survey is about, in the words a person reads."""
        if self.group_place is not None:
            return f"{self.mutual_name} in the mentoring group “{self.group_place.group.title}” with {self.mentor_name}"
        return f"{self.mentor_name} and {self.mutual_name}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class TopicConfidence(models.Model):
    """In a closing survey: how confident the person felt about one requested topic before and after (1-5)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="confidence")
    topic = models.ForeignKey("accounts.SupportTopic", on_delete=models.PROTECT, related_name="+")
    before = models.PositiveSmallIntegerField(validators=SCALE)
    after = models.PositiveSmallIntegerField(validators=SCALE)

    class Meta:
        ordering = ["topic__order", "topic__name"]
        constraints = [models.UniqueConstraint(fields=["survey", "topic"], name="one_confidence_per_survey_and_topic")]

    def __str__(self) -> str:
        return f"{self.topic}: {self.before} to {self.after}"
