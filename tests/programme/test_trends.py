"""Trend charts on the programme dashboard and report: accessible SVG with a summary and a table, the filters, and
the CSV that follows them."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, User
from matching.models import Introduction, MentoringRequest
from programme import charts, trends
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory, MutualFactory, region, service_area, topic
from tests.forms import date_input
from tests.matching.factories import MentoringRequestFactory
from tests.messaging.factories import RelationshipFactory


def test_bars_are_scaled_to_a_readable_axis() -> None:
    chart = charts.bar_chart(
        chart_id="c", title="T", categories=["a", "b"], series={"S": [4.0, 8.0]}, summary="Four then eight."
    )
    first, second = chart.bars
    assert second.height == pytest.approx(first.height * 2)
    assert [tick.label for tick in chart.y_ticks] == ["0", "2.5", "5", "7.5", "10"]
    assert chart.rows == [("a", [4.0]), ("b", [8.0])]
    assert "S, b: 8" in second.title


def test_an_empty_chart_has_no_bars_but_keeps_its_summary() -> None:
    chart = charts.bar_chart(chart_id="c", title="T", categories=["a"], series={"S": [0.0]}, summary="Nothing yet.")
    assert chart.is_empty and chart.summary == "Nothing yet."


def _requested(days_ago: int, *, in_region: str = "north-west", introduced_after: float | None = None,
               matched_after: float | None = None) -> MentoringRequest:  # fmt: skip
    mutual = MutualFactory(region=region(in_region))
    request = MentoringRequestFactory(mutual=mutual, topics=[topic("pensions")])
    created = timezone.now() - timedelta(days=days_ago)
    MentoringRequest.objects.filter(pk=request.pk).update(created_at=created)
    mentor = MentorProfileFactory(status=MentorProfile.Status.APPROVED)
    if introduced_after is not None:
        Introduction.objects.create(
            request=request,
            mentor=mentor,
            preference=1,
            status=Introduction.Status.ACCEPTED,
            sent_at=created + timedelta(days=introduced_after),
        )
    if matched_after is not None:
        RelationshipFactory(
            mentor=mentor, mutual=mutual, request=request, started_at=created + timedelta(days=matched_after)
        )
    return request


@pytest.mark.django_db
def test_trends_measure_speed_and_match_rate_and_follow_the_region_filter() -> None:
    _requested(40, introduced_after=2, matched_after=5)
    _requested(30, introduced_after=4, matched_after=9)
    _requested(20, introduced_after=10)
    _requested(10, in_region="london")
    today = timezone.localdate()
    everywhere = trends.trends(trends.TrendFilter(start=today - timedelta(days=60), end=today))

    assert everywhere.requests_in_period == 4
    assert (everywhere.time_to_introduction.median_days, everywhere.time_to_introduction.p90_days) == (4.0, 10.0)
    assert (everywhere.time_to_match.median_days, everywhere.time_to_match.count) == (7.0, 2)
    assert everywhere.match_rate == 50.0
    assert sum(everywhere.requests) == 4 and sum(everywhere.relationships) == 2

    london = trends.trends(trends.TrendFilter(start=today - timedelta(days=60), end=today, region=region("london")))
    assert london.requests_in_period == 1 and london.match_rate == 0.0


@pytest.mark.django_db
def test_the_gap_sets_topics_asked_for_against_mentors_with_spare_places() -> None:
    _requested(5)
    _requested(6)
    MentorProfileFactory(status=MentorProfile.Status.APPROVED, topics=[topic("pensions")], capacity=2, active_mentees=1)
    MentorProfileFactory(status=MentorProfile.Status.APPROVED, topics=[topic("pensions")], capacity=1, active_mentees=1)
    today = timezone.localdate()

    gap = dict((name, (asked, spare)) for name, asked, spare in trends.topic_gap(trends.TrendFilter(today, today)))

    assert gap["Pensions"] == (2, 1)


@pytest.mark.django_db
def test_the_dashboard_shows_accessible_charts_with_summaries_and_tables(staff: User, client_for: ClientFor) -> None:
    _requested(15, introduced_after=1, matched_after=3)

    page = client_for(staff).get(reverse("programme:dashboard")).content.decode()

    # Four charts; the outcomes one has no answers yet, so it shows its summary and table but no empty drawing.
    assert page.count('role="img"') == 3
    assert "0 of 0 outcome surveys answered" in page
    assert "Requests, introductions and relationships started per month" in page
    assert "Show the data as a table" in page
    assert "1 request, 1 introductions sent and 1 relationships started" in page
    # No inline styles or scripts: the content security policy allows neither.
    assert not re.search(r"\sstyle=", page)
    svg = page[page.index('<svg class="app-chart__svg"') :]
    assert "<script" not in svg[: svg.index("</svg>")]


@pytest.mark.django_db
def test_a_bad_date_says_what_to_do_and_falls_back_to_the_last_year(staff: User, client_for: ClientFor) -> None:
    response = client_for(staff).get(reverse("programme:report"), date_input("start", ("45", "13", "2026")))

    assert response.status_code == 200
    assert "The start of the period must be a real date" in response.content.decode()
    assert response.context["trends"].filter.end == timezone.localdate()


@pytest.mark.django_db
def test_the_csv_export_follows_the_filters(staff: User, client_for: ClientFor) -> None:
    _requested(10, in_region="london")
    _requested(10, in_region="north-west")
    first = timezone.localdate() - timedelta(days=30)
    start = first.isoformat()
    query = {**date_input("start", first), **date_input("end", timezone.localdate()), "region": region("london").pk}

    body = client_for(staff).get(reverse("programme:report_csv"), query).content.decode()

    rows = list(csv.reader(io.StringIO(body)))
    assert ["Trends filter", f"{start} to {date.today().isoformat()}", "London", "All service areas"] in rows
    monthly = [
        row for row in rows if row[0] == "Requests, introductions and relationships started per month" and row[1]
    ]
    assert sum(float(row[2]) for row in monthly) == 1  # the North West request is left out
    # The breakdown tables follow the same filter: the North West request is not counted there either.
    by_region = {row[1]: row for row in rows if row[0] == "Region"}
    assert (by_region["London"][4], by_region["North West"][4]) == ("1", "0")  # the "Mentoring requests" column


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["programme:dashboard", "programme:report"])
def test_trends_cannot_be_seen_by_anyone_but_staff(url_name: str, member: User, client_for: ClientFor) -> None:
    assert client_for(member).get(reverse(url_name), {"region": region().pk}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [5, 50])
def test_the_trends_use_a_fixed_number_of_queries(
    rows: int, staff: User, client_for: ClientFor, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for index in range(rows):
        _requested(index % 40 + 1, introduced_after=1, matched_after=2 if index % 2 else None)
    client = client_for(staff)
    client.get(reverse("programme:report"))
    with django_assert_max_num_queries(40):
        assert client.get(reverse("programme:report"), {"service_area": service_area().pk}).status_code == 200


@pytest.mark.django_db
def test_ambassador_engagements_are_set_against_capacity() -> None:
    from tests.ambassadors.factories import AmbassadorFactory, EngagementFactory

    AmbassadorFactory(engagements_per_quarter=6)
    AmbassadorFactory(engagements_per_quarter=3)
    EngagementFactory()
    today = timezone.localdate()

    found = trends.trends(trends.TrendFilter(start=today - timedelta(days=60), end=today))

    # Three active ambassadors (the engagement's own offers 3 a quarter): 12 places a quarter, 4 a month.
    assert (sum(found.engagements), found.engagement_capacity) == (1, 4.0)
    chart = found.charts()[-1]
    assert chart.summary == "1 engagement held in the period; today's active ambassadors can take on about 4 a month."
    london = trends.trends(trends.TrendFilter(start=today - timedelta(days=60), end=today, region=region("london")))
    assert (sum(london.engagements), london.engagement_capacity) == (0, 0.0)


def _mentor(in_region: str, *topics: str, spare: bool = True) -> MentorProfile:
    return MentorProfileFactory(
        region=region(in_region), topics=[topic(slug) for slug in topics], capacity=2, active_mentees=0 if spare else 2
    )


@pytest.mark.django_db
def test_the_gap_by_region_and_topic_counts_each_region_and_adds_up_to_the_chart() -> None:
    _requested(5)  # pensions, North West
    _requested(6)  # pensions, North West
    _requested(7, in_region="london")  # pensions, London
    _mentor("north-west", "pensions")
    _mentor("london", "pensions", "business-planning")
    _mentor("london", "pensions", spare=False)  # full: not counted
    today = timezone.localdate()

    grid = trends.gap_grid(trends.TrendFilter(today - timedelta(days=30), today))

    cells = {
        (region_name, topic_name): (cell.asked, cell.spare, cell.shortfall)
        for region_name, row in grid.rows
        for topic_name, cell in zip(grid.topics, row, strict=True)
    }
    assert cells[("North West", "Pensions")] == (2, 1, 1)
    assert cells[("London", "Pensions")] == (1, 1, 0)
    assert cells[("London", "Business planning")] == (0, 1, 0)
    assert [(region_name, topic_name) for region_name, topic_name, _ in grid.shortfalls] == [("North West", "Pensions")]
    assert "The largest shortfall is Pensions in North West: 2 asked, 1 mentor with spare places." in grid.summary()
    assert dict((name, (asked, spare)) for name, asked, spare in grid.totals())["Pensions"] == (3, 2)
    # Requests made after the end of the period are left out; a region filter keeps that region's row only.
    earlier = trends.gap_grid(trends.TrendFilter(today - timedelta(days=60), today - timedelta(days=6)))
    assert {row[0] for row in earlier.rows} == {"London", "North West"}
    assert sum(cell.asked for _, row in earlier.rows for cell in row) == 2  # the 5-day-old request is not there
    london = trends.gap_grid(trends.TrendFilter(today - timedelta(days=30), today, region=region("london")))
    assert [row[0] for row in london.rows] == ["London"]


@pytest.mark.django_db
def test_the_report_shows_the_gap_grid_with_shortfalls_in_words_and_the_csv_carries_it(
    staff: User, client_for: ClientFor
) -> None:
    _requested(5)
    _requested(6)
    _mentor("north-west", "pensions")
    client = client_for(staff)

    page = client.get(reverse("programme:report")).content.decode()

    assert "The gap by region and topic" in page
    grid = page[page.index('<table class="govuk-table app-gap-table"') :]
    grid = grid[: grid.index("</table>")]
    assert '<th scope="row" class="govuk-table__header">North West</th>' in grid
    assert "short by 1" in grid and "app-gap-table__short" in grid
    assert '2<span class="govuk-visually-hidden"> asked,</span>' in grid

    body = client.get(reverse("programme:report_csv")).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert ["Gap by region and topic", "North West", "Pensions", "2", "1", "1"] in rows
    london = client.get(reverse("programme:report_csv"), {"region": region("london").pk}).content.decode()
    gap_rows = [row for row in csv.reader(io.StringIO(london)) if row[0] == "Gap by region and topic"]
    assert gap_rows == [
        ["Gap by region and topic", "Region", "Topic", "Requests asking", "Mentors with spare places", "Shortfall"]
    ]
    # The dashboard shows the same grid.
    assert "short by 1" in client.get(reverse("programme:dashboard")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["programme:dashboard", "programme:report"])
def test_the_gap_grid_costs_the_same_queries_for_5_and_50_regions_and_topics_worth_of_rows(
    staff: User, client_for: ClientFor, url_name: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Region, SupportTopic

    regions = list(Region.objects.values_list("slug", flat=True))
    topics = list(SupportTopic.objects.values_list("slug", flat=True))
    client = client_for(staff)
    client.get(reverse(url_name))

    def add(count: int) -> int:
        for i in range(count):
            mutual = MutualFactory(region=region(regions[i % len(regions)]))
            MentoringRequestFactory(mutual=mutual, topics=[topic(topics[i % len(topics)])])
            _mentor(regions[(i + 1) % len(regions)], topics[(i + 2) % len(topics)])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name)).status_code == 200
        return len(queries)

    at_5 = add(5)
    at_50 = add(45)
    assert at_5 == at_50
