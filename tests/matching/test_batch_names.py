"""A batch draft is named by its own number everywhere; the run that prepared it is named as a run (issue 14)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Mutual, User
from matching.models import BatchProposal, MatchRun
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory, topic
from tests.matching.factories import MentoringRequestFactory

pytestmark = pytest.mark.django_db


def test_the_run_and_the_draft_name_the_same_batch(
    staff: User, mutual: Mutual, client_for: ClientFor, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):  # earlier runs, so the run's number and the proposal's differ as they do in real use
        MatchRun.objects.create(kind=MatchRun.Kind.FULL, status=MatchRun.Status.SUCCEEDED)
    MentoringRequestFactory(mutual=mutual, topics=[topic()])
    MentorProfileFactory(capacity=1, topics=[topic()])
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:batch_create"))
    run = MatchRun.objects.get(kind=MatchRun.Kind.BATCH)
    proposal = BatchProposal.objects.get()
    assert run.pk != proposal.pk

    run_page = client.get(response["Location"]).content.decode()
    assert f"Match run {run.pk} (batch proposal)" in run_page
    assert f"Batch proposal {run.pk}" not in run_page
    assert f"Review batch proposal {proposal.pk}" in run_page

    proposal_page = client.get(reverse("matching:batch_detail", kwargs={"pk": proposal.pk})).content.decode()
    assert f'<h1 class="govuk-heading-l">Batch proposal {proposal.pk}</h1>' in proposal_page
    assert f"Match run {run.pk}</a>" in proposal_page
    listing = client.get(reverse("matching:batch_list")).content.decode()
    assert f"Batch proposal {proposal.pk}</a>" in listing
