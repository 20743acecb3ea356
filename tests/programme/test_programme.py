"""The programme team's dashboard, the whole-programme report and its CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import MentorProfile, ServiceArea, User
from matching.models import MentoringRequest
from messaging.models import Relationship
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory, MutualFactory, region, service_area
from tests.matching.factories import MentoringRequestFactory
from tests.messaging.factories import RelationshipFactory

pytestmark = pytest.mark.django_db

PAGES = ("programme:dashboard", "programme:report", "programme:report_csv")


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize("persona", ["member", "mentor", "ambassador", "outsider"])
def test_only_programme_staff_can_see_programme_pages(
    persona_client: Callable[[str], Client], persona: str, url_name: str
) -> None:
    assert persona_client(persona).get(reverse(url_name)).status_code == 404


def test_the_dashboard_counts_what_needs_doing(staff: User, client_for: ClientFor) -> None:
    MentorProfileFactory.create_batch(3, status=MentorProfile.Status.PENDING)
    approved = MentorProfileFactory(status=MentorProfile.Status.APPROVED)
    MentoringRequestFactory.create_batch(2, status=MentoringRequest.Status.NEEDS_ATTENTION)
    RelationshipFactory(mentor=approved, status=Relationship.Status.ACTIVE)

    response = client_for(staff).get(reverse("programme:dashboard"))

    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.mentors["pending"] == 3
    assert overview.mentors["approved"] == 1
    assert overview.requests["needs_attention"] == 2
    assert overview.relationships["active"] == 1
    page = response.content.decode()
    assert reverse("accounts:vetting_queue") in page
    assert reverse("matching:attention_queue") in page


def test_the_report_breaks_the_programme_down_by_region_and_service_area(staff: User, client_for: ClientFor) -> None:
    fire = service_area("fire-and-rescue")
    north_west = region("north-west")
    mutual = MutualFactory(region=north_west, service_areas=[fire])
    MentorProfileFactory(region=north_west, service_areas=[fire])
    MentoringRequestFactory(mutual=mutual, service_area=fire, status=MentoringRequest.Status.MATCHED)

    report = client_for(staff).get(reverse("programme:report")).context["report"]

    row = next(r for r in report.by_region if r.label == "North West")
    assert (row.mutuals, row.mentors_approved, row.requests, row.requests_matched) == (1, 1, 1, 1)
    fire_row = next(r for r in report.by_service_area if r.label == "Fire and rescue")
    assert (fire_row.mutuals, fire_row.requests_matched) == (1, 1)
    london = next(r for r in report.by_region if r.label == "London")
    assert london.mutuals == 0


def test_the_csv_export_neutralises_spreadsheet_formulas(staff: User, client_for: ClientFor) -> None:
    ServiceArea.objects.create(name='=HYPERLINK("http://evil.example","x")', slug="evil", order=99)
    ServiceArea.objects.create(name="@SUM(A1:A2)", slug="at-sum", order=99)

    response = client_for(staff).get(reverse("programme:report_csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in names
    assert "'@SUM(A1:A2)" in names
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for row in rows for cell in row)


def _queries_per_page(client: Client) -> dict[str, int]:
    counts = {}
    for url_name in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name)).status_code == 200
        counts[url_name] = len(queries)
    return counts


def _add_rows(count: int) -> None:
    for _ in range(count):
        mutual = MutualFactory()
        MentoringRequestFactory(mutual=mutual)
        RelationshipFactory(mutual=mutual)


def test_programme_pages_use_the_same_number_of_queries_at_5_and_50_rows(staff: User, client_for: ClientFor) -> None:
    client = client_for(staff)
    client.get(reverse("programme:dashboard"))  # the session is saved once a minute at most: do it before counting
    _add_rows(5)
    at_5 = _queries_per_page(client)
    _add_rows(45)
    at_50 = _queries_per_page(client)
    assert at_5 == at_50
    assert max(at_50.values()) <= 40
