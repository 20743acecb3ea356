"""The feature matrices `score_top_k` multiplies: requests and candidate mentors encoded in whole score units, and
for each request category (region and format) the layout of the candidates it could meet.

- A pair's score, except whether the mentor covers any requested topic, is one dot product of a request row and a
  candidate row whose entries are whole units (exact in float32 below 2**24); the candidate row's last column takes
  the category's region and capacity units.
- Pairs whose format cannot work are not computed at all: each category lists only the candidates it could meet.
- Topics are also bit sets, for the test that a mentor covers at least one requested topic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from matching.engine.datatypes import (
    FORMATS,
    RECENCY_MONTHS,
    BoolArray,
    FloatArray,
    IntArray,
    MentorArrays,
    RequestArrays,
    Taxonomy,
    Weights,
)
from matching.engine.rules import component_units, region_tenths_table, tie_codes

# Any sum of unit-valued features stays above -2**23 and below 2**21, so float32 holds it exactly.
INFEASIBLE = -(2**22)


@dataclass(frozen=True)
class Layout:
    """Where the mentors one request category can be matched with sit in its blocks: candidate q = j * group + i
    of the category (its feasible candidates in id order) at position i * group_count + j, so that group j is one
    column of a (group, group_count) grid and the best score of every group is an elementwise maximum over `group`
    slices of a row."""

    position_candidate: IntArray  # (P,) candidate at each position (C, the empty candidate, for padding)
    group: int  # mentors per column group
    group_count: int

    @property
    def positions(self) -> int:
        return self.group * self.group_count


@dataclass(frozen=True)
class Encoded:
    """Feature matrices for the block products, one row per candidate (and one empty row, C, for padding); request
    blocks are runs of requests that share a (region, format) category, each scored against its `layouts` entry."""

    request_features: FloatArray  # (R, F) units for topics and service area, 1 at the request's stage
    candidate_features: FloatArray  # (C + 1, F + 1) 0/1 for topics and service areas, units at each stage, 0
    # Per request category: units every candidate gets for region and capacity, +1 so that any feasible pair scores
    # at least 1 (a format that cannot work, or the padding row, is far below 0).
    category_units: FloatArray  # (categories, C + 1)
    request_category: IntArray  # (R,)
    request_topic_bits: np.ndarray  # (R, words) unsigned: requested topics as bits
    candidate_topic_bits: np.ndarray  # (C + 1, words)
    multi_area_rows: BoolArray  # (R,) requests asking about more than one area: see `_add_multi_area`
    request_areas: FloatArray  # (R, S) 0/1
    area_columns: slice  # the service-area features
    area_units: int
    # Candidate q is the q-th mentor, in id order, who can be suggested at all (eligible, with room).
    candidate_rows: IntArray  # (C,) mentor row of each candidate
    request_tie: np.ndarray  # uint32 (R,) odd multipliers (rules.tie_codes)
    candidate_tie: np.ndarray  # uint32 (C + 1,) mentor code of each candidate (0 for padding)
    layouts: dict[int, Layout]  # per request category present


def _group_layout(candidate_count: int, k: int) -> tuple[int, int]:
    """Mentors per group and number of groups; about sqrt(candidates / k) per group balances the two ranking steps."""
    if candidate_count <= 4 * k:
        return 1, max(candidate_count, 1)
    group = 1 << round(math.log2(math.sqrt(candidate_count / k)))
    group = max(1, min(group, 64))
    return group, -(-candidate_count // group)


def topic_bits(topics: np.ndarray) -> np.ndarray:
    """Bool (N, T) as bit sets in the narrowest unsigned type: (N, 1) up to 64 topics, (N, ceil(T / 64)) beyond."""
    packed = np.packbits(np.asarray(topics, dtype=bool), axis=1, bitorder="little")
    width = packed.shape[1]
    for size, dtype in ((1, np.uint8), (2, np.uint16), (4, np.uint32)):
        if width <= size:
            padded = np.zeros((packed.shape[0], size), dtype=np.uint8)
            padded[:, :width] = packed
            return padded.view(dtype)
    padded = np.zeros((packed.shape[0], -(-width // 8) * 8), dtype=np.uint8)
    padded[:, :width] = packed
    return padded.view(np.uint64)


def encode(
    requests: RequestArrays,
    mentors: MentorArrays,
    taxonomy: Taxonomy,
    weights: Weights,
    k: int,
    tie_key: int | None,
) -> Encoded:
    units = component_units(weights)
    area_units, topic_units, region_units, stage_units, capacity_units, recency_units = (int(value) for value in units)
    format_count = len(FORMATS)
    category_count = len(taxonomy.regions) * format_count

    spare = mentors.spare_capacity
    candidate_rows = np.flatnonzero(spare > 0)
    candidate_rows = candidate_rows[np.argsort(mentors.ids[candidate_rows], kind="stable")].astype(np.int64)
    candidate_count = candidate_rows.shape[0]
    rows = candidate_rows

    topic_count = mentors.topics.shape[1]
    area_count = mentors.service_areas.shape[1]
    stage_count = mentors.stages.shape[1]
    area_start = topic_count
    stage_start = topic_count + area_count
    feature_count = stage_start + stage_count
    # One more column, filled for each category with its units (`_MentorSides`; the request side is 1 there).
    candidate_features = np.zeros((candidate_count + 1, feature_count + 1), dtype=np.float32)
    candidate_features[:candidate_count, :topic_count] = mentors.topics[rows]
    candidate_features[:candidate_count, area_start:stage_start] = mentors.service_areas[rows]
    # Stage columns carry the mentor's units for the request's stage: the stage component if they have helped at
    # that stage, plus the recent-stage component at their recency level (the request side is 1 at its stage).
    candidate_features[:candidate_count, stage_start:feature_count] = stage_units * mentors.stages[rows] + (
        recency_units * mentors.recency[rows].astype(np.int64) // RECENCY_MONTHS
    )

    tenths = region_tenths_table(taxonomy.region_adjacency).reshape(category_count, category_count)
    region_part = np.where(tenths >= 0, region_units * tenths // 10, INFEASIBLE)
    mentor_category = mentors.region[rows].astype(np.int64) * format_count + mentors.format[rows]
    category_units = np.full((category_count, candidate_count + 1), INFEASIBLE, dtype=np.float32)
    category_units[:, :candidate_count] = (
        region_part[:, mentor_category] + capacity_units * spare[rows] // mentors.capacity[rows] + 1
    )

    request_count = len(requests)
    request_topics = np.asarray(requests.topics, dtype=bool)
    requested = request_topics.sum(axis=1)
    per_topic_units = topic_units // np.maximum(requested, 1)
    area_counts = requests.service_areas.sum(axis=1)
    request_features = np.zeros((request_count, feature_count), dtype=np.float32)
    request_features[:, :topic_count] = request_topics * per_topic_units[:, None]
    single_area_units = np.where(area_counts == 1, area_units, 0)
    request_features[:, area_start:stage_start] = requests.service_areas * single_area_units[:, None]
    known_stage = np.flatnonzero(requests.stage >= 0)
    request_features[known_stage, stage_start + requests.stage[known_stage]] = 1.0

    request_tie, mentor_codes = tie_codes(requests.ids, mentors.ids[rows], tie_key)
    candidate_tie = np.zeros(candidate_count + 1, dtype=np.uint32)
    candidate_tie[:candidate_count] = mentor_codes
    request_category = requests.region.astype(np.int64) * format_count + requests.format
    return Encoded(
        request_features=request_features,
        candidate_features=candidate_features,
        category_units=category_units,
        request_category=request_category,
        request_topic_bits=topic_bits(request_topics),
        candidate_topic_bits=topic_bits(candidate_features[:, :topic_count] > 0),
        multi_area_rows=area_counts > 1,
        request_areas=np.asarray(requests.service_areas, dtype=np.float32),
        area_columns=slice(area_start, stage_start),
        area_units=area_units,
        candidate_rows=candidate_rows,
        request_tie=request_tie,
        candidate_tie=candidate_tie,
        layouts={
            category: _layout(np.flatnonzero(category_units[category, :candidate_count] > 0), candidate_count, k)
            for category in np.unique(request_category).tolist()
        },
    )


def _layout(feasible: IntArray, candidate_count: int, k: int) -> Layout:
    """The grid of `Layout` over the candidates `feasible` (ascending: id order)."""
    group, group_count = _group_layout(feasible.shape[0], k)
    slot = np.arange(group * group_count, dtype=np.int64).reshape(group_count, group).T.reshape(-1)
    position_candidate = np.full(slot.shape[0], candidate_count, dtype=np.int64)
    real = slot < feasible.shape[0]
    position_candidate[real] = feasible[slot[real]]
    return Layout(position_candidate=position_candidate, group=group, group_count=group_count)
