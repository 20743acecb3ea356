"""Which open requests one mentor can affect: what a mentor's refresh reads and re-ranks (services/runs.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db.models import Count, Min, Q

from accounts.models import MentorProfile
from matching import engine, loading
from matching.models import MentoringRequest, Suggestion
from matching.services.common import SUGGESTIONS_PER_REQUEST


def _requests_mentor_could_serve(profile_id: int) -> Any:
    """The open requests a mentor's profile can change: those sharing one of the mentor's topics in a format both
    can meet in (any other pair scores nothing), and those the mentor is suggested for now (which they may leave).
    Selected in the database, so a refresh reads a fraction of the open requests rather than all of them."""
    open_requests = MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES)
    profile = MentorProfile.objects.filter(pk=profile_id).values("format").first()
    suggested = Suggestion.objects.filter(mentor_id=profile_id, state=Suggestion.State.CURRENT).values("request_id")
    if profile is None:
        return open_requests.filter(id__in=suggested)
    topics = MentorProfile.topics.through.objects.filter(mentorprofile_id=profile_id).values("supporttopic_id")
    servable = MentoringRequest.objects.filter(topics__in=topics)
    impossible: str | None = {
        MentorProfile.Format.IN_PERSON.value: MentoringRequest.Format.REMOTE.value,
        MentorProfile.Format.REMOTE.value: MentoringRequest.Format.IN_PERSON.value,
    }.get(str(profile["format"]))
    if impossible is not None:
        servable = servable.exclude(format=impossible)
    return open_requests.filter(Q(id__in=servable.values("id")) | Q(id__in=suggested))


def _requests_where_mentor_matters(
    profile_id: int,
    batch: loading.RequestBatch,
    mentors: engine.MentorArrays,
    taxonomy: engine.Taxonomy,
    weights: engine.Weights,
    table: loading.MentorTable,
    requests: Any,
) -> np.ndarray:
    """Rows of `batch` (the open `requests`) whose ranking may change because of this mentor."""
    request_ids = batch.arrays.ids
    suggested = set(
        Suggestion.objects.filter(
            mentor_id=profile_id, state=Suggestion.State.CURRENT, request_id__in=_open_request_ids()
        ).values_list("request_id", flat=True)
    )
    rows = {int(row) for row in np.nonzero(np.isin(request_ids, list(suggested)))[0]}
    mentor_row = int(table.rows_of(np.array([profile_id], dtype=np.int64))[0])
    if mentor_row >= 0 and len(request_ids):
        alone = loading.mentor_subset(mentors, mentor_row)
        excluded = batch.excluded_pairs[batch.excluded_pairs[:, 1] == mentor_row]
        excluded = np.stack([excluded[:, 0], np.zeros(len(excluded), dtype=np.int64)], axis=1)
        own = engine.score_top_k(
            batch.arrays, alone, taxonomy, weights, k=1, excluded_pairs=excluded, tie_key=loading.tie_key()
        )
        feasible = own.mentor_rows[:, 0] >= 0
        lowest = np.zeros(len(request_ids), dtype=np.float64)
        full = np.zeros(len(request_ids), dtype=bool)
        current = (
            Suggestion.objects.filter(state=Suggestion.State.CURRENT, request_id__in=requests.values("id"))
            .values("request_id")
            .annotate(count=Count("id"), lowest=Min("score"))
            .values_list("request_id", "count", "lowest")
        )
        for request_id, count, low in current:
            row = int(np.searchsorted(request_ids, request_id))
            if row < len(request_ids) and request_ids[row] == request_id:
                full[row] = count >= SUGGESTIONS_PER_REQUEST
                lowest[row] = low
        enters = feasible & (~full | (own.scores[:, 0] >= lowest))
        rows.update(int(row) for row in np.nonzero(enters)[0])
    return np.array(sorted(rows), dtype=np.int64)


def _open_request_ids() -> Any:
    return MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES).values("id")
