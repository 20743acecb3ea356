"""Programme-wide figures for the programme team. Read-only, aggregate queries: the count of queries does not
depend on the number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from accounts.models import MentorProfile, Mutual, Region, ServiceArea, Stage
from ambassadors.models import Ambassador, Application, EmergingProject, EngagementRequest
from matching.models import MentoringRequest
from messaging.models import Feedback, Relationship
from notifications import selectors as notification_selectors
from programme.trends import TrendFilter


def _by_status(queryset: QuerySet, choices: type) -> dict[str, int]:  # type: ignore[type-arg]
    counts = {row["status"]: row["n"] for row in queryset.values("status").annotate(n=Count("pk")).order_by()}
    return {value: counts.get(value, 0) for value in choices.values}  # type: ignore[attr-defined]


@dataclass
class Overview:
    mentors: dict[str, int]
    mentors_available: int
    mentors_paused: int
    mutuals_total: int
    mutuals_listed: int
    mutuals_by_stage: list[tuple[Stage, int]]
    requests: dict[str, int]
    relationships: dict[str, int]
    relationships_at_risk: int
    average_rating: float | None
    ambassadors_active: int
    applications: dict[str, int]
    engagement_requests: dict[str, int]
    emerging_projects: int
    emails_failed: int


def overview(today: date | None = None) -> Overview:
    today = today or timezone.localdate()
    mentors = MentorProfile.objects.aggregate(
        available=Count(
            "pk",
            filter=Q(status=MentorProfile.Status.APPROVED)
            & (Q(paused_until__isnull=True) | Q(paused_until__lte=today)),
        ),
        paused=Count("pk", filter=Q(paused_until__gt=today)),
    )
    stages = {row["stage"]: row["n"] for row in Mutual.objects.values("stage").annotate(n=Count("pk")).order_by()}
    mutual_counts = Mutual.objects.aggregate(total=Count("pk"), listed=Count("pk", filter=Q(listed_publicly=True)))
    return Overview(
        mentors=_by_status(MentorProfile.objects.all(), MentorProfile.Status),
        mentors_available=mentors["available"],
        mentors_paused=mentors["paused"],
        mutuals_total=mutual_counts["total"],
        mutuals_listed=mutual_counts["listed"],
        mutuals_by_stage=[(stage, stages.get(stage.pk, 0)) for stage in Stage.objects.all()],
        requests=_by_status(MentoringRequest.objects.all(), MentoringRequest.Status),
        relationships=_by_status(Relationship.objects.all(), Relationship.Status),
        relationships_at_risk=Relationship.objects.filter(
            status=Relationship.Status.ACTIVE, at_risk_since__isnull=False
        ).count(),
        average_rating=Feedback.objects.aggregate(avg=Avg("rating"))["avg"],
        ambassadors_active=Ambassador.objects.filter(status=Ambassador.Status.ACTIVE).count(),
        applications=_by_status(Application.objects.all(), Application.Status),
        engagement_requests=_by_status(EngagementRequest.objects.all(), EngagementRequest.Status),
        emerging_projects=EmergingProject.objects.count(),
        emails_failed=notification_selectors.failed_email_count(),
    )


@dataclass
class ReportRow:
    label: str
    mutuals: int = 0
    mentors_approved: int = 0
    requests: int = 0
    requests_matched: int = 0
    relationships_active: int = 0
    relationships_completed: int = 0
    relationships_ended_early: int = 0


@dataclass
class ProgrammeReport:
    by_region: list[ReportRow] = field(default_factory=list)
    by_service_area: list[ReportRow] = field(default_factory=list)


def _fill(rows: dict[int, ReportRow], key_field: str, attribute: str, queryset: QuerySet) -> None:  # type: ignore[type-arg]
    for row in queryset.values(key_field).annotate(n=Count("pk", distinct=True)).order_by():
        if row[key_field] in rows:
            setattr(rows[row[key_field]], attribute, row["n"])


def programme_report(trend: TrendFilter | None = None) -> ProgrammeReport:
    """Mutuals, mentors, requests and relationships broken down by region and by service area.

    A mutual or mentor with several service areas counts once in each of them. With a filter (the page's), requests
    count when made in the period and relationships when started in it; all of them, mutuals and mentors are
    narrowed to the region and service area chosen. Mutuals and mentors are counted as they are today.
    """
    mutuals = Mutual.objects.all()
    approved = MentorProfile.objects.filter(status=MentorProfile.Status.APPROVED)
    requests = MentoringRequest.objects.all()
    relationships = Relationship.objects.all()
    if trend is not None:
        requests = requests.filter(trend.requests(), created_at__gte=trend.start_at, created_at__lt=trend.end_at)
        relationships = relationships.filter(
            trend.requests("request__"), started_at__gte=trend.start_at, started_at__lt=trend.end_at
        )
        if trend.region is not None:
            mutuals, approved = mutuals.filter(region=trend.region), approved.filter(region=trend.region)
        if trend.service_area is not None:
            mutuals = mutuals.filter(service_areas=trend.service_area)
            approved = approved.filter(service_areas=trend.service_area)
    matched = requests.filter(status=MentoringRequest.Status.MATCHED)
    active = relationships.filter(status__in=Relationship.OPEN_STATUSES)
    completed = relationships.filter(status=Relationship.Status.COMPLETED)
    ended = relationships.filter(status=Relationship.Status.ENDED_EARLY)

    regions = {region.pk: ReportRow(region.name) for region in Region.objects.all()}
    _fill(regions, "region", "mutuals", mutuals)
    _fill(regions, "region", "mentors_approved", approved)
    _fill(regions, "mutual__region", "requests", requests)
    _fill(regions, "mutual__region", "requests_matched", matched)
    _fill(regions, "mutual__region", "relationships_active", active)
    _fill(regions, "mutual__region", "relationships_completed", completed)
    _fill(regions, "mutual__region", "relationships_ended_early", ended)

    areas = {area.pk: ReportRow(area.name) for area in ServiceArea.objects.all()}
    _fill(areas, "service_areas", "mutuals", mutuals)
    _fill(areas, "service_areas", "mentors_approved", approved)
    _fill(areas, "service_area", "requests", requests)
    _fill(areas, "service_area", "requests_matched", matched)
    _fill(areas, "request__service_area", "relationships_active", active)
    _fill(areas, "request__service_area", "relationships_completed", completed)
    _fill(areas, "request__service_area", "relationships_ended_early", ended)
    return ProgrammeReport(by_region=list(regions.values()), by_service_area=list(areas.values()))
