"""Candidates scored in the web process and shown, never stored: the mentors staff may introduce by hand, and the
preview of how the top suggestions would change under proposed weights. Both run the engine on the current data.

(The stored ranking, matching.models.Suggestion, is computed by the runs in matching/services/runs.py.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accounts.models import MentorProfile
from matching import engine, loading
from matching.models import MentoringRequest
from matching.selectors import weights_current

PREVIEW_SAMPLE_SIZE = 8
PREVIEW_TOP = 5


@dataclass(frozen=True)
class Candidate:
    mentor_id: int
    score: float
    components: dict[str, float]
    reasons: list[str]
    mentor: MentorProfile | None = None

    @property
    def band(self) -> str:
        return engine.strength_band(self.score)


def eligible_mentors(
    request: MentoringRequest, *, limit: int | None = None, mentor_id: int | None = None
) -> list[Candidate]:
    """Every mentor who could be introduced for the request, best first (or just `mentor_id`, if eligible).

    Eligible means what the engine allows: approved, not paused, with room, covering at least one topic, a format
    that can work, and not excluded (conflict of interest, declined before, or worked with the mutual already).
    """
    weights, _ = weights_current()
    loaded = loading.prepare(MentoringRequest.objects.filter(pk=request.pk))
    batch, mentors = loaded.batch, loaded.mentors
    if len(batch) == 0 or len(mentors.ids) == 0:
        return []
    if mentor_id is not None:
        row = int(loaded.table.rows_of(np.array([mentor_id], dtype=np.int64))[0])
        if row < 0:
            return []
        mentors = loading.mentor_subset(mentors, row)
        excluded = batch.excluded_pairs[batch.excluded_pairs[:, 1] == row]
        excluded[:, 1] = 0
        batch = loading.RequestBatch(arrays=batch.arrays, mutual_ids=batch.mutual_ids, excluded_pairs=excluded)
    else:
        batch, mentors = loading.candidates_only(batch, mentors)
        if len(mentors.ids) == 0:
            return []
    k = len(mentors.ids) if limit is None else min(limit, len(mentors.ids))
    topk = engine.score_top_k(
        batch.arrays,
        mentors,
        loaded.taxonomy,
        weights,
        k=k,
        excluded_pairs=batch.excluded_pairs,
        tie_key=loading.tie_key(),
    )
    candidates = []
    for slot in range(k):
        mentor_row = int(topk.mentor_rows[0, slot])
        if mentor_row < 0:
            break
        components = topk.components[0, slot]
        candidates.append(
            Candidate(
                mentor_id=int(mentors.ids[mentor_row]),
                score=round(float(topk.scores[0, slot]), 4),
                components={
                    name: round(float(value), 4)
                    for name, value in zip(engine.COMPONENTS, components.tolist(), strict=True)
                },
                reasons=engine.explain(0, mentor_row, components, batch.arrays, mentors, loaded.taxonomy),
            )
        )
    profiles = MentorProfile.objects.select_related("user", "region").in_bulk([c.mentor_id for c in candidates])
    return [
        Candidate(c.mentor_id, c.score, c.components, c.reasons, profiles.get(c.mentor_id))
        for c in candidates
        if c.mentor_id in profiles
    ]


@dataclass(frozen=True)
class PreviewEntry:
    mentor: MentorProfile
    rank: int
    score: float
    previous_rank: int | None  # None: not in the top list under the current weights

    @property
    def movement(self) -> str:
        if self.previous_rank is None:
            return "new"
        if self.previous_rank > self.rank:
            return "up"
        if self.previous_rank < self.rank:
            return "down"
        return "same"


@dataclass(frozen=True)
class PreviewRow:
    request: MentoringRequest
    proposed: list[PreviewEntry]
    dropped: list[MentorProfile]  # in the current top list, not in the proposed one

    @property
    def changed(self) -> bool:
        return bool(self.dropped) or any(entry.movement != "same" for entry in self.proposed)


def weights_preview(
    proposed: engine.Weights, *, sample_size: int = PREVIEW_SAMPLE_SIZE, top: int = PREVIEW_TOP
) -> list[PreviewRow]:
    """How the top suggestions of the newest open requests would change if `proposed` replaced the current weights."""
    current, _ = weights_current()
    sample = list(
        MentoringRequest.objects.filter(status=MentoringRequest.Status.OPEN)
        .select_related("mutual")
        .order_by("-created_at", "-id")[:sample_size]
    )
    if not sample:
        return []
    loaded = loading.prepare(MentoringRequest.objects.filter(pk__in=[r.pk for r in sample]))
    batch, mentors = loading.candidates_only(loaded.batch, loaded.mentors)
    taxonomy = loaded.taxonomy
    key = loading.tie_key()
    before = engine.score_top_k(
        batch.arrays, mentors, taxonomy, current, k=top, excluded_pairs=batch.excluded_pairs, tie_key=key
    )
    after = engine.score_top_k(
        batch.arrays, mentors, taxonomy, proposed, k=top, excluded_pairs=batch.excluded_pairs, tie_key=key
    )
    involved = {
        int(mentors.ids[row]) for row in np.concatenate([before.mentor_rows, after.mentor_rows]).ravel() if row >= 0
    }
    profiles = MentorProfile.objects.select_related("user").in_bulk(list(involved))
    by_id = {request.pk: request for request in sample}
    rows = []
    for row, request_id in enumerate(batch.arrays.ids.tolist()):
        old_ids = [int(mentors.ids[m]) for m in before.mentor_rows[row] if m >= 0]
        new_ids = [int(mentors.ids[m]) for m in after.mentor_rows[row] if m >= 0]
        entries = [
            PreviewEntry(
                mentor=profiles[mentor_id],
                rank=rank,
                score=round(float(after.scores[row, rank - 1]), 4),
                previous_rank=old_ids.index(mentor_id) + 1 if mentor_id in old_ids else None,
            )
            for rank, mentor_id in enumerate(new_ids, start=1)
        ]
        dropped = [profiles[mentor_id] for mentor_id in old_ids if mentor_id not in new_ids]
        rows.append(PreviewRow(request=by_id[request_id], proposed=entries, dropped=dropped))
    rows.sort(key=lambda preview: (-preview.request.created_at.timestamp(), -preview.request.pk))
    return rows
