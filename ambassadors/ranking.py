"""Ranks ambassadors for an engagement request with the matching engine (matching/engine/).

The engine is pure: this module turns ambassadors and a request into its arrays, through the same encoding of the
taxonomy, regions and formats as mentors and mentoring requests (matching/loading/taxonomy.py). An ambassador's
capacity is the number of engagements they take on each quarter; their load is the engagements held in the last
90 days plus the invitations waiting for a reply or accepted but not yet held. Stages do not apply to engagements,
so the stage weight is zero.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ambassadors.models import Ambassador, EngagementInvitation, EngagementRequest
from ambassadors.selectors import ambassadors_for_matching
from matching import engine, loading

ENGAGEMENT_WEIGHTS = engine.Weights(service_area=0.25, topics=0.4, region=0.2, stage=0.0, capacity=0.15)


@dataclass(frozen=True)
class AmbassadorCandidate:
    """An ambassador the engine suggests for an engagement request (shown, never stored)."""

    ambassador: Ambassador
    score: float
    strength: str
    reasons: list[str]


def ambassador_arrays(ambassadors: Sequence[Ambassador], index: loading.TaxonomyIndex) -> engine.MentorArrays:
    """Ambassadors as engine candidates, one row each in the order given, which must be by id (as
    selectors.ambassadors_for_matching returns them). Each needs `load` annotated by that selector."""
    ids = np.array([ambassador.pk for ambassador in ambassadors], dtype=np.int64)
    area_pairs = [(ambassador.pk, area.pk) for ambassador in ambassadors for area in ambassador.service_areas.all()]
    topic_pairs = [(ambassador.pk, topic.pk) for ambassador in ambassadors for topic in ambassador.topics.all()]
    region_ids = np.array([ambassador.region_id for ambassador in ambassadors], dtype=np.int64)
    return engine.MentorArrays(
        ids=ids,
        service_areas=loading.scatter(ids, loading.id_pairs(area_pairs), index.service_areas),
        topics=loading.scatter(ids, loading.id_pairs(topic_pairs), index.topics),
        stages=np.zeros((len(ids), len(index.stages)), dtype=bool),
        region=index.regions.of(region_ids).astype(np.int32),
        format=loading.format_codes(ambassador.format for ambassador in ambassadors),
        capacity=np.array([ambassador.engagements_per_quarter for ambassador in ambassadors], dtype=np.int32),
        load=np.array([getattr(ambassador, "load", 0) for ambassador in ambassadors], dtype=np.int32),
        eligible=np.array([ambassador.is_active for ambassador in ambassadors], dtype=bool),
    )


def request_arrays(request: EngagementRequest, index: loading.TaxonomyIndex) -> engine.RequestArrays:
    return loading.encode_requests(
        index,
        ids=np.array([request.pk], dtype=np.int64),
        service_area_ids=np.array([request.service_area_id], dtype=np.int64),
        topic_pairs=loading.id_pairs([(request.pk, topic.pk) for topic in request.topics.all()]),
        stage_ids=None,  # stages do not apply to engagements
        region_ids=np.array([request.region_id], dtype=np.int64),
        formats=[request.format],
    )


_ROOM = re.compile(r"^Has room for (?P<count>\d+) more mutuals?$")


def engagement_wording(reasons: list[str]) -> list[str]:
    """The engine counts an ambassador's capacity in its own unit, "room for N more mutuals"; for an ambassador it
    is engagements this quarter (capacity is engagements_per_quarter, load those already agreed)."""
    worded = []
    for reason in reasons:
        room = _ROOM.match(reason)
        if room:
            count = int(room["count"])
            reason = f"Has time for {count} more engagement{'s' if count != 1 else ''} this quarter"
        worded.append(reason)
    return worded


def suggest_ambassadors(request: EngagementRequest, *, k: int = 5) -> list[AmbassadorCandidate]:
    """The best k ambassadors for the request, best first, each with plain-language reasons.

    Excluded: anyone who declined this request, and the requester themselves.
    """
    ambassadors = list(ambassadors_for_matching())
    if not ambassadors:
        return []
    index = loading.load_taxonomy()
    candidates = ambassador_arrays(ambassadors, index)
    requests = request_arrays(request, index)
    if not requests.topics.any():
        return []
    declined = set(
        EngagementInvitation.objects.filter(request=request, status=EngagementInvitation.Status.DECLINED).values_list(
            "ambassador_id", flat=True
        )
    )
    excluded_rows = [
        row for row, a in enumerate(ambassadors) if a.pk in declined or a.user_id == request.requested_by_id
    ]
    excluded_pairs = np.array([(0, row) for row in excluded_rows], dtype=np.int64).reshape(-1, 2)
    top = engine.score_top_k(
        requests, candidates, index.taxonomy, ENGAGEMENT_WEIGHTS, k=k, excluded_pairs=excluded_pairs
    )
    suggestions = []
    for column in range(top.mentor_rows.shape[1]):
        row = int(top.mentor_rows[0, column])
        if row < 0:
            continue
        score = float(top.scores[0, column])
        reasons = engagement_wording(
            engine.explain(0, row, top.components[0, column], requests, candidates, index.taxonomy)
        )
        suggestions.append(AmbassadorCandidate(ambassadors[row], score, engine.strength_band(score), reasons))
    return suggestions
