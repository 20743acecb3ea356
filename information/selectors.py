"""Reads for the information service's pages, each with the joins its page needs so that the number of queries
does not grow with the rows. The public sees published pages only; everything else is for the programme team,
whose views are behind programme_team_required."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Mutual, Stage, User
from information.models import CaseStudy, Enquiry, EnquiryInvitation, GuideTask, ReadinessResult, Resource
from messaging.models import Feedback, Relationship

RELATED_LIMIT = 5
GUIDE_RESOURCES_PER_STEP = 5
# A page whose review falls due within this many days is listed as "due soon".
REVIEW_WARNING_DAYS = 30


# --- Guidance pages ---------------------------------------------------------------------------------------


def published_resources() -> QuerySet[Resource]:
    return Resource.objects.filter(status=Resource.Status.PUBLISHED)


def resource_list(queryset: QuerySet[Resource]) -> QuerySet[Resource]:
    """A page of results shows each resource's topics: fetched for the whole page at once."""
    return queryset.prefetch_related("topics").defer("body", "search_vector")


def resource_in_full(queryset: QuerySet[Resource]) -> QuerySet[Resource]:
    return queryset.select_related("owner").prefetch_related("topics", "service_areas", "stages").defer("search_vector")


def related_resources(
    *, topic_ids: Iterable[int], stage_id: int | None = None, exclude: int | None = None, limit: int = RELATED_LIMIT
) -> list[Resource]:
    """Published pages on any of these topics: those for this stage first, then those sharing the most topics."""
    topic_ids = list(topic_ids)
    if not topic_ids:
        return []
    queryset = (
        published_resources()
        .filter(topics__in=topic_ids)
        .annotate(shared=Count("topics", filter=Q(topics__in=topic_ids), distinct=True))
        .defer("body", "search_vector")
    )
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    ordering = ["-shared", "title"]
    if stage_id is not None:
        at_stage = Resource.stages.through.objects.filter(resource=OuterRef("pk"), stage_id=stage_id)
        queryset = queryset.annotate(at_stage=Exists(at_stage))
        ordering.insert(0, "-at_stage")
    return list(queryset.order_by(*ordering)[:limit])


def guide_steps() -> list[Stage]:
    """The five steps of the guide, each with its tasks, its first few published pages and how many there are."""
    top = published_resources().defer("body", "search_vector").order_by("title")[:GUIDE_RESOURCES_PER_STEP]
    return list(
        Stage.objects.filter(guide_step__isnull=False)
        .order_by("guide_step")
        .annotate(
            resource_count=Count("resources", filter=Q(resources__status=Resource.Status.PUBLISHED), distinct=True)
        )
        .prefetch_related(
            Prefetch("guide_tasks", queryset=GuideTask.objects.select_related("resource"), to_attr="tasks"),
            Prefetch("resources", queryset=top, to_attr="top_resources"),
        )
    )


def resources_for_staff() -> QuerySet[Resource]:
    return Resource.objects.select_related("owner").defer("body", "search_vector").order_by("title")


@dataclass(frozen=True)
class ReviewList:
    overdue: list[Resource]
    due_soon: list[Resource]
    due_before: date  # reviewed before this: overdue


def review_due_before(today: date | None = None) -> date:
    today = today or timezone.localdate()
    months = settings.RESOURCE_REVIEW_MONTHS
    year, month = divmod(today.month - 1 - months, 12)
    # The same day N months ago (the last day of that month when it is shorter).
    for day in range(today.day, 0, -1):
        try:
            return date(today.year + year, month + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def resources_due_for_review(today: date | None = None) -> ReviewList:
    """Pages last reviewed RESOURCE_REVIEW_MONTHS ago or more (overdue), and those due in the next 30 days."""
    due_before = review_due_before(today)
    soon = due_before + timedelta(days=REVIEW_WARNING_DAYS)
    rows = list(resources_for_staff().filter(reviewed_on__lt=soon).order_by("reviewed_on", "title"))
    return ReviewList(
        overdue=[row for row in rows if row.reviewed_on < due_before],
        due_soon=[row for row in rows if row.reviewed_on >= due_before],
        due_before=due_before,
    )


# --- Case studies -----------------------------------------------------------------------------------------


def published_case_studies() -> QuerySet[CaseStudy]:
    return (
        CaseStudy.objects.filter(status=CaseStudy.Status.PUBLISHED)
        .select_related("service_area", "region", "stage_reached")
        .order_by("-published_at", "pk")
    )


def case_study_in_full(queryset: QuerySet[CaseStudy]) -> QuerySet[CaseStudy]:
    return queryset.select_related(
        "service_area", "region", "stage_reached", "consent_recorded_by", "mutual"
    ).prefetch_related("topics")


def case_studies_for_staff() -> QuerySet[CaseStudy]:
    return CaseStudy.objects.select_related("service_area", "region", "stage_reached").order_by("-created_at", "-pk")


def case_study_candidates() -> QuerySet[Relationship]:
    """Completed relationships with closing feedback that no case study has been drafted from yet."""
    drafted = CaseStudy.objects.filter(source_relationship=OuterRef("pk"))
    return (
        Relationship.objects.filter(status=Relationship.Status.COMPLETED)
        .filter(Exists(Feedback.objects.filter(relationship=OuterRef("pk"))))
        .exclude(Exists(drafted))
        .select_related("mutual", "mentor__user", "request")
        .order_by("-ended_at", "-pk")
    )


# --- Enquiries --------------------------------------------------------------------------------------------


def triage_queue(now: datetime | None = None) -> QuerySet[Enquiry]:
    """Every enquiry for the queue's table, each marked `overdue` or not: the soonest due first (so the overdue
    lead), then the newest."""
    overdue = Q(status__in=Enquiry.AWAITING_RESPONSE, respond_by__lt=now or timezone.now())
    return (
        Enquiry.objects.select_related("assigned_to", "service_area", "region")
        .annotate(overdue=ExpressionWrapper(overdue, output_field=BooleanField()))
        .only(
            "pk",
            "reference",
            "kind",
            "name",
            "email",
            "organisation",
            "role",
            "status",
            "created_at",
            "respond_by",
            "first_response_at",
            "closed_at",
            "assigned_to__email",
            "assigned_to__full_name",
            "service_area__name",
            "region__name",
        )
        .order_by(F("respond_by").asc(nulls_last=True), "-created_at", "-pk")
    )


@dataclass(frozen=True)
class QueueCounts:
    new: int
    overdue: int
    mine: int
    open: int


def queue_counts(user: User, now: datetime | None = None) -> QueueCounts:
    now = now or timezone.now()
    awaiting = Q(status__in=Enquiry.AWAITING_RESPONSE)
    counts = Enquiry.objects.filter(status__in=Enquiry.OPEN_STATUSES).aggregate(
        new=Count("pk", filter=Q(status=Enquiry.Status.NEW)),
        overdue=Count("pk", filter=awaiting & Q(respond_by__lt=now)),
        mine=Count("pk", filter=Q(assigned_to=user)),
        open=Count("pk"),
    )
    return QueueCounts(**counts)


def enquiry_for_staff(pk: int) -> Enquiry:
    return (
        Enquiry.objects.select_related("assigned_to", "closed_by", "service_area", "region", "topic")
        .prefetch_related(
            "replies__author",
            Prefetch("invitations", queryset=EnquiryInvitation.objects.select_related("created_by", "accepted_by")),
        )
        .get(pk=pk)
    )


def programme_team() -> QuerySet[User]:
    return User.objects.filter(is_programme_team=True, is_active=True).order_by("full_name", "email")


def enquiries_from(addresses: Iterable[str]) -> QuerySet[Enquiry]:
    """Enquiries sent from any of these addresses (case does not matter)."""
    condition = Q(pk__in=[])
    for address in addresses:
        condition |= Q(email__iexact=address)
    return Enquiry.objects.filter(condition)


def invitation_by_token(token: str) -> EnquiryInvitation:
    return EnquiryInvitation.objects.select_related("enquiry__service_area", "enquiry__region", "enquiry__topic").get(
        token=token
    )


# --- Readiness --------------------------------------------------------------------------------------------


def readiness_results_of(mutual: Mutual) -> QuerySet[ReadinessResult]:
    return ReadinessResult.objects.filter(mutual=mutual).select_related("saved_by")
