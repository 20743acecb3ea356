"""Trends for the programme dashboard and the whole-programme report: what was asked for, how quickly and how often
it was matched, where demand outruns the mentors who can help, and what mentoring achieved.

Every function takes the same TrendFilter (dates and optional region / service area, from the page's filter form), so
the charts, their tables and the CSV export always agree. A fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.fields import GovukDateField
from accounts.form_messages import GovukForm
from accounts.models import MentorProfile, Region, ServiceArea, SupportTopic
from ambassadors.models import Ambassador, Engagement
from matching.models import Introduction, MentoringRequest
from messaging.models import Relationship
from outcomes import selectors as outcome_selectors
from programme.charts import Chart, bar_chart

DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class TrendFilter:
    start: date
    end: date
    region: Region | None = None
    service_area: ServiceArea | None = None

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        """Exclusive: the start of the day after `end`."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def months(self) -> list[date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months

    def requests(self, prefix: str = "") -> Q:
        """Narrows rows by the request's mutual's region and the request's service area."""
        condition = Q()
        if self.region is not None:
            condition &= Q(**{f"{prefix}mutual__region": self.region})
        if self.service_area is not None:
            condition &= Q(**{f"{prefix}service_area": self.service_area})
        return condition

    def query_string(self) -> str:
        """The filter as the form's own fields (the date input's three boxes), for links such as the CSV."""
        query: dict[str, object] = {}
        for name, value in (("start", self.start), ("end", self.end)):
            query |= {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}
        if self.region is not None:
            query["region"] = self.region.pk
        if self.service_area is not None:
            query["service_area"] = self.service_area.pk
        return urlencode(query)


class TrendFilterForm(GovukForm):
    start = GovukDateField(
        label="From", noun="the start of the period", required=False, help_text="For example, 1 1 2026"
    )
    end = GovukDateField(label="To", noun="the end of the period", required=False, help_text="For example, 31 12 2026")
    region = forms.ModelChoiceField(queryset=Region.objects.all(), required=False, empty_label="All regions")
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.all(), required=False, empty_label="All service areas"
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("end", "The end of the period must be on or after its start")
        return data

    def trend_filter(self) -> TrendFilter:
        """The filter the form describes; the last 12 months for anything missing or invalid."""
        today = timezone.localdate()
        default_start = (today.replace(day=1) - timedelta(days=31 * (DEFAULT_MONTHS - 1))).replace(day=1)
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return TrendFilter(
            start=data.get("start") or default_start,
            end=data.get("end") or today,
            region=data.get("region"),
            service_area=data.get("service_area"),
        )


def _per_month(queryset: QuerySet, field: str, trend: TrendFilter) -> list[int]:  # type: ignore[type-arg]
    rows = (
        queryset.filter(**{f"{field}__gte": trend.start_at, f"{field}__lt": trend.end_at})
        .annotate(month=TruncMonth(field))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {
        timezone.localtime(row["month"]).date() if isinstance(row["month"], datetime) else row["month"]: row["n"]
        for row in rows
    }
    return [counts.get(month, 0) for month in trend.months()]


@dataclass(frozen=True)
class Durations:
    label: str
    count: int
    median_days: float | None
    p90_days: float | None


def _durations(label: str, days: list[float]) -> Durations:
    if not days:
        return Durations(label, 0, None, None)
    ordered = sorted(days)
    p90 = ordered[min(len(ordered) - 1, max(0, round(0.9 * len(ordered)) - 1))]
    return Durations(label, len(ordered), round(statistics.median(ordered), 1), round(p90, 1))


@dataclass
class Trends:
    filter: TrendFilter
    month_labels: list[str]
    requests: list[int]
    introductions: list[int]
    relationships: list[int]
    time_to_introduction: Durations
    time_to_match: Durations
    requests_in_period: int
    requests_matched: int
    gap_by_region: GapGrid  # topics asked for against mentors with spare places, region by region

    @property
    def gap(self) -> list[tuple[str, int, int]]:
        """Topic, open requests asking for it, approved mentors with spare places (all the regions chosen)."""
        return self.gap_by_region.totals()

    outcomes: outcome_selectors.OutcomeSummary
    engagements: list[int]  # ambassador engagements held per month
    engagement_capacity: float  # what today's active ambassadors offer a month (a third of their quarterly places)

    @property
    def match_rate(self) -> float | None:
        return round(100 * self.requests_matched / self.requests_in_period, 1) if self.requests_in_period else None

    def charts(self) -> list[Chart]:
        total = sum(self.requests)
        activity = bar_chart(
            chart_id="chart-activity",
            title="Requests, introductions and relationships started per month",
            categories=self.month_labels,
            series={
                "Requests": [float(v) for v in self.requests],
                "Introductions sent": [float(v) for v in self.introductions],
                "Relationships started": [float(v) for v in self.relationships],
            },
            summary=(
                f"{total} request{'s' if total != 1 else ''}, {sum(self.introductions)} introductions sent and "
                f"{sum(self.relationships)} relationships started between {self.filter.start:%-d %B %Y} and "
                f"{self.filter.end:%-d %B %Y}."
            ),
        )
        waits = [self.time_to_introduction, self.time_to_match]
        speed = bar_chart(
            chart_id="chart-speed",
            title="Days from request to first introduction and to match",
            categories=[wait.label for wait in waits],
            series={
                "Median": [wait.median_days or 0.0 for wait in waits],
                "90th percentile": [wait.p90_days or 0.0 for wait in waits],
            },
            unit=" days",
            summary=" ".join(
                f"{wait.label}: median {wait.median_days} days, 90th percentile {wait.p90_days} days "
                f"({wait.count} requests)."
                if wait.count
                else f"{wait.label}: no requests in the period yet."
                for wait in waits
            )
            + (
                f" Match rate: {self.match_rate}% of {self.requests_in_period} requests."
                if self.match_rate is not None
                else ""
            ),
        )
        widest = max(self.gap, key=lambda row: row[1] - row[2], default=None)
        gap = bar_chart(
            chart_id="chart-gap",
            title="Topics asked for against approved mentors with spare places",
            categories=[row[0] for row in self.gap],
            series={
                "Open requests asking": [float(row[1]) for row in self.gap],
                "Mentors with spare places": [float(row[2]) for row in self.gap],
            },
            summary=(
                f"The widest gap is {widest[0]}: {widest[1]} open requests ask for it and {widest[2]} approved "
                "mentors with spare places offer it."
                if widest is not None and widest[1] > widest[2]
                else "Every topic asked for has at least as many approved mentors with spare places as open requests."
            ),
        )
        summary = self.outcomes
        outcomes = bar_chart(
            chart_id="chart-outcomes",
            title="Outcomes reported in closing surveys",
            categories=["Spun out or launched", "Contract won or renewed", "Staff transferred", "Moved on a stage"],
            series={
                "People reporting it": [
                    float(summary.spun_out),
                    float(summary.contract_won),
                    float(summary.staff_transferred),
                    float(summary.stage_moved),
                ]
            },
            summary=(
                f"{summary.closings_answered} of {summary.closings_sent} outcome surveys answered; "
                f"{summary.pulses_answered} of {summary.pulses_sent} pulse surveys, average usefulness "
                f"{summary.usefulness:.1f} out of 5."
                if summary.usefulness is not None
                else f"{summary.closings_answered} of {summary.closings_sent} outcome surveys answered."
            ),
        )
        held = sum(self.engagements)
        ambassadors = bar_chart(
            chart_id="chart-ambassadors",
            title="Ambassador engagements held per month against capacity",
            categories=self.month_labels,
            series={
                "Engagements held": [float(v) for v in self.engagements],
                "Capacity of active ambassadors": [self.engagement_capacity for _ in self.engagements],
            },
            summary=(
                f"{held} engagement{'s' if held != 1 else ''} held in the period; today's active ambassadors can "
                f"take on about {self.engagement_capacity:g} a month."
            ),
        )
        return [activity, speed, gap, outcomes, ambassadors]


def trends(trend: TrendFilter) -> Trends:
    requests = MentoringRequest.objects.filter(trend.requests())
    introductions = Introduction.objects.filter(trend.requests("request__"), sent_at__isnull=False)
    relationships = Relationship.objects.filter(trend.requests("request__"))
    in_period = requests.filter(created_at__gte=trend.start_at, created_at__lt=trend.end_at)
    # One row per request in the period (the annotation groups by request), so its length is their number. The
    # database subtracts the dates: an interval a row loads several times faster than two timestamps with time zones
    # (at 10,000 requests this was a third of the programme dashboard's CPU time).
    timings = list(
        in_period.annotate(
            to_introduction=Min("introductions__sent_at") - F("created_at"),
            to_match=Min("relationships__started_at") - F("created_at"),
        ).values_list("to_introduction", "to_match")
    )
    to_introduction = [waited.total_seconds() / 86400 for waited, _ in timings if waited is not None]
    to_match = [waited.total_seconds() / 86400 for _, waited in timings if waited is not None]
    return Trends(
        filter=trend,
        month_labels=[f"{month:%b %Y}" for month in trend.months()],
        requests=_per_month(requests, "created_at", trend),
        introductions=_per_month(introductions, "sent_at", trend),
        relationships=_per_month(relationships, "started_at", trend),
        time_to_introduction=_durations("To first introduction", to_introduction),
        time_to_match=_durations("To match", to_match),
        requests_in_period=len(timings),
        requests_matched=len(to_match),
        gap_by_region=gap_grid(trend),
        outcomes=outcome_selectors.outcome_summary(trend.start, trend.end),
        engagements=_engagements_per_month(trend),
        engagement_capacity=_engagement_capacity(trend),
    )


def _engagements_per_month(trend: TrendFilter) -> list[int]:
    held = Engagement.objects.filter(held_on__gte=trend.start, held_on__lte=trend.end)
    if trend.region is not None:
        held = held.filter(request__region=trend.region)
    if trend.service_area is not None:
        held = held.filter(request__service_area=trend.service_area)
    rows = held.annotate(month=TruncMonth("held_on")).values("month").annotate(n=Count("pk")).order_by()
    counts = {row["month"]: row["n"] for row in rows}
    return [counts.get(month, 0) for month in trend.months()]


def _engagement_capacity(trend: TrendFilter) -> float:
    active = Ambassador.objects.filter(status=Ambassador.Status.ACTIVE)
    if trend.region is not None:
        active = active.filter(region=trend.region)
    if trend.service_area is not None:
        active = active.filter(service_areas=trend.service_area)
    quarterly = active.aggregate(places=Sum("engagements_per_quarter"))["places"] or 0
    return round(quarterly / 3, 1)


@dataclass(frozen=True)
class GapCell:
    asked: int  # requests still waiting that ask for the topic, from mutuals in the region
    spare: int  # approved, unpaused mentors in the region with a spare place who offer the topic

    @property
    def shortfall(self) -> int:
        return max(0, self.asked - self.spare)


@dataclass(frozen=True)
class GapGrid:
    """The gap by region (rows) and topic (columns): only topics and regions with something asked or offered."""

    topics: list[str]
    rows: list[tuple[str, list[GapCell]]]

    def totals(self) -> list[tuple[str, int, int]]:
        """Per topic, summed over the regions: the gap chart's rows (each request and mentor is in one region)."""
        return [
            (topic, sum(cells[i].asked for _, cells in self.rows), sum(cells[i].spare for _, cells in self.rows))
            for i, topic in enumerate(self.topics)
        ]

    @property
    def shortfalls(self) -> list[tuple[str, str, GapCell]]:
        """(region, topic, cell) for every cell where more ask than can help, the largest shortfall first."""
        found = [
            (region, topic, cell)
            for region, cells in self.rows
            for topic, cell in zip(self.topics, cells, strict=True)
            if cell.shortfall
        ]
        return sorted(found, key=lambda item: -item[2].shortfall)

    def summary(self) -> str:
        shortfalls = self.shortfalls
        if not self.rows:
            return "No open requests ask for a topic, and no mentors with spare places, for these filters."
        if not shortfalls:
            return "In every region, each topic asked for has at least as many mentors with spare places as requests."
        region, topic, cell = shortfalls[0]
        cells = len(shortfalls)
        return (
            f"{cells} region and topic pair{'s' if cells != 1 else ''} {'have' if cells != 1 else 'has'} more "
            f"requests than mentors with spare places. The largest shortfall is {topic} in {region}: {cell.asked} "
            f"asked, {cell.spare} mentor{'s' if cell.spare != 1 else ''} with spare places."
        )


def _label(topic: SupportTopic) -> str:
    return topic.label[:1].upper() + topic.label[1:]


def gap_grid(trend: TrendFilter) -> GapGrid:
    """Topics asked for against approved mentors with spare places, by region (the gap), in four queries.

    Asked: requests made by the end of the period that are still waiting (open, introduced or needing attention),
    from mutuals in the region, in the service area chosen. Offered: approved, unpaused mentors in the region with a
    spare place today, with that service area. A request or mentor with several topics counts under each."""
    today = timezone.localdate()
    waiting = [
        MentoringRequest.Status.OPEN,
        MentoringRequest.Status.INTRODUCED,
        MentoringRequest.Status.NEEDS_ATTENTION,
    ]
    open_requests = MentoringRequest.objects.filter(trend.requests(), status__in=waiting, created_at__lt=trend.end_at)
    demand = {
        (region_id, topic_id): n
        for region_id, topic_id, n in open_requests.values("mutual__region", "topics")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
        .values_list("mutual__region", "topics", "n")
    }
    mentors = MentorProfile.objects.filter(
        status=MentorProfile.Status.APPROVED, active_mentees__lt=F("capacity")
    ).filter(Q(paused_until__isnull=True) | Q(paused_until__lte=today))
    if trend.region is not None:
        mentors = mentors.filter(region=trend.region)
    if trend.service_area is not None:
        mentors = mentors.filter(service_areas=trend.service_area)
    supply = {
        (region_id, topic_id): n
        for region_id, topic_id, n in mentors.values("region", "topics")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
        .values_list("region", "topics", "n")
    }
    seen = set(demand) | set(supply)
    topics = [topic for topic in SupportTopic.objects.filter(is_active=True) if any(t == topic.pk for _, t in seen)]
    regions = [region for region in Region.objects.all() if any(r == region.pk for r, _ in seen)]
    return GapGrid(
        topics=[_label(topic) for topic in topics],
        rows=[
            (
                region.name,
                [
                    GapCell(demand.get((region.pk, topic.pk), 0), supply.get((region.pk, topic.pk), 0))
                    for topic in topics
                ],
            )
            for region in regions
        ],
    )


def topic_gap(trend: TrendFilter) -> list[tuple[str, int, int]]:
    """Per topic: requests still waiting that ask for it against mentors with spare places who offer it (gap_grid,
    summed over the regions)."""
    return gap_grid(trend).totals()
