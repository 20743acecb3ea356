"""Matching's list and detail pages use a bounded number of queries that does not grow with the rows (5, then 50)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Mutual, User
from matching import services
from matching.models import BatchProposal, Introduction, MatchingWeights, MatchRun, MentoringRequest, ProposedPair
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory, topic
from tests.matching.factories import MentoringRequestFactory, rank

pytestmark = pytest.mark.django_db


def _many_requests(mutual: Mutual, count: int) -> None:
    for _ in range(count):
        MentoringRequestFactory(mutual=mutual, topics=[topic(), topic("pensions")])


@pytest.mark.parametrize("rows", [5, 50])
def test_request_detail_query_budget(
    mutual: Mutual,
    member: User,
    rows: int,
    django_assert_max_num_queries,
    monkeypatch: pytest.MonkeyPatch,
    client_for: ClientFor,
) -> None:
    request = MentoringRequestFactory(mutual=mutual, topics=[topic(), topic("pensions")])
    mentors = [MentorProfileFactory() for _ in range(rows)]
    monkeypatch.setattr(services.runs, "SUGGESTIONS_PER_REQUEST", rows)
    rank(request)
    for preference, mentor in enumerate(mentors[:3], start=1):
        Introduction.objects.create(request=request, mentor=mentor, preference=preference)
    client = client_for(member)
    # 13: an open request no longer asks for the relationship only a matched one shows.
    with django_assert_max_num_queries(13):
        response = client.get(reverse("matching:request_detail", kwargs={"pk": request.pk}))
    assert response.status_code == 200
    assert len(response.context["suggestions"]) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_request_list_query_budget(
    mutual: Mutual, member: User, rows: int, django_assert_max_num_queries, client_for: ClientFor
) -> None:
    _many_requests(mutual, rows)
    client = client_for(member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("matching:request_list"))
    assert response.status_code == 200
    assert response.content.decode().count("Help with our business plan") >= min(rows, 20)


@pytest.mark.parametrize("rows", [5, 50])
def test_introduction_list_query_budget(
    mentor: User, rows: int, django_assert_max_num_queries, client_for: ClientFor
) -> None:
    profile = mentor.mentor_profile
    for _ in range(rows):
        request = MentoringRequestFactory(
            topics=[topic(), topic("pensions")], status=MentoringRequest.Status.INTRODUCED
        )
        Introduction.objects.create(
            request=request,
            mentor=profile,
            status=Introduction.Status.DECLINED,
            sent_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=7),
        )
    client = client_for(mentor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("matching:introduction_list"))
    assert response.status_code == 200
    assert response.context["pagination"].total == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_staff_lists_query_budget(staff: User, rows: int, django_assert_max_num_queries, client_for: ClientFor) -> None:
    for _ in range(rows):
        MentoringRequestFactory(topics=[topic(), topic("pensions")], status=MentoringRequest.Status.NEEDS_ATTENTION)
        MatchRun.objects.create(kind=MatchRun.Kind.REQUEST, status=MatchRun.Status.SUCCEEDED, timings={"load": 0.1})
        MatchRun.objects.create(kind=MatchRun.Kind.FULL, started_by=staff, source=MatchRun.Source.USER)
        proposal = BatchProposal.objects.create(created_by=staff)
        ProposedPair.objects.create(
            proposal=proposal,
            request=MentoringRequest.objects.last(),
            mentor=MentorProfileFactory(),
            score=0.5,
        )
        MatchingWeights.objects.create(
            service_area=0.2, topics=0.4, region=0.1, stage=0.1, capacity=0.2, created_by=staff
        )
    client = client_for(staff)
    for name in ("attention_queue", "run_list", "batch_list", "weights"):
        with django_assert_max_num_queries(14):
            response = client.get(reverse(f"matching:{name}"))
        assert response.status_code == 200, name
        # Each list shows its rows (up to a page of them), not an empty state.
        body_rows = response.content.decode().split('<tbody class="govuk-table__body">', 1)[-1].count("<tr")
        assert body_rows >= min(rows, 20), (name, body_rows)


@pytest.mark.parametrize("rows", [5, 50])
def test_batch_detail_query_budget(
    staff: User, rows: int, django_assert_max_num_queries, client_for: ClientFor
) -> None:
    proposal = BatchProposal.objects.create(created_by=staff)
    for _ in range(rows):
        ProposedPair.objects.create(
            proposal=proposal, request=MentoringRequestFactory(), mentor=MentorProfileFactory(), score=0.7
        )
    client = client_for(staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("matching:batch_detail", kwargs={"pk": proposal.pk}))
    assert response.status_code == 200
    assert len(response.context["proposed"]) == rows
