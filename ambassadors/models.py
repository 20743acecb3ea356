"""Ambassadors: cohorts, applications and nominations, ambassadors, engagement requests and engagements.

Workflows live in ambassadors/services.py; these models hold fields, invariants and small properties only.
"""

from __future__ import annotations

import enum
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


class Cohort(models.Model):
    """A group of ambassadors appointed together, for a fixed term, up to a capacity."""

    name = models.CharField(max_length=150, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    capacity = models.PositiveSmallIntegerField(
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text="The most ambassadors who can be appointed to this cohort.",
    )
    applications_open_at = models.DateTimeField(null=True, blank=True)
    applications_close_at = models.DateTimeField(null=True, blank=True)
    description = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="cohort_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cohort_capacity_at_least_1"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open_for_applications(self) -> bool:
        now = timezone.now()
        return (
            self.applications_open_at is not None
            and self.applications_open_at <= now
            and (self.applications_close_at is None or now < self.applications_close_at)
        )


class Application(models.Model):
    """A person's application to join a cohort, moved through the review pipeline by the programme team."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        SHORTLISTED = "shortlisted", "Shortlisted"
        INTERVIEW = "interview", "Interview"
        APPOINTED = "appointed", "Appointed"
        NOT_APPOINTED = "not_appointed", "Not appointed"
        WITHDRAWN = "withdrawn", "Withdrawn"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember(
            {
                "submitted": "blue",
                "shortlisted": "light-blue",
                "interview": "purple",
                "appointed": "green",
                "not_appointed": "red",
                "withdrawn": "grey",
            }
        )

    # An application in one of these states blocks another by the same person for the same cohort.
    LIVE_STATUSES = (Status.SUBMITTED, Status.SHORTLISTED, Status.INTERVIEW, Status.APPOINTED)
    DECISION_STATUSES = (Status.APPOINTED, Status.NOT_APPOINTED)

    class TimeCommitment(models.TextChoices):
        MONTHLY = "monthly", "About one day a month"
        QUARTERLY = "quarterly", "About one day a quarter"
        OCCASIONAL = "occasional", "Occasionally, when I can"

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ambassador_applications"
    )
    nomination = models.OneToOneField(
        "Nomination", on_delete=models.SET_NULL, null=True, blank=True, related_name="application"
    )
    organisation = models.CharField("your organisation and role", max_length=200)
    motivation = models.TextField("why you would be a good ambassador", max_length=4000)
    experience = models.TextField("your experience of mutuals and public services", max_length=4000)
    service_areas = models.ManyToManyField("accounts.ServiceArea", related_name="+")
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    topics = models.ManyToManyField("accounts.SupportTopic", related_name="+")
    time_commitment = models.CharField(max_length=20, choices=TimeCommitment.choices)
    engagements_per_quarter = models.PositiveSmallIntegerField(
        "engagements you could take on each quarter",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "applicant"],
                condition=Q(status__in=["submitted", "shortlisted", "interview", "appointed"]),
                name="one_live_application_per_person_per_cohort",
            ),
            models.CheckConstraint(
                condition=Q(engagements_per_quarter__gte=1) & Q(engagements_per_quarter__lte=12),
                name="application_engagements_between_1_and_12",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} for {self.cohort}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES


class ApplicationEvent(models.Model):
    """One move of an application through the pipeline: who, when, from which status to which, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_status = models.CharField(max_length=20, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Application.Status.choices)
    note = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status or 'new'} to {self.to_status}"


class ReviewerNote(models.Model):
    """A private note by the programme team about an application. Never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviewer_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note on {self.application}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Nomination(models.Model):
    """Someone suggesting another person as an ambassador. The nominee is emailed a link to apply."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="nominations")
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="ambassador_nominations"
    )
    nominee_name = models.CharField(max_length=150)
    nominee_email = models.EmailField()
    reason = models.TextField("why you are nominating them", max_length=4000)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["nominee_email"])]

    def __str__(self) -> str:
        return f"Nomination of {self.nominee_name} for {self.cohort}"

    def is_for(self, user: AbstractBaseUser | AnonymousUser) -> bool:
        """The link is emailed to the nominee: only an account with that (verified) address may apply with it."""
        email = getattr(user, "email", "") or ""
        return bool(email) and email.casefold() == self.nominee_email.casefold()

    @property
    def masked_nominee_email(self) -> str:
        """Enough of the address for the nominee to recognise it, not enough to learn it: "n•••@example.org"."""
        local, _, domain = self.nominee_email.partition("@")
        return f"{local[:1]}\u2022\u2022\u2022@{domain}"


class Format(models.TextChoices):
    REMOTE = "remote", "Remote only"
    IN_PERSON = "in_person", "In person only"
    EITHER = "either", "Remote or in person"


FORMER_AMBASSADOR = "Former ambassador"


class Ambassador(models.Model):
    """An appointed ambassador and their public profile. Only active ambassadors are listed and matched."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        STOOD_DOWN = "stood_down", "Stood down"

    # Null only after the person deleted their account: the record stays (anonymised) for the programme's reports.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="ambassador"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="ambassadors")
    application = models.OneToOneField(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="ambassador"
    )
    headline = models.CharField(
        max_length=150, blank=True, help_text="One line, for example 'Chief executive of a care mutual'."
    )
    organisation = models.CharField(max_length=200, blank=True)
    bio = models.TextField("about you", max_length=4000, blank=True)
    photo = models.ImageField(upload_to="ambassadors/photos/", blank=True)
    service_areas = models.ManyToManyField("accounts.ServiceArea", related_name="ambassadors")
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="ambassadors")
    topics = models.ManyToManyField("accounts.SupportTopic", related_name="ambassadors")
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.EITHER)
    engagements_per_quarter = models.PositiveSmallIntegerField(
        "engagements you can take on each quarter",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    appointed_at = models.DateTimeField(default=timezone.now)
    stood_down_at = models.DateTimeField(null=True, blank=True)
    stood_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stood_down_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(engagements_per_quarter__gte=1) & Q(engagements_per_quarter__lte=12),
                name="ambassador_engagements_between_1_and_12",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user is not None else FORMER_AMBASSADOR

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class EngagementRequest(models.Model):
    """Someone asking for an ambassador to give a talk, visit, run a workshop or join a peer call."""

    class Kind(models.TextChoices):
        TALK = "talk", "Talk"
        VISIT = "visit", "Visit"
        WORKSHOP = "workshop", "Workshop"
        PEER_CALL = "peer_call", "Peer call"

    class Status(models.TextChoices):
        OPEN = "open", "Looking for an ambassador"
        INVITED = "invited", "Ambassador invited"
        ACCEPTED = "accepted", "Ambassador confirmed"
        HELD = "held", "Held"
        WITHDRAWN = "withdrawn", "Withdrawn"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember(
            {"open": "blue", "invited": "light-blue", "accepted": "green", "held": "green", "withdrawn": "grey"}
        )

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagement_requests",
        help_text="Empty once the person who asked deleted their account: the request stays for the reports.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=150, help_text="A short summary, for example 'Talk to our staff forum'.")
    organisation = models.CharField("your organisation", max_length=200)
    preferred_from = models.DateField("earliest date")
    preferred_to = models.DateField("latest date")
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    service_area = models.ForeignKey("accounts.ServiceArea", on_delete=models.PROTECT, related_name="+")
    topics = models.ManyToManyField("accounts.SupportTopic", related_name="+")
    audience_size = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100_000)])
    description = models.TextField(max_length=4000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(preferred_to__gte=models.F("preferred_from")), name="engagement_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def format(self) -> str:
        """Visits happen in person and peer calls remotely; talks and workshops can be either."""
        if self.kind == self.Kind.VISIT:
            return Format.IN_PERSON
        if self.kind == self.Kind.PEER_CALL:
            return Format.REMOTE
        return Format.EITHER


class EngagementInvitation(models.Model):
    """An engagement request put to one ambassador, who accepts or declines it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a reply"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember(
            {"pending": "light-blue", "accepted": "green", "declined": "red", "cancelled": "grey"}
        )

    OPEN_STATUSES = (Status.PENDING, Status.ACCEPTED)

    request = models.ForeignKey(EngagementRequest, on_delete=models.CASCADE, related_name="invitations")
    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A request is with at most one ambassador at a time.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["pending", "accepted"]),
                name="one_open_invitation_per_engagement_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} to {self.ambassador}"


class Engagement(models.Model):
    """What happened: logged after an accepted request has been held."""

    request = models.OneToOneField(EngagementRequest, on_delete=models.CASCADE, related_name="engagement")
    # Kept (without its ambassador) when the ambassador's account is deleted, so the programme's totals stand.
    ambassador = models.ForeignKey(
        Ambassador, on_delete=models.SET_NULL, null=True, blank=True, related_name="engagements"
    )
    held_on = models.DateField("date held")
    attendees = models.PositiveIntegerField("number of people who attended", validators=[MaxValueValidator(100_000)])
    outcome = models.TextField(max_length=4000)
    follow_ups = models.TextField("follow-up actions", max_length=4000, blank=True)
    new_project = models.TextField(
        "new mutual projects it surfaced",
        max_length=4000,
        blank=True,
        help_text="Any team or service thinking about becoming a mutual that came up.",
    )
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.request} on {self.held_on}"


class EmergingProject(models.Model):
    """Who spotted a possible new mutual, and at which engagement. The project itself is an unclaimed mutual on the
    one pipeline (accounts.pipeline): its name, region, service areas, notes and stage live on the Mutual."""

    mutual = models.OneToOneField("accounts.Mutual", on_delete=models.CASCADE, related_name="emerging_project")
    source_engagement = models.ForeignKey(
        Engagement, on_delete=models.SET_NULL, null=True, blank=True, related_name="emerging_projects"
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.mutual} (spotted {self.created_at:%Y-%m-%d})"
