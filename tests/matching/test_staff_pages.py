"""The programme team's matching tools: the attention queue, introducing by hand, recording no match, starting and
watching a full run (nobody else can start one), and the matching models in the Django admin."""

from __future__ import annotations

import pytest
from django.conf import settings
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
    # From the queue, staff can also reach the requests that could make a mentoring group.
    assert reverse("messaging:staff_group_list") in queue.content.decode()
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
    status_url = reverse("matching:run_status", kwargs={"pk": run.pk})
    # In tests the queued run has not been executed (tasks wait for a commit). The page never reloads itself
    # (WCAG 2.2.1): it has a status region the script updates from the status URL, and a link without the script.
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert f'data-status-url="{status_url}"' in page
    assert 'role="status" aria-live="polite" data-run-progress-text>Queued: waiting for a worker to start it.' in page
    assert "Refresh this page to see the latest figures" in page
    assert "js/run-progress.js" in page
    assert client.get(status_url).json() == {
        "status": "queued",
        "finished": False,
        "progress": "Queued: waiting for a worker to start it.",
        "blocks_done": 0,
        "blocks_total": 0,
    }

    services.rematch_full(run=run)
    status = client.get(status_url)
    assert status.json()["finished"] is True
    assert status.json()["progress"] == "Finished. Reload the page to see the results."
    assert "no-cache" in status["Cache-Control"]
    page = client.get(response["Location"]).content.decode()
    assert "data-run-progress" not in page and "js/run-progress.js" not in page
    assert "Succeeded" in page and "Persist" in page


def test_checking_a_run_does_not_keep_the_session_alive(
    open_request: MentoringRequest, staff: User, client_for: ClientFor
) -> None:
    client = client_for(staff)
    run = services.match_run_queue(user=staff)
    response = client.get(reverse("matching:run_status", kwargs={"pk": run.pk}))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_nobody_else_can_check_a_run(
    open_request: MentoringRequest, staff: User, member: User, mentor: User, client_for: ClientFor
) -> None:
    run = services.match_run_queue(user=staff)
    url = reverse("matching:run_status", kwargs={"pk": run.pk})
    for person in (member, mentor):
        assert client_for(person).get(url).status_code == 404
    assert client_for(staff).get(reverse("matching:run_status", kwargs={"pk": run.pk + 1000})).status_code == 404


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
