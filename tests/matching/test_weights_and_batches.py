"""Weights (validated, versioned, previewed) and batch proposals (optimal assignment, review, publish)."""

from __future__ import annotations

import pytest
from django.db import models
from django.urls import reverse

from accounts.models import MentorProfile, Mutual, User
from matching import engine, services, tasks
from matching.candidates import weights_preview
from matching.forms import WEIGHT_LABELS, WeightsForm
from matching.models import BatchProposal, Introduction, MatchingWeights, MatchRun, MentoringRequest, ProposedPair
from matching.selectors import weights_current
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory, MutualFactory, region, service_area, topic
from tests.matching.factories import MentoringRequestFactory

pytestmark = pytest.mark.django_db


WEIGHTS = {
    "service_area": "0.2",
    "topics": "0.5",
    "region": "0.1",
    "stage": "0",
    "capacity": "0.2",
    "recent_stage": "0.1",
}


# --- Weights ------------------------------------------------------------------------------------------------


def test_everything_that_lists_the_weights_follows_the_engine_components() -> None:
    weight_fields = [field.name for field in MatchingWeights._meta.get_fields() if isinstance(field, models.FloatField)]
    assert tuple(weight_fields) == engine.COMPONENTS  # one model field per component, no more
    assert tuple(WEIGHT_LABELS) == engine.COMPONENTS
    assert list(WeightsForm().fields) == [*engine.COMPONENTS, "note"]
    assert tuple(engine.Weights().as_dict()) == engine.COMPONENTS


def test_the_defaults_apply_until_staff_save_a_version(staff: User) -> None:
    assert weights_current() == (engine.Weights(), None)
    first = services.weights_save(user=staff, weights=engine.Weights(topics=0.9), note="Topics matter most")
    second = services.weights_save(user=staff, weights=engine.Weights(region=0.5))
    weights, version = weights_current()
    assert version == second
    assert weights == engine.Weights(region=0.5)
    first.refresh_from_db()
    assert (first.created_by, first.note, first.topics) == (staff, "Topics matter most", 0.9)  # history kept


@pytest.mark.parametrize(
    "weights",
    [
        engine.Weights(0, 0, 0, 0, 0, 0),
        engine.Weights(topics=1.5),
        engine.Weights(region=-0.1),
        engine.Weights(stage=float("nan")),
    ],
)
def test_invalid_weights_are_refused(staff: User, weights: engine.Weights) -> None:
    with pytest.raises(services.MatchingError):
        services.weights_save(user=staff, weights=weights)
    assert not MatchingWeights.objects.exists()


def test_saving_weights_from_the_page(staff: User, client_for: ClientFor) -> None:
    client = client_for(staff)
    response = client.post(reverse("matching:weights"), {**WEIGHTS, "note": "More on topics", "action": "save"})
    assert response.status_code == 302
    version = MatchingWeights.objects.get()
    assert (version.topics, version.stage, version.recent_stage, version.note, version.created_by) == (
        0.5,
        0.0,
        0.1,
        "More on topics",
        staff,
    )
    page = client.get(reverse("matching:weights")).content.decode()
    assert "More on topics" in page and "Sam Staff" in page


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"topics": "1.2"}, "Topics must be 1 or less"),
        ({"region": "-1"}, "Region must be 0 or more"),
        ({"stage": "lots"}, "Stage must be a number between 0 and 1"),
        ({"stage": "nan"}, "Stage must be a number between 0 and 1"),
        ({"capacity": ""}, "Enter a weight for capacity"),
        (
            {"service_area": "0", "topics": "0", "region": "0", "stage": "0", "capacity": "0", "recent_stage": "0"},
            "At least one weight must be more than 0",
        ),
    ],
)
def test_bad_weights_show_errors_and_save_nothing(
    staff: User, overrides: dict[str, str], message: str, client_for: ClientFor
) -> None:
    response = client_for(staff).post(reverse("matching:weights"), {**WEIGHTS, **overrides, "action": "save"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body
    assert not MatchingWeights.objects.exists()


@pytest.fixture
def fire_request() -> MentoringRequest:
    fire = MutualFactory(service_areas=[service_area("fire-and-rescue")], region=region("north-west"))
    return MentoringRequestFactory(mutual=fire, service_area=service_area("fire-and-rescue"), topics=[topic()])


def test_preview_shows_how_the_top_suggestions_would_change(
    fire_request: MentoringRequest, staff: User, client_for: ClientFor
) -> None:
    fire_expert = MentorProfileFactory(
        user__full_name="Fiona Fire", service_areas=[service_area("fire-and-rescue")], region=region("london")
    )
    neighbour = MentorProfileFactory(user__full_name="Nina Near", region=region("north-west"))
    # Region only: the mentor in the North West first. Service area only: the fire expert first.
    services.weights_save(user=staff, weights=engine.Weights(0, 0, 1, 0, 0, 0))
    rows = weights_preview(engine.Weights(1, 0, 0, 0, 0, 0))
    assert [row.request for row in rows] == [fire_request]
    entries = rows[0].proposed
    assert [(entry.mentor.pk, entry.rank, entry.previous_rank, entry.movement) for entry in entries] == [
        (fire_expert.pk, 1, 2, "up"),
        (neighbour.pk, 2, 1, "down"),
    ]
    assert rows[0].changed
    # The page shows the same, and saves nothing.
    response = client_for(staff).post(
        reverse("matching:weights"),
        {
            "service_area": "1",
            "topics": "0",
            "region": "0",
            "stage": "0",
            "capacity": "0",
            "recent_stage": "0",
            "action": "preview",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Up from 2" in body and "Down from 1" in body and "Fiona Fire" in body
    assert MatchingWeights.objects.count() == 1


def test_preview_without_open_requests(staff: User) -> None:
    assert weights_preview(engine.Weights()) == []


# --- Batch proposals ----------------------------------------------------------------------------------------


@pytest.fixture
def batch_world(mutual: Mutual) -> dict[str, object]:
    """Two open requests and two mentors with one place each: both requests can be served at once."""
    wanted = MentoringRequestFactory(mutual=mutual, topics=[topic(), topic("pensions")])
    narrow = MentoringRequestFactory(topics=[topic()])
    both = MentorProfileFactory(capacity=1, topics=[topic(), topic("pensions")], user__full_name="Bea Both")
    only_planning = MentorProfileFactory(
        capacity=1, topics=[topic()], region=region("london"), format=MentorProfile.Format.REMOTE
    )
    return {"wanted": wanted, "narrow": narrow, "both": both, "only_planning": only_planning}


def test_batch_proposal_uses_the_optimal_assignment(staff: User, batch_world: dict[str, object]) -> None:
    proposal = services.batch_propose(user=staff)
    pairs = {(pair.request_id, pair.mentor_id) for pair in proposal.pairs.all()}
    assert len(pairs) == 2
    assert proposal.status == BatchProposal.Status.DRAFT
    assert proposal.request_count == 2
    assert proposal.total_score >= proposal.greedy_total_score
    assert all(pair.reasons for pair in proposal.pairs.all())
    assert proposal.run.kind == MatchRun.Kind.BATCH and proposal.run.status == MatchRun.Status.SUCCEEDED
    assert not Introduction.objects.exists()  # nothing is sent while it is a draft


def test_requests_with_introductions_are_left_out_of_a_batch(
    staff: User, member: User, batch_world: dict[str, object]
) -> None:
    wanted = batch_world["wanted"]
    MentoringRequest.objects.filter(pk=wanted.pk).update(status=MentoringRequest.Status.INTRODUCED)
    proposal = services.batch_propose(user=staff)
    assert proposal.request_count == 1
    assert [pair.request_id for pair in proposal.pairs.all()] == [batch_world["narrow"].pk]


def test_remove_a_pair_then_publish_sends_the_rest(
    staff: User, batch_world: dict[str, object], django_capture_on_commit_callbacks, client_for: ClientFor
) -> None:
    from django.core import mail

    proposal = services.batch_propose(user=staff)
    removed = proposal.pairs.get(request=batch_world["narrow"])
    client = client_for(staff)
    response = client.post(reverse("matching:batch_remove_pair", kwargs={"pk": proposal.pk}), {"pair": removed.pk})
    assert response.status_code == 302
    removed.refresh_from_db()
    assert removed.outcome == ProposedPair.Outcome.REMOVED
    page = client.get(reverse("matching:batch_detail", kwargs={"pk": proposal.pk}))
    assert [pair.pk for pair in page.context["proposed"]] == [proposal.pairs.get(request=batch_world["wanted"]).pk]
    assert client.post(reverse("matching:batch_publish", kwargs={"pk": proposal.pk}), {}).status_code == 200
    assert not Introduction.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:batch_publish", kwargs={"pk": proposal.pk}), {"publish-confirm": "on"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (BatchProposal.Status.PUBLISHED, staff)
    introduction = Introduction.objects.get()
    assert (introduction.request, introduction.source, introduction.status) == (
        batch_world["wanted"],
        Introduction.Source.BATCH,
        Introduction.Status.PENDING,
    )
    # The mentor hears that the programme team introduced them; the mutual is told at once, and can withdraw it.
    by_subject = {message.subject: message for message in mail.outbox}
    assert set(by_subject) == {
        "The programme team has introduced you to a mutual",
        "The programme team has introduced you to a mentor",
    }
    assert by_subject["The programme team has introduced you to a mutual"].to == [introduction.mentor.user.email]
    to_mutual = by_subject["The programme team has introduced you to a mentor"]
    assert to_mutual.to == [member.email for member in introduction.request.mutual.members.all()]
    assert "has chosen you" not in by_subject["The programme team has introduced you to a mutual"].body
    assert "withdraw this introduction" in to_mutual.body
    batch_world["narrow"].refresh_from_db()
    assert batch_world["narrow"].status == MentoringRequest.Status.OPEN
    # Published: no more changes.
    with pytest.raises(services.MatchingError):
        services.batch_remove_pair(proposal=proposal, pair_id=removed.pk, user=staff)
    with pytest.raises(services.MatchingError):
        services.batch_publish(proposal=proposal, user=staff)


def test_publishing_skips_pairs_that_no_longer_work(staff: User, batch_world: dict[str, object]) -> None:
    proposal = services.batch_propose(user=staff)
    MentoringRequest.objects.filter(pk=batch_world["narrow"].pk).update(status=MentoringRequest.Status.WITHDRAWN)
    wanted_pair = proposal.pairs.get(request=batch_world["wanted"])
    MentorProfile.objects.filter(pk=wanted_pair.mentor_id).update(active_mentees=1)
    services.batch_publish(proposal=proposal, user=staff)
    outcomes = dict(proposal.pairs.values_list("request_id", "outcome_note"))
    assert outcomes == {
        batch_world["narrow"].pk: "The request is no longer open.",
        batch_world["wanted"].pk: "The mentor has no room left.",
    }
    assert not Introduction.objects.exists()


def test_removing_a_pair_that_is_not_in_the_draft_shows_an_error(
    staff: User, batch_world: dict[str, object], client_for: ClientFor
) -> None:
    proposal = services.batch_propose(user=staff)
    other = BatchProposal.objects.create(created_by=staff)
    stranger = ProposedPair.objects.create(
        proposal=other, request=batch_world["narrow"], mentor=batch_world["both"], score=0.5
    )
    response = client_for(staff).post(
        reverse("matching:batch_remove_pair", kwargs={"pk": proposal.pk}), {"pair": stranger.pk}
    )
    assert response.status_code == 200
    assert "Choose a pair that is still in the proposal" in response.content.decode()
    assert proposal.pairs.filter(outcome=ProposedPair.Outcome.PROPOSED).count() == 2


def test_discarding_a_draft(staff: User, batch_world: dict[str, object], client_for: ClientFor) -> None:
    proposal = services.batch_propose(user=staff)
    client = client_for(staff)
    url = reverse("matching:batch_discard", kwargs={"pk": proposal.pk})
    assert client.post(url, {}).status_code == 200
    assert client.post(url, {"discard-confirm": "on"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == BatchProposal.Status.DISCARDED
    assert not Introduction.objects.exists()


def test_creating_a_batch_from_the_page_queues_it_for_a_worker(
    staff: User, batch_world: dict[str, object], django_capture_on_commit_callbacks, client_for: ClientFor
) -> None:
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("matching:batch_create"))
    run = MatchRun.objects.get(kind=MatchRun.Kind.BATCH)
    assert response["Location"] == reverse("matching:run_detail", kwargs={"pk": run.pk})
    assert (run.status, run.started_by) == (MatchRun.Status.QUEUED, staff)
    assert not BatchProposal.objects.exists()  # the page answered before any computing
    waiting = client.get(response["Location"]).content.decode()
    assert "Queued: waiting for a worker to start it." in waiting and "Review batch proposal" not in waiting
    # Asking again while it waits gives the same run, not a second computation.
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert client.post(reverse("matching:batch_create"))["Location"] == response["Location"]
    assert not again and MatchRun.objects.filter(kind=MatchRun.Kind.BATCH).count() == 1

    callbacks[0]()  # the worker runs it

    proposal = BatchProposal.objects.get()
    run.refresh_from_db()
    assert (run.status, proposal.run, proposal.created_by) == (MatchRun.Status.SUCCEEDED, run, staff)
    assert proposal.pairs.count() == 2
    ready = client.get(response["Location"]).content.decode()
    assert f'href="{reverse("matching:batch_detail", kwargs={"pk": proposal.pk})}"' in ready
    assert "Pairs proposed" in ready
    assert tasks.batch_propose.delay(run.pk).get() is None  # a redelivered task finds nothing to claim
    assert BatchProposal.objects.count() == 1


def test_a_batch_that_fails_in_the_worker_is_shown_failed_with_no_draft(
    staff: User,
    batch_world: dict[str, object],
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
    client_for: ClientFor,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("solver stopped")

    monkeypatch.setattr(engine, "assign_optimal", broken)
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:batch_create"))
    run = MatchRun.objects.get(kind=MatchRun.Kind.BATCH)
    assert run.status == MatchRun.Status.FAILED
    assert not BatchProposal.objects.exists() and not ProposedPair.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "solver stopped" in page and "Review batch proposal" not in page
    # A new batch can be asked for once the failed one has finished.
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("matching:batch_create"))
    assert MatchRun.objects.filter(kind=MatchRun.Kind.BATCH).count() == 2


def test_a_batch_never_proposes_one_mentor_for_two_requests_of_the_same_mutual(staff: User, mutual: Mutual) -> None:
    # Both requests would rather have Bea, who has room for two; only one of them may be introduced to her.
    first = MentoringRequestFactory(mutual=mutual, topics=[topic(), topic("pensions")])
    second = MentoringRequestFactory(mutual=mutual, topics=[topic(), topic("pensions")])
    bea = MentorProfileFactory(capacity=2, topics=[topic(), topic("pensions")], user__full_name="Bea Both")
    other = MentorProfileFactory(capacity=1, topics=[topic()], user__full_name="Omar Other")

    proposal = services.batch_propose(user=staff)

    pairs = dict(proposal.pairs.values_list("request_id", "mentor_id"))
    assert sorted(pairs) == sorted([first.pk, second.pk])
    assert sorted(pairs.values()) == sorted([bea.pk, other.pk])
    assert proposal.greedy_assigned == 2
