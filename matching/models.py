"""Mentoring requests, suggestions, introductions, match runs, weights and batch proposals.

Workflows live in matching/services/; the scoring itself is the pure engine in matching/engine/.
"""

from __future__ import annotations

import enum

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from matching import engine


class MentoringRequest(models.Model):
    """A mutual asking for a mentor on one or more support topics."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        INTRODUCED = "introduced", "Introduced"
        MATCHED = "matched", "Matched"
        NEEDS_ATTENTION = "needs_attention", "Needs attention"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CLOSED = "closed", "Closed"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember(
            {
                "open": "blue",
                "introduced": "purple",
                "matched": "green",
                "needs_attention": "orange",
                "withdrawn": "grey",
                "closed": "grey",
            }
        )
        # What the tag says where it differs from the label: the mutual reads who has their request, not a queue.
        TAG_LABELS = enum.nonmember({"needs_attention": "With the programme team"})

    class Format(models.TextChoices):
        REMOTE = "remote", "Remote"
        IN_PERSON = "in_person", "In person"
        EITHER = "either", "Either"

    class Urgency(models.TextChoices):
        SOON = "soon", "Within a month"
        QUARTER = "quarter", "In the next three months"
        FLEXIBLE = "flexible", "No fixed timescale"

    mutual = models.ForeignKey("accounts.Mutual", on_delete=models.CASCADE, related_name="mentoring_requests")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(max_length=150, help_text="A short summary, for example 'Help with TUPE transfer'.")
    topics = models.ManyToManyField("accounts.SupportTopic", related_name="mentoring_requests")
    service_area = models.ForeignKey("accounts.ServiceArea", on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.EITHER)
    urgency = models.CharField("how soon", max_length=20, choices=Urgency.choices, default=Urgency.QUARTER)
    description = models.TextField(max_length=4000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    # Why the request is in the staff queue (set with status NEEDS_ATTENTION), and how staff closed it.
    attention_reason = models.CharField(max_length=300, blank=True)
    closed_note = models.TextField(max_length=2000, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the engine first ranked mentors for it: until then its page says suggestions are on their way.
    first_ranked_at = models.DateTimeField(null=True, blank=True)
    # Digest of its current ranking, kept by matching.persistence so that unchanged rankings are not rewritten.
    ranking_digest = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Requests the engine ranks mentors for; the others keep the suggestions they had.
    MATCHABLE_STATUSES = (Status.OPEN,)
    EDITABLE_STATUSES = (Status.OPEN,)
    WITHDRAWABLE_STATUSES = (Status.OPEN, Status.INTRODUCED, Status.NEEDS_ATTENTION)
    # Requests the programme team can place in a mentoring group (messaging): no mentor is considering them.
    GROUPABLE_STATUSES = (Status.OPEN, Status.NEEDS_ATTENTION)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["mutual", "status"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.mutual})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class MatchingWeights(models.Model):
    """One version of the scoring weights. Rows are never edited: the newest row is the current version."""

    # One field per component (engine.COMPONENTS, which a test holds them to). The schema spells them out, as do
    # the constraint below and the migrations; code reads them through as_dict().
    service_area = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    topics = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    region = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    stage = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    capacity = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    # db_default: the code still running during a rolling deploy inserts versions without it (docs/operations.md).
    recent_stage = models.FloatField(db_default=0.05, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    note = models.CharField(max_length=300, blank=True, help_text="Why the weights changed.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "matching weights version"
        verbose_name_plural = "matching weights versions"
        constraints = [
            models.CheckConstraint(
                condition=Q(service_area__gte=0, service_area__lte=1)
                & Q(topics__gte=0, topics__lte=1)
                & Q(region__gte=0, region__lte=1)
                & Q(stage__gte=0, stage__lte=1)
                & Q(capacity__gte=0, capacity__lte=1)
                & Q(recent_stage__gte=0, recent_stage__lte=1),
                name="matching_weights_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return f"Weights version {self.pk}"

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in engine.COMPONENTS}


class MatchRun(models.Model):
    """One computation of suggestions (or of a batch proposal): who or what started it, what it used, how it went."""

    class Kind(models.TextChoices):
        REQUEST = "request", "One request"
        MENTOR = "mentor", "One mentor's requests"
        FULL = "full", "Full rematch"
        BATCH = "batch", "Batch proposal"
        PUBLISH = "publish", "Batch publication"

    class Source(models.TextChoices):
        USER = "user", "A person"
        BEAT = "beat", "Nightly schedule"
        COMMAND = "command", "Command line"
        AUTOMATIC = "automatic", "Automatic (a request or mentor changed)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember({"queued": "grey", "running": "blue", "succeeded": "green", "failed": "red"})

    PHASES = ("blocks", "load", "check", "score", "explain", "assign", "persist", "notify")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.AUTOMATIC)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    request = models.ForeignKey(
        MentoringRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="match_runs"
    )
    mentor = models.ForeignKey(
        "accounts.MentorProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="match_runs"
    )
    weights = models.JSONField(default=dict, blank=True, help_text="The weights the run used.")
    weights_version = models.ForeignKey(
        MatchingWeights, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    phase = models.CharField(max_length=20, blank=True, help_text="The phase a running run is in.")
    request_count = models.PositiveIntegerField(default=0)
    mentor_count = models.PositiveIntegerField(default=0)
    suggestion_count = models.PositiveIntegerField(default=0)
    # The optimal assignment over the run's requests: how many could be introduced at once, and its total score.
    assigned_count = models.PositiveIntegerField(null=True, blank=True)
    assignment_total_score = models.FloatField(null=True, blank=True)
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per phase.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease of a running run (matching/leases.py): renewed while it computes; stale once its worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    # How many times a worker started this run (a run whose worker died is started again, up to a limit).
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    # A full rematch spread over the workers (matching/services/partitions.py): its blocks, and how many are scored.
    blocks_total = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    blocks_done = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # A full run computed in one process leaves digests of its inputs and of the suggestions it left, so that a
    # nightly run that finds both unchanged need not compute again (matching/services/unchanged.py).
    inputs_digest = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    state_digest = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    unchanged_since = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="A nightly run that found nothing changed: the run whose suggestions it kept.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"]), models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} run {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def title(self) -> str:
        """What the pages call the run. A batch run is named as a run, never "Batch proposal N": its number is the
        run's, and the draft it prepares has its own ("Batch proposal 1" is prepared by "Match run 8")."""
        if self.kind == self.Kind.BATCH:
            return f"Match run {self.pk} (batch proposal)"
        return f"{self.get_kind_display()} {self.pk}"


class MatchRunBlock(models.Model):
    """One block of the open requests of a full rematch spread over the workers, and its scored top k once done
    (matching/services/partitions.py). Deleted when the run finishes: only the run's counts are kept."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Being scored"
        DONE = "done", "Scored"

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="blocks")
    index = models.PositiveIntegerField()
    request_ids = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # The block's own lease, renewed while a worker scores it, so a dead block is sent again on its own.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Each claim counts; only the claim holding the latest count may store the result.
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.BinaryField(null=True, blank=True)
    seconds = models.FloatField(default=0.0)
    scored_by = models.CharField(max_length=200, blank=True, help_text="The worker that last claimed the block.")

    class Meta:
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="one_row_per_block_of_a_run")]

    def __str__(self) -> str:
        return f"Block {self.index} of {self.run}"


class Suggestion(models.Model):
    """A mentor the engine ranked for a request. One row per pair, kept when it drops out of the ranking.

    state CURRENT rows are the latest ranking (rank 1 is best); STALE rows are pairs an earlier run suggested.
    declined_at is set when the mentor declined (or never answered) an introduction for this request: the pair is
    excluded from every later run, so a declined pair stays declined.
    """

    class State(models.TextChoices):
        CURRENT = "current", "Current"
        STALE = "stale", "No longer suggested"

    # A full rematch writes about 100,000 rows in one transaction, so this derived table carries little write
    # overhead: few indexes (the unique (request, mentor) index serves lookups by request), and no database-level
    # foreign key checks, which PostgreSQL would run for every row at commit. Django still cascades deletes.
    request = models.ForeignKey(
        MentoringRequest,
        on_delete=models.CASCADE,
        related_name="suggestions",
        db_index=False,
        db_constraint=False,
    )
    mentor = models.ForeignKey(
        "accounts.MentorProfile", on_delete=models.CASCADE, related_name="suggestions", db_constraint=False
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.CURRENT)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.FloatField()
    components = models.JSONField(default=dict, help_text="Each scoring component, 0 to 1, before weighting.")
    reasons = models.JSONField(default=list, help_text="Plain-language reasons shown to the mutual and mentor.")
    run = models.ForeignKey(
        MatchRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        db_index=False,
        db_constraint=False,
        help_text="The run that last changed this row.",
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["request", "rank"]
        constraints = [models.UniqueConstraint(fields=["request", "mentor"], name="one_suggestion_per_pair")]
        indexes = [
            models.Index(
                fields=["request"], condition=Q(declined_at__isnull=False), name="matching_suggestion_declined"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} for {self.request}"


class Introduction(models.Model):
    """A request put to one mentor. The mutual's choices wait QUEUED and are sent one at a time, in order."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting its turn"
        PENDING = "pending", "Waiting for the mentor"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "No reply in time"
        WITHDRAWN = "withdrawn", "Withdrawn"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember(
            {
                "queued": "grey",
                "pending": "blue",
                "accepted": "green",
                "declined": "red",
                "expired": "yellow",
                "withdrawn": "grey",
            }
        )

    class Source(models.TextChoices):
        MUTUAL = "mutual", "The mutual's choice"
        STAFF = "staff", "Introduced by the programme team"
        BATCH = "batch", "Batch proposal"

    OPEN_STATUSES = (Status.QUEUED, Status.PENDING)
    # An introduction in these states rules the pair out of later suggestions for the same request.
    EXCLUDING_STATUSES = (Status.DECLINED, Status.EXPIRED)

    request = models.ForeignKey(MentoringRequest, on_delete=models.CASCADE, related_name="introductions")
    mentor = models.ForeignKey("accounts.MentorProfile", on_delete=models.CASCADE, related_name="introductions")
    preference = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)], help_text="1 is first choice."
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MUTUAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True, help_text="Why this mentor was suggested, when it was sent.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(max_length=2000, blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="Why it was withdrawn or skipped.")

    class Meta:
        ordering = ["request", "preference", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "mentor"], name="one_introduction_per_pair"),
            models.UniqueConstraint(
                fields=["request"], condition=Q(status="pending"), name="one_pending_introduction_per_request"
            ),
            models.CheckConstraint(
                condition=Q(preference__isnull=True) | Q(preference__gte=1, preference__lte=3),
                name="introduction_preference_1_to_3",
            ),
        ]
        indexes = [models.Index(fields=["mentor", "status"])]

    def __str__(self) -> str:
        return f"Introduction of {self.mentor} to {self.request.mutual}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class BatchProposal(models.Model):
    """Staff's draft of introductions for many open requests at once, from the optimal global assignment."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"

        # The GOV.UK tag colour of each status, for {% status_tag %}; a test fails when a status has none.
        TAG_COLOURS = enum.nonmember({"draft": "blue", "published": "green", "discarded": "grey"})

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    run = models.ForeignKey(MatchRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The worker run that publishes it (matching/services/publishing.py), once staff asked for that.
    publish_run = models.ForeignKey(MatchRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    request_count = models.PositiveIntegerField(default=0, help_text="Open requests considered.")
    total_score = models.FloatField(default=0.0)
    greedy_total_score = models.FloatField(default=0.0, help_text="What best-pairs-first would have scored.")
    greedy_assigned = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Batch proposal {self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ProposedPair(models.Model):
    """One request-mentor pair in a batch proposal. Staff may remove pairs while the proposal is a draft."""

    class Outcome(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        REMOVED = "removed", "Removed"
        INTRODUCED = "introduced", "Introduced"
        SKIPPED = "skipped", "Skipped when published"

    proposal = models.ForeignKey(BatchProposal, on_delete=models.CASCADE, related_name="pairs")
    request = models.ForeignKey(MentoringRequest, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey("accounts.MentorProfile", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    components = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PROPOSED)
    outcome_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["proposal", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "request"], name="one_pair_per_request_in_a_proposal")
        ]

    def __str__(self) -> str:
        return f"{self.mentor} for {self.request}"
