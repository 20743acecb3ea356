"""The nightly rematch recognises that nothing has changed since the last full run, and then computes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import MentorProfile, Mutual, User
from matching import services
from matching.models import MatchRun, MentoringRequest, Suggestion
from matching.services import unchanged
from tests.factories import MentorProfileFactory, topic
from tests.matching.factories import MentoringRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(mutual: Mutual, member: User) -> MatchRun:
    """Two requests, three mentors, and a full run that ranked them."""
    for _ in range(3):
        MentorProfileFactory(topics=[topic("tax"), topic("pensions")])
    MentoringRequestFactory(mutual=mutual, created_by=member, topics=[topic("tax")])
    MentoringRequestFactory(mutual=mutual, created_by=member, topics=[topic("pensions")])
    run = services.rematch_full()
    assert run.status == MatchRun.Status.SUCCEEDED and run.inputs_digest and run.state_digest
    return run


def nightly() -> MatchRun:
    run = services.rematch_full(source=MatchRun.Source.BEAT)
    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    return run


def rows() -> list[tuple[int, int, int]]:
    return list(Suggestion.objects.order_by("id").values_list("id", "run_id", "rank"))


def test_a_nightly_run_with_nothing_changed_keeps_the_suggestions_and_computes_nothing(ranked: MatchRun) -> None:
    before = rows()

    run = nightly()

    assert run.unchanged_since == ranked
    assert set(run.timings) == {"load", "check"}  # not scored, explained or written
    assert (run.request_count, run.suggestion_count) == (2, ranked.suggestion_count) == (2, 6)
    assert rows() == before
    # The next night still points at the run whose suggestions stand.
    assert nightly().unchanged_since == ranked


def change_capacity(places: int) -> None:
    profile = MentorProfile.objects.first()
    assert profile is not None
    profile.capacity = places
    profile.save()  # as the profile form does: the cached mentor table sees the change


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda: MentorProfileFactory(topics=[topic("tax")]), id="a mentor approved"),
        pytest.param(lambda: change_capacity(4), id="capacity changed"),
        pytest.param(
            lambda: MentoringRequest.objects.filter(pk=MentoringRequest.objects.first().pk).update(  # type: ignore[union-attr]
                status=MentoringRequest.Status.WITHDRAWN
            ),
            id="a request withdrawn",
        ),
        pytest.param(lambda: Suggestion.objects.filter(rank=1).delete(), id="suggestions rewritten since"),
        pytest.param(
            lambda: MentoringRequest.objects.update(first_ranked_at=None), id="requests not yet told of suggestions"
        ),
    ],
)
def test_a_nightly_run_computes_again_after_any_change(ranked: MatchRun, change) -> None:  # type: ignore[no-untyped-def]
    change()

    run = nightly()

    assert run.unchanged_since is None
    assert "score" in run.timings
    # Whatever had been removed or left out of date is put right.
    expected = Suggestion.objects.filter(
        state=Suggestion.State.CURRENT, request__status__in=MentoringRequest.MATCHABLE_STATUSES
    ).count()
    assert run.suggestion_count == expected > 0


def test_a_new_release_of_the_engine_computes_again(ranked: MatchRun, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unchanged, "_code_digest", lambda: b"another release")
    assert nightly().unchanged_since is None


def test_a_run_staff_start_always_computes_and_reports_the_assignment(ranked: MatchRun) -> None:
    run = services.rematch_full(source=MatchRun.Source.USER)
    assert run.unchanged_since is None and "score" in run.timings and run.assigned_count == 2


def test_a_run_that_failed_is_not_a_baseline(ranked: MatchRun) -> None:
    MatchRun.objects.filter(pk=ranked.pk).update(status=MatchRun.Status.FAILED)
    assert nightly().unchanged_since is None


def test_the_run_page_says_which_run_the_suggestions_were_kept_from(ranked: MatchRun, staff: User, client_for) -> None:  # type: ignore[no-untyped-def]
    run = nightly()
    page = client_for(staff).get(reverse("matching:run_detail", kwargs={"pk": run.pk})).content.decode()
    assert "Nothing had changed" in page
    assert reverse("matching:run_detail", kwargs={"pk": ranked.pk}) in page
