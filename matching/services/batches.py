"""Batch proposals: a draft of introductions for every open request from the optimal assignment, reviewed and
published by the programme team."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from accounts.conduct import conduct_accepted
from accounts.models import MentorProfile, User
from matching import engine, loading
from matching.models import (
    BatchProposal,
    Introduction,
    MatchRun,
    MentoringRequest,
    ProposedPair,
)
from matching.services.common import PERSIST_BATCH_SIZE, SUGGESTIONS_PER_REQUEST, MatchingError
from matching.services.introductions import _introduction_prepare, _mentor_has_room, introduction_send
from matching.services.runs import PhaseClock, _execute, _run_begin

logger = logging.getLogger(__name__)


def batch_propose(*, user: User | None, run: MatchRun | None = None) -> BatchProposal:
    """A draft of introductions for every open request, from the optimal capacity-respecting assignment in which no
    mentor is proposed to two requests of the same mutual. `run` is a queued run claimed by a worker (see
    batch_queue); without it, a new run is recorded. Raises MatchingError when the computation fails (the run is
    then marked failed with the error)."""
    run, weights = _run_begin(kind=MatchRun.Kind.BATCH, source=MatchRun.Source.USER, started_by=user, run=run)
    clock = PhaseClock(run=run, report_progress=False)
    created: list[BatchProposal] = []

    def work() -> dict[str, Any]:
        with clock.phase("load"):
            open_requests = MentoringRequest.objects.filter(status=MentoringRequest.Status.OPEN).exclude(
                introductions__status__in=Introduction.OPEN_STATUSES
            )
            loaded = loading.prepare(open_requests)
            batch, mentors, taxonomy = loaded.batch, loaded.mentors, loaded.taxonomy
        with clock.phase("score"):
            topk = engine.score_top_k(
                batch.arrays, mentors, taxonomy, weights, k=SUGGESTIONS_PER_REQUEST, excluded_pairs=batch.excluded_pairs
            )
        with clock.phase("assign"):
            spare = mentors.spare_capacity
            optimal = engine.assign_optimal(topk, spare, batch.mutual_ids)
            greedy = engine.assign_greedy(topk, spare, batch.mutual_ids)
        with clock.phase("explain"):
            pairs = []
            for row in np.nonzero(optimal.mentor_rows >= 0)[0].tolist():
                mentor_row = int(optimal.mentor_rows[row])
                rank = int(np.nonzero(topk.mentor_rows[row] == mentor_row)[0][0])
                component_values = topk.components[row, rank]
                pairs.append(
                    ProposedPair(
                        request_id=int(batch.arrays.ids[row]),
                        mentor_id=int(mentors.ids[mentor_row]),
                        score=round(float(topk.scores[row, rank]), 4),
                        components={
                            name: round(float(value), 4)
                            for name, value in zip(engine.COMPONENTS, component_values.tolist(), strict=True)
                        },
                        reasons=engine.explain(row, mentor_row, component_values, batch.arrays, mentors, taxonomy),
                    )
                )
        with clock.phase("persist"), transaction.atomic():
            proposal = BatchProposal.objects.create(
                run=run,
                created_by=user,
                request_count=len(batch),
                total_score=round(float(optimal.total_score), 4),
                greedy_total_score=round(float(greedy.total_score), 4),
                greedy_assigned=int(greedy.assigned),
            )
            for pair in pairs:
                pair.proposal = proposal
            ProposedPair.objects.bulk_create(pairs, batch_size=PERSIST_BATCH_SIZE)
            created.append(proposal)
        return {
            "request_count": len(batch),
            "mentor_count": len(mentors.ids),
            "suggestion_count": len(pairs),
            "assigned_count": int(optimal.assigned),
            "assignment_total_score": round(float(optimal.total_score), 4),
        }

    _execute(run, clock, work)
    if not created:
        raise MatchingError(f"The batch could not be computed: {run.error}")
    return created[0]


@transaction.atomic
def batch_remove_pair(*, proposal: BatchProposal, pair_id: int, user: User) -> ProposedPair:
    """Take one pair out of a draft: it will not be introduced when the proposal is published."""
    proposal = BatchProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_draft:
        raise MatchingError("Pairs can only be removed from a draft.")
    pair = proposal.pairs.filter(pk=pair_id, outcome=ProposedPair.Outcome.PROPOSED).first()
    if pair is None:
        raise MatchingError("Choose a pair that is still in the proposal.")
    pair.outcome = ProposedPair.Outcome.REMOVED
    pair.outcome_note = f"Removed by {user}"[:300]
    pair.save(update_fields=["outcome", "outcome_note"])
    return pair


@transaction.atomic
def batch_discard(*, proposal: BatchProposal, user: User) -> BatchProposal:
    proposal = BatchProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_draft:
        raise MatchingError("Only a draft can be discarded.")
    proposal.status = BatchProposal.Status.DISCARDED
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return proposal


@transaction.atomic
def batch_publish(*, proposal: BatchProposal, user: User) -> BatchProposal:
    """Send an introduction for every pair left in the draft.

    Things may have moved since the draft was made: a pair whose request is no longer open, or whose mentor has no
    room left, is skipped and the reason recorded on the pair.
    """
    proposal = BatchProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_draft:
        raise MatchingError("This proposal has already been published or discarded.")
    pairs = list(proposal.pairs.filter(outcome=ProposedPair.Outcome.PROPOSED).order_by("-score", "id"))
    for pair in pairs:
        request = MentoringRequest.objects.select_for_update().get(pk=pair.request_id)
        profile = MentorProfile.objects.select_for_update().get(pk=pair.mentor_id)
        if request.status != MentoringRequest.Status.OPEN:
            _pair_skip(pair, "The request is no longer open.")
            continue
        if not _mentor_has_room(profile):
            _pair_skip(pair, "The mentor has no room left.")
            continue
        if not conduct_accepted(user=profile.user):
            _pair_skip(pair, "The mentor has not accepted the current code of conduct.")
            continue
        try:
            with transaction.atomic():
                introduction = _introduction_prepare(
                    request=request,
                    mentor_id=pair.mentor_id,
                    source=Introduction.Source.BATCH,
                    preference=None,
                    score=pair.score,
                    reasons=pair.reasons,
                    created_by=user,
                )
                introduction_send(introduction=introduction)
        except MatchingError as error:
            _pair_skip(pair, str(error))
            continue
        pair.outcome = ProposedPair.Outcome.INTRODUCED
        pair.save(update_fields=["outcome"])
    proposal.status = BatchProposal.Status.PUBLISHED
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return proposal


def _pair_skip(pair: ProposedPair, note: str) -> None:
    pair.outcome = ProposedPair.Outcome.SKIPPED
    pair.outcome_note = note[:300]
    pair.save(update_fields=["outcome", "outcome_note"])
