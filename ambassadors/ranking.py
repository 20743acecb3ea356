"""Ranks ambassadors for an engagement request with the matching engine (matching/engine.py).

The engine is pure: this module turns ambassadors and a request into its arrays. An ambassador's capacity is the
number of engagements they take on each quarter; their load is the engagements held in the last 90 days plus the
invitations waiting for a reply or accepted but not yet held. Stages do not apply to engagements, so the stage
weight is zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from accounts.models import Region, ServiceArea, Stage, SupportTopic
from ambassadors.models import Ambassador, EngagementInvitation, EngagementRequest, Format
from ambassadors.selectors import ambassadors_for_matching
from matching import engine

ENGAGEMENT_WEIGHTS = engine.Weights(service_area=0.25, topics=0.4, region=0.2, stage=0.0, capacity=0.15)
FORMAT_CODES = {Format.REMOTE: engine.REMOTE, Format.IN_PERSON: engine.IN_PERSON, Format.EITHER: engine.EITHER}


@dataclass(frozen=True)
class TaxonomyIndex:
    taxonomy: engine.Taxonomy
    service_area_column: dict[int, int]
    topic_column: dict[int, int]
    region_row: dict[int, int]


@dataclass(frozen=True)
class Suggestion:
    ambassador: Ambassador
    score: float
    strength: str
    reasons: list[str]


def taxonomy_index() -> TaxonomyIndex:
    """Every taxonomy term (active or not, so old profiles still map) as array columns, with labels."""
    service_areas = list(ServiceArea.objects.order_by("pk"))
    topics = list(SupportTopic.objects.order_by("pk"))
    stages = list(Stage.objects.order_by("pk"))
    regions = list(Region.objects.order_by("pk"))
    region_row = {region.pk: row for row, region in enumerate(regions)}
    adjacency = np.zeros((len(regions), len(regions)), dtype=bool)
    for from_id, to_id in Region.neighbours.through.objects.values_list("from_region_id", "to_region_id"):
        adjacency[region_row[from_id], region_row[to_id]] = True
        adjacency[region_row[to_id], region_row[from_id]] = True
    np.fill_diagonal(adjacency, False)
    taxonomy = engine.Taxonomy(
        service_areas=tuple(area.name.lower() for area in service_areas),
        topics=tuple(topic.label for topic in topics),
        stages=tuple(stage.name.lower() for stage in stages),
        regions=tuple(region.name for region in regions),
        region_adjacency=adjacency,
    )
    return TaxonomyIndex(
        taxonomy=taxonomy,
        service_area_column={area.pk: column for column, area in enumerate(service_areas)},
        topic_column={topic.pk: column for column, topic in enumerate(topics)},
        region_row=region_row,
    )


def ambassador_arrays(ambassadors: Sequence[Ambassador], index: TaxonomyIndex) -> engine.MentorArrays:
    """Ambassadors as engine candidates. Each needs `load` annotated (see selectors.ambassadors_for_matching)."""
    count = len(ambassadors)
    service_areas = np.zeros((count, len(index.taxonomy.service_areas)), dtype=bool)
    topics = np.zeros((count, len(index.taxonomy.topics)), dtype=bool)
    for row, ambassador in enumerate(ambassadors):
        for area in ambassador.service_areas.all():
            service_areas[row, index.service_area_column[area.pk]] = True
        for topic in ambassador.topics.all():
            topics[row, index.topic_column[topic.pk]] = True
    return engine.MentorArrays(
        ids=np.array([a.pk for a in ambassadors], dtype=np.int64),
        service_areas=service_areas,
        topics=topics,
        stages=np.zeros((count, len(index.taxonomy.stages)), dtype=bool),
        region=np.array([index.region_row[a.region_id] for a in ambassadors], dtype=np.int32),
        format=np.array([FORMAT_CODES[Format(a.format)] for a in ambassadors], dtype=np.int8),
        capacity=np.array([a.engagements_per_quarter for a in ambassadors], dtype=np.int32),
        load=np.array([getattr(a, "load", 0) for a in ambassadors], dtype=np.int32),
        eligible=np.array([a.is_active for a in ambassadors], dtype=bool),
    )


def request_arrays(request: EngagementRequest, index: TaxonomyIndex) -> engine.RequestArrays:
    service_areas = np.zeros((1, len(index.taxonomy.service_areas)), dtype=bool)
    service_areas[0, index.service_area_column[request.service_area_id]] = True
    topics = np.zeros((1, len(index.taxonomy.topics)), dtype=bool)
    for topic in request.topics.all():
        topics[0, index.topic_column[topic.pk]] = True
    return engine.RequestArrays(
        ids=np.array([request.pk], dtype=np.int64),
        service_areas=service_areas,
        topics=topics,
        stage=np.array([-1], dtype=np.int32),
        region=np.array([index.region_row[request.region_id]], dtype=np.int32),
        format=np.array([FORMAT_CODES[Format(request.format)]], dtype=np.int8),
    )


def suggest_ambassadors(request: EngagementRequest, *, k: int = 5) -> list[Suggestion]:
    """The best k ambassadors for the request, best first, each with plain-language reasons.

    Excluded: anyone who declined this request, and the requester themselves.
    """
    ambassadors = list(ambassadors_for_matching())
    if not ambassadors:
        return []
    index = taxonomy_index()
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
        reasons = engine.explain(0, row, top.components[0, column], requests, candidates, index.taxonomy)
        suggestions.append(Suggestion(ambassadors[row], score, engine.strength_band(score), reasons))
    return suggestions
