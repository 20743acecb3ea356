"""Reads for the ambassadors programme, scoped to what the person may see.

Object pages fetch through these querysets, so another person's application or request is simply not found (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from ambassadors.models import (
    Ambassador,
    Application,
    Cohort,
    EmergingProject,
    Engagement,
    EngagementInvitation,
    EngagementRequest,
    Nomination,
)
from ambassadors.services import LOAD_WINDOW


def open_cohorts() -> QuerySet[Cohort]:
    now = timezone.now()
    return Cohort.objects.filter(applications_open_at__lte=now).filter(
        Q(applications_close_at__isnull=True) | Q(applications_close_at__gt=now)
    )


def applications_for(user: User) -> QuerySet[Application]:
    """The person's own applications. Reviewer notes are deliberately not prefetched here."""
    return Application.objects.filter(applicant=user).select_related("cohort", "region")


def nominations_received_by(user: User) -> QuerySet[Nomination]:
    """Unused nominations addressed to this person's email address."""
    return Nomination.objects.filter(nominee_email__iexact=user.email, completed_at=None).select_related(
        "cohort", "nominated_by"
    )


def nominations_made_by(user: User) -> QuerySet[Nomination]:
    return Nomination.objects.filter(nominated_by=user).select_related("cohort")


def applications_for_review() -> QuerySet[Application]:
    return Application.objects.select_related("applicant", "cohort", "region").prefetch_related("service_areas")


def applications_for_review_in_full() -> QuerySet[Application]:
    """Applications with everything the review page shows (programme team only)."""
    return Application.objects.select_related(
        "applicant", "cohort", "region", "nomination__nominated_by"
    ).prefetch_related("service_areas", "topics", "events__actor", "reviewer_notes__author")


def cohorts_with_counts() -> QuerySet[Cohort]:
    return Cohort.objects.annotate(
        appointed=Count("ambassadors", filter=Q(ambassadors__status=Ambassador.Status.ACTIVE), distinct=True),
    )


def directory_ambassadors() -> QuerySet[Ambassador]:
    """Active ambassadors for the public directory."""
    return (
        Ambassador.objects.filter(status=Ambassador.Status.ACTIVE)
        .select_related("user", "region", "cohort")
        .prefetch_related("service_areas", "topics")
    )


def ambassador_for_user(user: User) -> Ambassador | None:
    if not user.is_authenticated:
        return None
    return Ambassador.objects.filter(user=user).select_related("region", "cohort").first()


def ambassadors_for_matching(today: date | None = None) -> QuerySet[Ambassador]:
    """Active ambassadors with their current load: engagements held in the last 90 days plus open invitations."""
    today = today or timezone.localdate()
    recent = (
        Engagement.objects.filter(ambassador=OuterRef("pk"), held_on__gte=today - LOAD_WINDOW)
        .order_by()
        .values("ambassador")
        .annotate(n=Count("pk"))
        .values("n")
    )
    waiting = (
        EngagementInvitation.objects.filter(
            ambassador=OuterRef("pk"),
            status__in=EngagementInvitation.OPEN_STATUSES,
            request__engagement__isnull=True,
        )
        .order_by()
        .values("ambassador")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Ambassador.objects.filter(status=Ambassador.Status.ACTIVE)
        .select_related("user", "region")
        .prefetch_related("service_areas", "topics")
        .annotate(
            load=Coalesce(Subquery(recent, output_field=IntegerField()), Value(0))
            + Coalesce(Subquery(waiting, output_field=IntegerField()), Value(0))
        )
        .order_by("pk")
    )


def engagement_requests_for(user: User) -> QuerySet[EngagementRequest]:
    """Programme staff see every request; anyone else sees only their own."""
    queryset = EngagementRequest.objects.select_related("region", "service_area", "requested_by")
    if user.is_programme_team:
        return queryset
    return queryset.filter(requested_by=user)


def engagement_requests_in_full_for(user: User) -> QuerySet[EngagementRequest]:
    """The person's engagement requests with everything their page shows."""
    return (
        engagement_requests_for(user)
        .prefetch_related(
            "topics",
            Prefetch("invitations", queryset=EngagementInvitation.objects.select_related("ambassador__user")),
        )
        .select_related("engagement")
    )


def invitations_for(user: User) -> QuerySet[EngagementInvitation]:
    """Invitations addressed to this person as an ambassador."""
    return EngagementInvitation.objects.filter(ambassador__user=user).select_related(
        "request__region", "request__service_area", "request__requested_by", "ambassador"
    )


def requests_to_log_for(user: User) -> QuerySet[EngagementRequest]:
    """Requests this person may log as held: those they accepted as the ambassador, or any for staff."""
    queryset = EngagementRequest.objects.select_related("region", "service_area")
    if user.is_programme_team:
        return queryset
    return queryset.filter(
        invitations__ambassador__user=user, invitations__status=EngagementInvitation.Status.ACCEPTED
    ).distinct()


def engagements_for_staff() -> QuerySet[Engagement]:
    return Engagement.objects.select_related("request__region", "request__service_area", "ambassador__user")


def emerging_projects() -> QuerySet[EmergingProject]:
    return EmergingProject.objects.select_related(
        "mutual__region",
        "mutual__stage",
        "added_by",
        "source_engagement__request",
        "source_engagement__ambassador__user",
    ).prefetch_related("mutual__service_areas")


# --- Reporting ---------------------------------------------------------------------------------------------


@dataclass
class ReportRow:
    label: str
    requested: int = 0
    held: int = 0
    declined: int = 0
    reached: int = 0


@dataclass
class ProgrammeReport:
    by_cohort: list[ReportRow]
    by_ambassador: list[ReportRow]
    by_region_and_service_area: list[ReportRow]


def _invitation_counts(key: str) -> dict[object, tuple[int, int]]:
    rows = (
        EngagementInvitation.objects.exclude(status=EngagementInvitation.Status.CANCELLED)
        .order_by()
        .values(key)
        .annotate(
            requested=Count("pk"),
            declined=Count("pk", filter=Q(status=EngagementInvitation.Status.DECLINED)),
        )
    )
    return {row[key]: (row["requested"], row["declined"]) for row in rows}


def _engagement_counts(key: str) -> dict[object, tuple[int, int]]:
    rows = Engagement.objects.order_by().values(key).annotate(held=Count("pk"), reached=Sum("attendees"))
    return {row[key]: (row["held"], row["reached"] or 0) for row in rows}


def programme_report() -> ProgrammeReport:
    """Engagements requested (invitations made), held and declined, and people reached, three ways.

    A fixed number of grouped queries whatever the number of rows: per cohort, per ambassador, and per region and
    service area of the request (where "requested" counts the requests themselves).
    """
    by_cohort: list[ReportRow] = []
    invited = _invitation_counts("ambassador__cohort_id")
    held = _engagement_counts("ambassador__cohort_id")
    for cohort in Cohort.objects.order_by("-starts_on", "name"):
        requested, declined = invited.get(cohort.pk, (0, 0))
        held_count, reached = held.get(cohort.pk, (0, 0))
        by_cohort.append(ReportRow(cohort.name, requested, held_count, declined, reached))

    by_ambassador: list[ReportRow] = []
    invited = _invitation_counts("ambassador_id")
    held = _engagement_counts("ambassador_id")
    for ambassador in Ambassador.objects.select_related("user", "cohort"):
        requested, declined = invited.get(ambassador.pk, (0, 0))
        held_count, reached = held.get(ambassador.pk, (0, 0))
        label = f"{ambassador} ({ambassador.cohort.name})"
        by_ambassador.append(ReportRow(label, requested, held_count, declined, reached))

    requests = (
        EngagementRequest.objects.order_by()
        .values("region__name", "service_area__name")
        .annotate(
            requested=Count("pk", distinct=True),
            held=Count("engagement", distinct=True),
            reached=Sum("engagement__attendees"),
        )
    )
    declined_rows = (
        EngagementInvitation.objects.filter(status=EngagementInvitation.Status.DECLINED)
        .order_by()
        .values("request__region__name", "request__service_area__name")
        .annotate(declined=Count("pk"))
    )
    declined_by_pair = {
        (row["request__region__name"], row["request__service_area__name"]): row["declined"] for row in declined_rows
    }
    by_place = [
        ReportRow(
            f"{row['region__name']}: {row['service_area__name']}",
            row["requested"],
            row["held"],
            declined_by_pair.get((row["region__name"], row["service_area__name"]), 0),
            row["reached"] or 0,
        )
        for row in requests
    ]
    by_place.sort(key=lambda row: row.label)
    return ProgrammeReport(by_cohort, by_ambassador, by_place)
