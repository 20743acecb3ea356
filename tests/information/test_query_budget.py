"""Query budgets: the information service's lists use as many queries with 50 rows as with 5."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from information.models import Enquiry
from tests.factories import stage, topic
from tests.information.factories import CaseStudyFactory, EnquiryFactory, GuideTaskFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def _check(client: Client, url: str, grow: Callable[[int], object]) -> None:
    _queries(client, url)  # the first page after sign-in also saves the session: count from the second
    grow(5)
    small = _queries(client, url)
    grow(45)
    assert _queries(client, url) == small, f"{url}: the number of queries grew with the rows"


def _resources(count: int) -> None:
    for _ in range(count):
        ResourceFactory(topics=[topic("pensions"), topic("tax")], stages=[stage("developing"), stage("preparing")])


def _enquiries(count: int, staff: User | None = None) -> None:
    for number in range(count):
        EnquiryFactory(
            assigned_to=staff if number % 2 else None,
            status=Enquiry.Status.IN_PROGRESS if number % 2 else Enquiry.Status.NEW,
            respond_by=timezone.now() if number % 3 else None,
        )


@pytest.mark.parametrize("query", ["", "?q=business+plan", "?topic=pensions&stage=developing"])
def test_guidance_library(client: Client, query: str) -> None:
    _check(client, reverse("information:resource_list") + query, _resources)


def test_the_guide(client: Client) -> None:
    def grow(count: int) -> None:
        _resources(count)
        for _ in range(count):
            GuideTaskFactory(stage=stage("developing"), resource=ResourceFactory())

    _check(client, reverse("information:guide"), grow)


def test_case_studies(client: Client, staff_client: Client) -> None:
    def grow(count: int) -> None:
        for _ in range(count):
            CaseStudyFactory()

    _check(client, reverse("information:case_study_list"), grow)
    _check(staff_client, reverse("information:case_study_staff_list"), grow)


def test_the_triage_queue(staff_client: Client, staff: User) -> None:
    for query in ("", "?show=overdue", "?show=all&q=enquirer"):
        _check(staff_client, reverse("information:enquiry_queue") + query, lambda count: _enquiries(count, staff))


def test_staff_guidance_lists(staff_client: Client) -> None:
    def grow(count: int) -> None:
        for _ in range(count):
            ResourceFactory(reviewed_on=timezone.localdate().replace(year=2000))

    _check(staff_client, reverse("information:resource_staff_list"), grow)
    _check(staff_client, reverse("information:resource_review_list"), grow)
