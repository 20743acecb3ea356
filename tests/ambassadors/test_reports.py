"""Programme reporting, the CSV export's formula neutralisation, and query budgets of the list pages."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import pipeline
from accounts.models import User
from accounts.personal_data import account_delete
from ambassadors.models import FORMER_AMBASSADOR, EmergingProject, EngagementInvitation
from ambassadors.reporting import neutralise_cell
from ambassadors.selectors import programme_report
from tests.ambassadors.factories import (
    AmbassadorFactory,
    ApplicationFactory,
    CohortFactory,
    EngagementFactory,
    EngagementInvitationFactory,
    EngagementRequestFactory,
)
from tests.clients import ClientFor
from tests.factories import region, service_area


@pytest.mark.django_db
def test_report_counts_requested_held_declined_and_reached() -> None:
    cohort = CohortFactory(name="Spring cohort")
    alex = AmbassadorFactory(cohort=cohort, user__full_name="Alex")
    blair = AmbassadorFactory(cohort=cohort, user__full_name="Blair")
    EngagementFactory(ambassador=alex, attendees=30)
    EngagementFactory(
        ambassador=alex, attendees=12, request__region=region("london"), request__service_area=service_area("probation")
    )
    EngagementInvitationFactory(ambassador=blair, status=EngagementInvitation.Status.DECLINED)
    EngagementInvitationFactory(ambassador=blair)  # pending
    EngagementInvitationFactory(ambassador=blair, status=EngagementInvitation.Status.CANCELLED)  # not counted
    report = programme_report()
    by_cohort = {row.label: row for row in report.by_cohort}
    spring = by_cohort["Spring cohort"]
    assert (spring.requested, spring.held, spring.declined, spring.reached) == (4, 2, 1, 42)
    by_ambassador = {row.label: row for row in report.by_ambassador}
    assert (by_ambassador["Alex (Spring cohort)"].held, by_ambassador["Alex (Spring cohort)"].reached) == (2, 42)
    blair_row = by_ambassador["Blair (Spring cohort)"]
    assert (blair_row.requested, blair_row.held, blair_row.declined, blair_row.reached) == (2, 0, 1, 0)
    by_place = {row.label: row for row in report.by_region_and_service_area}
    london = by_place["London: Probation"]
    assert (london.requested, london.held, london.reached) == (1, 1, 12)
    north_west = by_place["North West: Adult social care"]
    assert (north_west.requested, north_west.held, north_west.declined, north_west.reached) == (4, 1, 1, 30)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Plain name", "Plain name"),
        (5, 5),
    ],
)
def test_neutralise_cell(value: object, expected: object) -> None:
    assert neutralise_cell(value) == expected


@pytest.mark.django_db
def test_csv_export_neutralises_formula_payloads(staff: User, client_for: ClientFor) -> None:
    payloads = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1:A2)", '\t=HYPERLINK("x")']
    cohort = CohortFactory(name="=1+2")
    for payload in payloads:
        AmbassadorFactory(cohort=cohort, user__full_name=payload)
    response = client_for(staff).get(reverse("ambassadors:reports_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Breakdown", "Name", "Engagements requested", "Held", "Declined", "People reached"]
    cells = [cell for row in rows[1:] for cell in row]
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    names = {row[1] for row in rows if row[0] == "Ambassador"}
    for payload in payloads:
        assert f"'{payload} (=1+2)" in names
    assert ["Cohort", "'=1+2", "0", "0", "0", "0"] in rows


@pytest.mark.django_db
def test_reports_are_for_the_programme_team_only(member: User, ambassador: User, client_for: ClientFor) -> None:
    for user in (member, ambassador):
        assert client_for(user).get(reverse("ambassadors:reports")).status_code == 404
        assert client_for(user).get(reverse("ambassadors:reports_csv")).status_code == 404
    response = Client().get(reverse("ambassadors:reports_csv"))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


# --- Query budgets: the same number of queries at 5 rows as at 50 ---------------------------------------------


def _directory_rows(count: int) -> None:
    cohort = CohortFactory()
    for _ in range(count):
        AmbassadorFactory(cohort=cohort)


def _pipeline_rows(count: int) -> None:
    cohort = CohortFactory()
    for _ in range(count):
        ApplicationFactory(cohort=cohort)


def _report_rows(count: int) -> None:
    for index in range(count):
        cohort = CohortFactory()
        ambassador = AmbassadorFactory(cohort=cohort)
        EngagementFactory(ambassador=ambassador, request__region=region(["london", "north-west"][index % 2]))
        EngagementInvitationFactory(ambassador=ambassador, status=EngagementInvitation.Status.DECLINED)


def _requests_rows(count: int, user: User) -> None:
    for _ in range(count):
        EngagementRequestFactory(requested_by=user)


def _emerging_rows(count: int, user: User) -> None:
    for index in range(count):
        mutual = pipeline.mutual_add_unclaimed(
            added_by=user, name=f"Project {index}", region=region(), service_areas=[service_area()]
        )
        EmergingProject.objects.create(mutual=mutual, added_by=user, source_engagement=EngagementFactory())


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize("page", ["directory", "pipeline", "reports", "request_list", "emerging_projects"])
def test_query_budget(page: str, rows: int, staff: User, django_assert_max_num_queries, client_for: ClientFor) -> None:  # type: ignore[no-untyped-def]
    builders = {
        "directory": lambda: _directory_rows(rows),
        "pipeline": lambda: _pipeline_rows(rows),
        "reports": lambda: _report_rows(rows),
        "request_list": lambda: _requests_rows(rows, staff),
        "emerging_projects": lambda: _emerging_rows(rows, staff),
    }
    builders[page]()
    client = client_for(staff)
    url = reverse(f"ambassadors:{page}")
    client.get(url)  # warm up session and MFA lookups
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    # The budget holds with the rows on the page, not for an empty one.
    if page == "reports":
        assert len(response.context["report"].by_cohort) == rows
    else:
        pagination = response.context["pagination"]
        assert pagination.total == rows
        assert len(pagination.page.object_list) == min(rows, pagination.page.paginator.per_page)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["directory", "pipeline", "reports"])
def test_query_count_is_the_same_for_5_and_50_rows(page: str, staff: User, client_for: ClientFor) -> None:
    builders = {"directory": _directory_rows, "pipeline": _pipeline_rows, "reports": _report_rows}
    client = client_for(staff)
    url = reverse(f"ambassadors:{page}")
    counts = []
    for added in (5, 45):
        builders[page](added)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_deleting_accounts_keeps_the_programme_records_anonymised() -> None:
    """Issue 18, finding 4: deleting the ambassador, or the person who asked for the engagement, used to delete the
    engagement, its invitation and the people reached from the report."""
    engagement = EngagementFactory(attendees=25)
    ambassador, requester = engagement.ambassador, engagement.request.requested_by
    ambassador_name = str(ambassador)
    before = programme_report()
    account_delete(user=ambassador.user)
    account_delete(user=requester)

    engagement.refresh_from_db()
    ambassador.refresh_from_db()
    assert engagement.ambassador == ambassador
    assert (ambassador.user, ambassador.status, ambassador.bio, ambassador.headline) == (None, "stood_down", "", "")
    assert engagement.request.requested_by is None
    assert EngagementInvitation.objects.filter(request=engagement.request, ambassador=ambassador).exists()
    after = programme_report()
    rows = {row.label: row for row in after.by_region_and_service_area}
    assert rows["North West: Adult social care"].reached == 25
    assert [(row.requested, row.held, row.reached) for row in after.by_cohort] == [
        (row.requested, row.held, row.reached) for row in before.by_cohort
    ]
    [label] = [row.label for row in after.by_ambassador]
    assert ambassador_name not in label
    assert label.startswith(FORMER_AMBASSADOR)
