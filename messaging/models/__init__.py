"""The relationships that follow a match: lifecycle, conversations, goals, check-ins, nudges, closing feedback,
and moderation. (In-app notices are the notifications app's.)

Workflows live in messaging/services.py (and messaging/privacy.py for export and deletion).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User

MESSAGE_MAX_LENGTH = 5000
FORMER_USER = "Former user"


class Relationship(models.Model):
    """A mentor working with a mutual. Every member of the mutual and the mentor are its parties."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended_early", "Ended early"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember(
            {"active": "green", "paused": "yellow", "completed": "blue", "ended_early": "grey"}
        )

    OPEN_STATUSES = (Status.ACTIVE, Status.PAUSED)
    CLOSED_STATUSES = (Status.COMPLETED, Status.ENDED_EARLY)

    # Null only after the mentor deleted their account: the mutual keeps its history, shown as "Former user".
    mentor = models.ForeignKey(
        "accounts.MentorProfile", on_delete=models.SET_NULL, null=True, related_name="relationships"
    )
    mutual = models.ForeignKey("accounts.Mutual", on_delete=models.CASCADE, related_name="relationships")
    request = models.ForeignKey(
        "matching.MentoringRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="relationships"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    started_at = models.DateTimeField(default=timezone.now)
    paused_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(max_length=2000, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_activity_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set by the nightly nudge task after 60 quiet days; cleared by the next message or check-in.
    at_risk_since = models.DateTimeField(null=True, blank=True, db_index=True)
    last_message = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    request_reopened_at = models.DateTimeField(null=True, blank=True)

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
        return f"{self.mentor_name} with {self.mutual}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES

    @property
    def mentor_name(self) -> str:
        return self.mentor.user.display_name if self.mentor is not None else FORMER_USER


class ConversationState(models.Model):
    """One person's place in one conversation: what they have read and when they were last emailed about it."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="conversation_states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Messages with a greater id than this are unread (ids only grow, so no clock is involved).
    last_read_message_id = models.BigIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)
    # The email throttle: claimed with a checked update so that only one email goes out in any 15 minutes.
    last_notified_at = models.DateTimeField(null=True, blank=True)
    last_notified_message_id = models.BigIntegerField(default=0)
    # Set while a delayed notification task is waiting for the throttle window to end.
    notification_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship", "user"], name="one_conversation_state_per_person")
        ]
        indexes = [models.Index(fields=["user", "relationship"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.relationship_id}"


class ConversationMessage(models.Model):
    """What a pair's message and a group's message share: when it was written, and the programme team hiding it
    after a report (messaging.services.moderation). Each adds its conversation, author and body."""

    author: models.ForeignKey[User | None]
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def author_name(self) -> str:
        return self.author.display_name if self.author is not None else FORMER_USER


class Message(ConversationMessage):
    """A plain-text message. Never HTML: rendered escaped, with http(s) links made clickable."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="messages")
    # Null once the author deleted their account: the text stays for the other party, shown as "Former user".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="messages_written"
    )
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["relationship", "id"])]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.relationship_id}"


class Goal(models.Model):
    """Something the pair agree to work on, linked to support topics."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember({"not_started": "grey", "in_progress": "blue", "achieved": "green"})

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=2000, blank=True)
    topics = models.ManyToManyField("accounts.SupportTopic", blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="goals_created"
    )
    # A goal proposed by one side is agreed when someone on the other side confirms it.
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_agreed(self) -> bool:
        return self.agreed_at is not None


class CheckIn(models.Model):
    """A meeting the pair held, with notes both parties can see."""

    class Format(models.TextChoices):
        REMOTE = "remote", "Remote (video or phone)"
        IN_PERSON = "in_person", "In person"

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="check_ins")
    met_on = models.DateField("date of the meeting")
    duration_minutes = models.PositiveSmallIntegerField(
        "length in minutes", validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    format = models.CharField(max_length=20, choices=Format.choices)
    notes = models.TextField("shared notes", max_length=4000, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="check_ins_logged"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-met_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=600),
                name="check_in_length_between_1_and_600_minutes",
            )
        ]

    def __str__(self) -> str:
        return f"Check-in on {self.met_on} ({self.relationship_id})"


class Nudge(models.Model):
    """A reminder sent to both parties of a quiet relationship. One per relationship per kind per day."""

    class Kind(models.TextChoices):
        QUIET = "quiet", "Quiet for 30 days"
        FIRST_MEETING = "first_meeting", "No first meeting after 21 days"

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="nudges")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.QUIET)
    sent_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "kind", "sent_on"], name="one_nudge_per_kind_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} nudge for {self.relationship_id} on {self.sent_on}"


class Feedback(models.Model):
    """Closing feedback from one party: about a relationship, or about one mutual's time in a mentoring group
    (`group_place`: asked when the mutual leaves or the group closes). One per person per relationship or place."""

    class GoalProgress(models.TextChoices):
        NONE = "none", "No progress"
        SOME = "some", "Some progress"
        MOST = "most", "Most goals achieved"
        ALL = "all", "All goals achieved"

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, null=True, blank=True, related_name="feedback"
    )
    group_place = models.ForeignKey(
        "messaging.GroupMember", on_delete=models.CASCADE, null=True, blank=True, related_name="feedback"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="feedback_given"
    )
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    goal_progress = models.CharField("progress on your goals", max_length=20, choices=GoalProgress.choices)
    would_recommend = models.BooleanField("would you recommend the programme")
    comments = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "author"], name="one_feedback_per_person"),
            models.UniqueConstraint(fields=["group_place", "author"], name="one_group_feedback_per_person"),
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_to_5"),
            models.CheckConstraint(
                condition=Q(relationship__isnull=False, group_place__isnull=True)
                | Q(relationship__isnull=True, group_place__isnull=False),
                name="feedback_is_on_a_relationship_or_a_group_place",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback {self.rating}/5 on {self.relationship_id or f'group place {self.group_place_id}'}"


class MessageReport(models.Model):
    """A party asking the programme team to look at one message: a relationship's, or a mentoring group's (exactly
    one of `message` and `group_message`). Both reach the same queue and the same moderation steps."""

    class Reason(models.TextChoices):
        ABUSIVE = "abusive", "Abusive or harassing"
        SPAM = "spam", "Spam or advertising"
        INAPPROPRIATE = "inappropriate", "Inappropriate for the programme"
        OTHER = "other", "Something else"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    group_message = models.ForeignKey(
        "messaging.GroupMessage", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="message_reports"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["message", "reported_by"], name="one_report_per_person_per_message"),
            models.UniqueConstraint(
                fields=["group_message", "reported_by"], name="one_report_per_person_per_group_message"
            ),
            models.CheckConstraint(
                condition=Q(message__isnull=False, group_message__isnull=True)
                | Q(message__isnull=True, group_message__isnull=False),
                name="report_is_of_one_message_or_one_group_message",
            ),
        ]

    def __str__(self) -> str:
        return f"Report on message {self.message_id or self.group_message_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def reported(self) -> Message | GroupMessage:
        """The message reported, whichever conversation it is in."""
        reported = self.message if self.message_id is not None else self.group_message
        assert reported is not None  # the check constraint: exactly one of the two
        return reported


class ModerationAction(models.Model):
    """Every moderation step a member of the programme team takes: who, when, what and on what."""

    class Action(models.TextChoices):
        HIDE_MESSAGE = "hide_message", "Hid a message"
        SUSPEND_ACCOUNT = "suspend_account", "Suspended an account"
        DISMISS_REPORT = "dismiss_report", "Closed a report without action"
        RESTORE_MESSAGE = "restore_message", "Showed a hidden message again"
        REINSTATE_ACCOUNT = "reinstate_account", "Lifted an account suspension"
        CLOSE_CONDUCT_REPORT = "close_conduct_report", "Closed a code of conduct report"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=30, choices=Action.choices)
    report = models.ForeignKey(MessageReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    target_message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    target_group_message = models.ForeignKey(
        "messaging.GroupMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"


# Meetings and calendar feeds live in their own module (this one would pass 500 lines); importing them here is how
# Django finds them.
from messaging.models.agreements import MentoringAgreement  # noqa: E402
from messaging.models.conduct_reports import ConductReport  # noqa: E402
from messaging.models.documents import SharedDocument  # noqa: E402
from messaging.models.groups import GroupGoal, GroupMeeting, GroupMember, GroupMessage, MentoringGroup  # noqa: E402
from messaging.models.meetings import CalendarFeed, Meeting  # noqa: E402

__all__ = [
    "FORMER_USER",
    "MESSAGE_MAX_LENGTH",
    "CalendarFeed",
    "CheckIn",
    "ConductReport",
    "ConversationState",
    "Feedback",
    "Goal",
    "GroupGoal",
    "GroupMeeting",
    "GroupMember",
    "GroupMessage",
    "Meeting",
    "MentoringAgreement",
    "MentoringGroup",
    "Message",
    "MessageReport",
    "ModerationAction",
    "Nudge",
    "Relationship",
    "SharedDocument",
]
