"""People, mutual organisations, mentor profiles and the shared taxonomy.

Workflows live in accounts/services.py; these models hold fields, invariants and small properties only.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.text import clean_line
from accounts.working_days import add_working_days


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("is_programme_team", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. They sign in with their email address; there is no username."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    # The "Programme team" role: government staff who vet mentors and run the programme. They must use MFA.
    is_programme_team = models.BooleanField(
        "programme team",
        default=False,
        help_text="Programme staff vet mentors, watch the pipeline and run reports. They must set up MFA.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        ordering = ["email"]
        # Lists of people sort by name (MentorProfile's and Ambassador's default ordering, the programme team): with
        # this index PostgreSQL reads the first page in name order instead of sorting every approved mentor.
        indexes = [models.Index(fields=["full_name", "email"], name="accounts_user_name_email")]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        # Cleaned when shown too, for names saved before names were cleaned on the way in (accounts/text.py).
        return clean_line(self.full_name) or self.email.split("@")[0]


class TaxonomyTerm(models.Model):
    """Common shape of the taxonomy lists: a name, a stable slug and an order for display."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True, help_text="Inactive terms are kept for history but not offered.")

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceArea(TaxonomyTerm):
    """A public service a mutual delivers (adult social care, fire and rescue, ...). Staff can add more."""


class Region(TaxonomyTerm):
    """One of the nine English regions. Neighbours make "nearby" matches possible."""

    neighbours = models.ManyToManyField("self", blank=True, symmetrical=True)


class SupportTopic(TaxonomyTerm):
    """Something a mutual needs help with (TUPE, pensions, procurement, ...). Staff can add more."""

    short_name = models.CharField(max_length=40, blank=True, help_text="Used in explanations, e.g. 'TUPE'.")

    @property
    def label(self) -> str:
        return self.short_name or self.name


class Stage(TaxonomyTerm):
    """How far along a mutual is (accounts/taxonomy.py): the five stages of the guide to setting up a mutual, then
    launched and established."""

    guide_step = models.PositiveSmallIntegerField(
        null=True, blank=True, unique=True, help_text="Its number in the guide 'How to set up a mutual' (1-5), if any."
    )
    summary = models.CharField(max_length=300, blank=True)


class Mutual(models.Model):
    """A public service mutual (or a team planning to become one), acting through its members."""

    class LegalForm(models.TextChoices):
        UNDECIDED = "undecided", "Not decided yet"
        CIC_GUARANTEE = "cic_guarantee", "Community interest company limited by guarantee"
        CIC_SHARES = "cic_shares", "Community interest company limited by shares"
        COMPANY_GUARANTEE = "company_guarantee", "Company limited by guarantee"
        COMPANY_SHARES = "company_shares", "Company limited by shares (employee owned)"
        COMMUNITY_BENEFIT = "community_benefit", "Community benefit society"
        COOPERATIVE = "cooperative", "Co-operative society"
        LLP = "llp", "Limited liability partnership"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    service_areas = models.ManyToManyField(ServiceArea, related_name="mutuals")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="mutuals")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="mutuals")
    legal_form = models.CharField(max_length=30, choices=LegalForm.choices, default=LegalForm.UNDECIDED)
    staff_count = models.PositiveIntegerField(
        "number of staff", validators=[MaxValueValidator(1_000_000)], null=True, blank=True
    )
    parent_body = models.CharField(
        "parent public body",
        max_length=200,
        blank=True,
        help_text="The council, trust or service you are spinning out of, or spun out of.",
    )
    description = models.TextField(max_length=4000, blank=True)
    website = models.URLField(blank=True)
    listed_publicly = models.BooleanField(
        "appear in the public forward look",
        default=False,
        help_text="Consent for the mutual's name, region, service areas and stage to be listed publicly.",
    )
    listing_consent_at = models.DateTimeField(null=True, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="mutuals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["listed_publicly", "name"])]

    def __str__(self) -> str:
        return self.name


class StageChange(models.Model):
    """One move of a mutual along the pipeline: who moved it, when, from which stage to which.

    Written only by accounts.pipeline in the same transaction as the change to Mutual.stage. The first change of a
    mutual has no from_stage. ended_at is when the next change replaced this one (null for the current stage), so the
    stage of every mutual at any date is one indexed range query, not a search for the latest row per mutual.
    """

    mutual = models.ForeignKey(Mutual, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(fields=["mutual", "changed_at"]),
            models.Index(fields=["changed_at", "ended_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mutual"], condition=Q(ended_at__isnull=True), name="one_current_stage_per_mutual"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mutual} to {self.to_stage} on {self.changed_at:%Y-%m-%d}"


class Membership(models.Model):
    """A person who acts for a mutual. Every member has the same rights over its profile and requests."""

    mutual = models.ForeignKey(Mutual, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    job_title = models.CharField(max_length=150, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at"]
        constraints = [models.UniqueConstraint(fields=["mutual", "user"], name="one_membership_per_person")]

    def __str__(self) -> str:
        return f"{self.user} at {self.mutual}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class MutualInvitation(models.Model):
    """An emailed, expiring link that lets a colleague join a mutual, or (a claim) lets someone from an unclaimed
    mutual become its first member (accounts.claims)."""

    class Kind(models.TextChoices):
        JOIN = "join", "Join"
        CLAIM = "claim", "Claim"

    mutual = models.ForeignKey(Mutual, on_delete=models.CASCADE, related_name="invitations")
    # db_default: during a rolling deploy the old code inserts invitations without this column.
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.JOIN, db_default=Kind.JOIN)
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # No address here: this label is what the audit log keeps, and an invitee may never have an account to erase.
        verb = "claim" if self.kind == self.Kind.CLAIM else "join"
        return f"Invitation {self.pk} to {verb} {self.mutual}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class MutualClaimRequest(models.Model):
    """A signed-in person asking to claim a listed mutual nobody has joined yet; the programme team decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Not approved"

    mutual = models.ForeignKey(Mutual, on_delete=models.CASCADE, related_name="claim_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claim_requests")
    job_title = models.CharField("your role at the mutual", max_length=150)
    message = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField("reason", max_length=2000, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # Asking twice (a double click, two tabs) cannot leave two requests waiting.
            models.UniqueConstraint(
                fields=["mutual", "requested_by"],
                condition=Q(status="pending"),
                name="one_pending_claim_request_per_person_and_mutual",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requested_by} asks to claim {self.mutual}"


class MentorProfile(models.Model):
    """A volunteer mentor. Only approved, unpaused mentors with spare capacity are matched."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for vetting"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Not approved"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember({"pending": "blue", "approved": "green", "rejected": "red"})

    class Format(models.TextChoices):
        REMOTE = "remote", "Remote only"
        IN_PERSON = "in_person", "In person only"
        EITHER = "either", "Remote or in person"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile")
    headline = models.CharField(
        max_length=150, help_text="One line about you, for example 'Former director of a care mutual'."
    )
    bio = models.TextField("about you", max_length=4000)
    organisation = models.CharField("current or most recent organisation", max_length=200, blank=True)
    topics = models.ManyToManyField(SupportTopic, related_name="mentors")
    service_areas = models.ManyToManyField(ServiceArea, related_name="mentors")
    stages = models.ManyToManyField(Stage, related_name="mentors", blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="mentors")
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.EITHER)
    capacity = models.PositiveSmallIntegerField(
        "how many mutuals you can mentor at once",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    # Maintained by the services that start and end relationships, under a row lock on this profile.
    active_mentees = models.PositiveSmallIntegerField(default=0)
    paused_until = models.DateField(null=True, blank=True, help_text="No new introductions until this date.")
    conflicts = models.ManyToManyField(
        Mutual, blank=True, related_name="conflicted_mentors", help_text="Mutuals you must not be matched with."
    )
    conflicts_note = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    status_reason = models.TextField(max_length=2000, blank=True)
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    vetted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=5), name="mentor_capacity_between_1_and_5"
            ),
        ]
        indexes = [models.Index(fields=["status", "paused_until"])]

    def __str__(self) -> str:
        return str(self.user)

    def vetting_due(self) -> datetime | None:
        """When the programme team aims to have decided (VETTING_WORKING_DAYS after the profile came in), while it
        is waiting and that moment is still ahead; None otherwise, and pages then speak of the aim in general."""
        if self.status != self.Status.PENDING:
            return None
        due = add_working_days(self.created_at, settings.VETTING_WORKING_DAYS)
        return due if due > timezone.now() else None

    def is_paused(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.paused_until is not None and self.paused_until > today

    def is_available(self, today: date | None = None) -> bool:
        """Approved, not paused, and fewer active mentees than places: the directory's "Available now".

        Not the matching engine's spare capacity (matching.engine.MentorArrays.spare_capacity), which also counts
        the introductions waiting for the mentor's answer: those belong to matching, which accounts cannot see.
        """
        return self.status == self.Status.APPROVED and not self.is_paused(today) and self.active_mentees < self.capacity


class CodeOfConduct(models.Model):
    """A version of the mentors' code of conduct. The current one is the latest published; a mentor must have
    accepted it to be introduced to a mutual (matching) and to accept an introduction."""

    version = models.PositiveIntegerField(unique=True)
    summary = models.CharField("what changed", max_length=300, blank=True)
    body = models.TextField("the code", max_length=20000, help_text="Plain text; a blank line starts a paragraph.")
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = "code of conduct"
        verbose_name_plural = "codes of conduct"

    def __str__(self) -> str:
        return f"Code of conduct, version {self.version}"


class ConductAcceptance(models.Model):
    """A mentor's acceptance of one version of the code: who, which version, when. Goes with their account."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conduct_acceptances")
    code = models.ForeignKey(CodeOfConduct, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "code"], name="one_acceptance_per_person_per_version")]

    def __str__(self) -> str:
        return f"{self.user_id} accepted version {self.code_id}"
