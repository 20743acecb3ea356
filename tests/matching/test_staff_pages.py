"""The programme team's matching tools: the attention queue, introducing by hand, recording no match, starting and
watching a full run (nobody else can start one), and the matching models in the Django admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from matching import services
from matching.models import Introduction, MatchRun, MentoringRequest
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def needing_attention(introduction: Introduction, mentor: User) -> MentoringRequest:
    services.introduction_decline(introduction=introduction, user=mentor, reason="Too busy")
    request = MentoringRequest.objects.get(pk=introduction.request_id)
    assert request.status == MentoringRequest.Status.NEEDS_ATTENTION
    return request


def test_staff_introduce_by_hand_from_the_eligible_list(
    needing_attention: MentoringRequest, staff: User, client_for: ClientFor
) -> None:
    helper = MentorProfileFactory(user__full_name="Helen Helper")
    client = client_for(staff)
    queue = client.get(reverse("matching:attention_queue"))
    assert needing_attention.title in queue.content.decode()
    url = reverse("matching:staff_request_detail", kwargs={"pk": needing_attention.pk})
    page = client.get(url)
    body = page.content.decode()
    assert "Helen Helper" in body
    assert "Too busy" in body  # staff see why the last mentor declined
    assert [candidate.mentor_id for candidate in page.context["candidates"]] == [helper.pk]
    bad = client.post(reverse("matching:staff_introduce", kwargs={"pk": needing_attention.pk}), {"mentor": ""})
    assert bad.status_code == 200
    assert "Select a mentor to introduce" in bad.content.decode()
    good = client.post(reverse("matching:staff_introduce", kwargs={"pk": needing_attention.pk}), {"mentor": helper.pk})
    assert good.status_code == 302
    assert needing_attention.introductions.get(mentor=helper).status == Introduction.Status.PENDING


def test_staff_record_no_match_with_a_note(
    needing_attention: MentoringRequest, staff: User, client_for: ClientFor
) -> None:
    client = client_for(staff)
    url = reverse("matching:staff_no_match", kwargs={"pk": needing_attention.pk})
    assert client.post(url, {"note": ""}).status_code == 200
    needing_attention.refresh_from_db()
    assert needing_attention.status == MentoringRequest.Status.NEEDS_ATTENTION
    assert client.post(url, {"note": "Nobody nearby"}).status_code == 302
    needing_attention.refresh_from_db()
    assert (needing_attention.status, needing_attention.closed_note) == ("closed", "Nobody nearby")


def test_staff_start_a_full_run_and_watch_it(
    open_request: MentoringRequest, staff: User, client_for: ClientFor
) -> None:
    client = client_for(staff)
    response = client.post(reverse("matching:run_start"))
    run = MatchRun.objects.get(kind=MatchRun.Kind.FULL)
    assert response["Location"] == reverse("matching:run_detail", kwargs={"pk": run.pk})
    assert (run.started_by, run.source) == (staff, MatchRun.Source.USER)
    page = client.get(response["Location"]).content.decode()
    # In tests the queued run has not been executed (tasks wait for a commit): the page refreshes itself.
    assert 'http-equiv="refresh"' in page
    assert "Queued" in page
    services.rematch_full(run=run)
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Succeeded" in page and "Persist" in page


def test_non_staff_cannot_start_a_run(member: User, client_for: ClientFor) -> None:
    assert client_for(member).post(reverse("matching:run_start")).status_code == 404
    assert not MatchRun.objects.filter(kind=MatchRun.Kind.FULL).exists()


def test_the_admin_lists_every_matching_model(introduction: Introduction, client_for: ClientFor) -> None:
    superuser = UserFactory(is_staff=True, is_superuser=True, is_programme_team=True)
    from tests.conftest import enable_mfa

    enable_mfa(superuser)
    client = client_for(superuser)
    for model in ("mentoringrequest", "suggestion", "introduction", "matchrun", "matchingweights", "batchproposal"):
        assert client.get(f"/django-admin/matching/{model}/").status_code == 200, model
    suggestion = introduction.request.suggestions.first()
    page = client.get(f"/django-admin/matching/suggestion/{suggestion.pk}/change/")
    assert page.status_code == 200
    assert 'name="rank"' not in page.content.decode()  # computed rows are read-only
