"""The public information service: the guide's tasks, guidance pages (resources), case studies, enquiries to the
support team with their replies and follow-up invitations, and readiness checks a mutual chose to keep.

Workflows live in information/services/; these models hold fields, invariants and small properties only.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone


class Resource(models.Model):
    """A guidance page, often pointing to a document elsewhere. Its body is Markdown rendered safely
    (information/formatting.py): staff cannot put raw HTML on the site."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember({"draft": "grey", "published": "green"})

    title = models.CharField(max_length=150)
    # Set once from the title and never changed, so links into the library keep working after a retitling.
    slug = models.SlugField(max_length=170, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences shown in lists and search results.")
    body = models.TextField(max_length=20000, blank=True)
    document_url = models.URLField("link to a document", max_length=500, blank=True)
    document_label = models.CharField("words of the document link", max_length=150, blank=True)
    source = models.CharField("who wrote the document", max_length=200, blank=True)
    topics = models.ManyToManyField("accounts.SupportTopic", related_name="resources")
    stages = models.ManyToManyField("accounts.Stage", related_name="resources")
    # None chosen means the page applies to every service.
    service_areas = models.ManyToManyField("accounts.ServiceArea", related_name="resources", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_on = models.DateField("last reviewed on")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # PostgreSQL only: title (weight A), summary (B) and body (C), kept by the services (information/search.py).
    # SQLite stores nothing here and searches with LIKE instead.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "title"]), models.Index(fields=["reviewed_on"])]
        constraints = [
            models.CheckConstraint(condition=~Q(body="") | ~Q(document_url=""), name="resource_has_body_or_document")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class GuideTask(models.Model):
    """One task under a step of the guide "How to set up a mutual". The steps are the stages with a guide_step."""

    stage = models.ForeignKey(
        "accounts.Stage",
        on_delete=models.PROTECT,
        related_name="guide_tasks",
        limit_choices_to={"guide_step__isnull": False},
    )
    title = models.CharField(max_length=150)
    description = models.TextField(max_length=1000, blank=True)
    resource = models.ForeignKey(Resource, on_delete=models.SET_NULL, null=True, blank=True, related_name="guide_tasks")
    link_url = models.URLField("link elsewhere", max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class CaseStudy(models.Model):
    """A mutual's story. Published only with the mutual's consent, recorded by the programme team."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

        TAG_COLOURS = enum.nonmember({"draft": "grey", "published": "green"})

    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=170, unique=True)
    mutual_name = models.CharField("name of the mutual", max_length=200)
    # Set when the mutual is on the service; the story stays if the profile goes (the name is kept above).
    mutual = models.ForeignKey(
        "accounts.Mutual", on_delete=models.SET_NULL, null=True, blank=True, related_name="case_studies"
    )
    service_area = models.ForeignKey("accounts.ServiceArea", on_delete=models.PROTECT, related_name="case_studies")
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="case_studies")
    stage_reached = models.ForeignKey("accounts.Stage", on_delete=models.PROTECT, related_name="case_studies")
    summary = models.CharField(max_length=300)
    story = models.TextField(max_length=20000)
    what_helped = models.TextField(max_length=4000, blank=True)
    topics = models.ManyToManyField("accounts.SupportTopic", related_name="case_studies", blank=True)
    consent_given_by = models.CharField("who gave consent", max_length=200, blank=True)
    consent_given_on = models.DateField("date consent was given", null=True, blank=True)
    consent_how = models.CharField("how consent was given", max_length=300, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    # The completed mentoring relationship whose closing feedback the draft was written from.
    source_relationship = models.ForeignKey(
        "messaging.Relationship", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name_plural = "case studies"
        constraints = [
            # The invariant the issue insists on: never published without the mutual's consent.
            models.CheckConstraint(
                condition=~Q(status="published") | Q(consent_recorded_at__isnull=False),
                name="case_study_published_only_with_consent",
            ),
            models.UniqueConstraint(
                fields=["source_relationship"],
                condition=Q(source_relationship__isnull=False),
                name="one_case_study_per_relationship",
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def has_consent(self) -> bool:
        return self.consent_recorded_at is not None

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Enquiry(models.Model):
    """A question (or feedback) to the mutuals support team from anyone, with or without an account."""

    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        FEEDBACK = "feedback", "Feedback on the service"

    class Role(models.TextChoices):
        EMPLOYEE = "employee", "I work in a public service"
        MANAGER = "manager", "I manage or lead a public service"
        COMMISSIONER = "commissioner", "I commission public services"
        WOULD_BE_MENTOR = "would_be_mentor", "I would like to mentor a mutual"
        OTHER = "other", "Something else"

    class ReplyBy(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "Being worked on"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

        TAG_COLOURS = enum.nonmember({"new": "blue", "in_progress": "purple", "answered": "green", "closed": "grey"})

    # Waiting for the support team's first answer: these can be overdue.
    AWAITING_RESPONSE = (Status.NEW, Status.IN_PROGRESS)
    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.ANSWERED)

    reference = models.CharField(max_length=16, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.QUESTION)
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    role = models.CharField("who you are", max_length=30, choices=Role.choices, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    service_area = models.ForeignKey(
        "accounts.ServiceArea", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey("accounts.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    topic = models.ForeignKey(
        "accounts.SupportTopic", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question = models.TextField(max_length=5000)
    reply_by = models.CharField("how to reply", max_length=10, choices=ReplyBy.choices, default=ReplyBy.EMAIL)
    phone = models.CharField("phone number", max_length=40, blank=True)
    # The readiness check's answers, when the person chose to send them (information/readiness.py reads them).
    readiness_answers = models.JSONField(default=dict, blank=True)
    # Feedback: the page the person came from.
    page_url = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The target for the first response (ENQUIRY_RESPONSE_WORKING_DAYS); None when no reply is expected.
    respond_by = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closing_note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "enquiries"
        indexes = [
            models.Index(fields=["status", "respond_by"]),
            models.Index(fields=["closed_at"]),
            models.Index(Upper("email"), name="enquiry_email_upper"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="closed_enquiry_has_closed_at"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def can_be_emailed(self) -> bool:
        return bool(self.email)

    def is_overdue(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status in self.AWAITING_RESPONSE and self.respond_by is not None and self.respond_by < now


class EnquiryReply(models.Model):
    """An answer the support team sent from the service: emailed to the person and kept with the enquiry."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "enquiry replies"

    def __str__(self) -> str:
        return f"Reply to {self.enquiry_id}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class EnquiryInvitation(models.Model):
    """An enquiry turned into a next step: an emailed link to a form filled in from the enquiry."""

    class Kind(models.TextChoices):
        MUTUAL_REQUEST = "mutual_request", "Set up the mutual on the service and ask for a mentor"
        ENGAGEMENT = "engagement", "Ask for an ambassador"
        MENTOR = "mentor", "Volunteer as a mentor"

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    message = models.TextField("a note to add to the email", max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Where the person's new request, engagement request or mentor profile is (a path inside the service).
    result_url = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["enquiry", "kind"], name="one_invitation_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.enquiry_id})"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class ReadinessResult(models.Model):
    """A readiness check a member chose to keep on their mutual's profile. Nothing else of the check is stored."""

    mutual = models.ForeignKey("accounts.Mutual", on_delete=models.CASCADE, related_name="readiness_results")
    answers = models.JSONField(default=dict)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at", "-id"]

    def __str__(self) -> str:
        return f"Readiness check of {self.mutual_id} on {self.saved_at:%Y-%m-%d}"
