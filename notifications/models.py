"""In-app notices, the email outbox and people's email preferences.

The lowest layer of the service: every app tells people things through notifications.services.notify, and this
app imports no other app of the project (the user model is reached through settings.AUTH_USER_MODEL).

People are referred to by reference, never by name: a notice or email keeps the ids of the people it is about in
`params` and renders their names when it is shown or sent. When someone deletes their account, what others were
told about them reads "Former user" without any text being rewritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Category(models.TextChoices):
    """What a person can choose to receive by email. Essential emails (account security, the answer to something
    they asked for) always go."""

    MESSAGES = "messages", "New messages in your conversations"
    MENTORING = "mentoring", "Introductions, suggestions and your mentoring relationships"
    PROGRAMME = "programme", "News and invitations from the programme team"
    ESSENTIAL = "essential", "About your account and what you asked us for"

    @classmethod
    def optional(cls) -> list[Category]:
        return [cls.MESSAGES, cls.MENTORING, cls.PROGRAMME]


class Notice(models.Model):
    """An in-app notice for one person, about one event (notifications/events.py says which and how it reads)."""

    class Kind(models.TextChoices):
        INTRODUCTION = "introduction", "Introduction"
        MESSAGE = "message", "Message"
        NUDGE = "nudge", "Reminder"
        DECISION = "decision", "Decision"
        RELATIONSHIP = "relationship", "Mentoring relationship"
        AMBASSADOR = "ambassador", "Ambassadors"
        ACCOUNT = "account", "Your account"
        MODERATION = "moderation", "Moderation"
        PROGRAMME = "programme", "Programme team"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    event = models.CharField(max_length=60)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # What the notice's words are filled in with: plain values, and people as {"user": id} (see references.py).
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="A path inside the service, e.g. /relationships/4/.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event} for {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def text(self) -> str:
        """The words of the notice, people's names filled in now. Lists use selectors.with_texts (one query for
        every name on a page) rather than this, which looks names up for this notice alone."""
        cached: str | None = getattr(self, "_text", None)
        if cached is None:
            from notifications import rendering

            cached = rendering.notice_text(self)
            self._text = cached
        return cached


class OutboundEmail(models.Model):
    """One email to one person (or address), written in the same transaction as the change it is about and sent by
    a retrying task (notifications/tasks.py). Nothing is lost when the broker or the mail server is down: a row
    still pending is sent again by the dispatcher. Its words are rendered when it is sent; once sent, only the
    record that it was sent is kept."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"
        SKIPPED = "skipped", "Not sent (the person does not want these emails)"

    event = models.CharField(max_length=60)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="outbound_emails"
    )
    # For people without an account (an invitation, a nomination, an enquiry): their address.
    to_address = models.EmailField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    # Files sent with the email (a calendar invitation): [{"filename", "mimetype", "content"}], the content base64.
    # Made by the caller when the event happens, so the email carries the file as it was then; forgotten once sent.
    attachments = models.JSONField(default=list, blank=True)
    # "<event>:<object id>:<recipient>": the same email is never written twice, whatever runs twice.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(to_address=""), name="outbound_email_has_an_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.recipient_id or 'an address'} ({self.status})"


class EmailPreferences(models.Model):
    """Which optional emails a person wants. No row means the defaults: all of them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences")
    messages = models.BooleanField("new messages", default=True)
    mentoring = models.BooleanField("introductions, suggestions and mentoring relationships", default=True)
    programme = models.BooleanField("news and invitations from the programme team", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "email preferences"

    def __str__(self) -> str:
        return f"Email preferences of {self.user_id}"

    def wants(self, category: str) -> bool:
        if category == Category.ESSENTIAL:
            return True
        return bool(getattr(self, category))


class EmailFile(models.Model):
    """A file an email carries (a calendar invitation), kept for a while for a mail service that cannot attach
    files to an email (GOV.UK Notify, notifications/backends.py): the email links to a signed, expiring download of
    it instead (notifications/email_files.py). One per recipient, so it goes with their account."""

    token = models.CharField(max_length=64, unique=True)
    address = models.EmailField()
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.filename} for an email"
