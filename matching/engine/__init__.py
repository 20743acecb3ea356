"""The matching engine: score mentors for mentoring requests, explain the scores, assign requests to mentors.

Pure functions over NumPy arrays and frozen dataclasses; no ORM, no settings, no request. The callers (matching
services, ambassador engagements, the benchmark) encode their rows into `RequestArrays` and `MentorArrays`.

Scores are fixed point. Each weighted component is rounded down to whole units of 1 / SCALE (see
`component_units`), so a score is an exact integer number of units: every way of computing it (any block size, any
summation order inside BLAS, the one-pair-at-a-time reference in `matching.engine_reference`) gives the same
number, ties are real ties, and ties are broken by the lower mentor id. A score is at most (7 + topics) units
below sum(w_i * c_i) / sum(w): about 2e-5 with the programme's 14 topics.

How `score_top_k` stays fast and small (R requests x M mentors):
- Requests are scored in blocks of requests that share a region and format, so a pair's score (except whether the
  mentor covers any requested topic) is one dot product of a request row and a mentor row whose entries are whole
  units: one float32 matrix product per block gives exact scores (integers below 2**24 are exact in float32). Pairs
  whose format cannot work get a large negative term from the same product.
- Topics are also bit sets: a bitwise AND per block zeroes the pairs that share no topic.
- Exact top k without sorting whole rows: mentors are laid out so that each run of `group` mentors adjacent in id
  order is a column group; the best k groups per request (by their best score, ties to the lower ids) must hold the
  best k mentors, so only k * group candidates per request are ranked exactly.
- Blocks are scored on a small pool of threads (NumPy and BLAS release the GIL).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

COMPONENTS = ("service_area", "topics", "region", "stage", "capacity")
REMOTE, IN_PERSON, EITHER = 0, 1, 2  # format codes (mentor's and request's)
FORMATS = (REMOTE, IN_PERSON, EITHER)

SCALE = 1_000_000  # score units per 1.0 of score
# The region component (same region 1, neighbouring 0.6, remote for both 0.3) in tenths, so that its units are
# computed with integer arithmetic.
_REGION_TENTHS = {"same": 10, "neighbour": 6, "remote": 3}

STRONG_MATCH, GOOD_MATCH = 0.75, 0.5

# Any sum of unit-valued features stays above -2**23 and below 2**21, so float32 holds it exactly.
_INFEASIBLE = -(2**22)

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Weights:
    service_area: float = 0.25
    topics: float = 0.35
    region: float = 0.15
    stage: float = 0.10
    capacity: float = 0.15

    def as_array(self) -> npt.NDArray[np.float64]:
        return np.array([getattr(self, name) for name in COMPONENTS], dtype=np.float64)

    def validate(self) -> None:
        values = self.as_array()
        for name, value in zip(COMPONENTS, values, strict=True):
            if not math.isfinite(value) or not 0.0 <= value <= 1.0:
                raise ValueError(f"The {name.replace('_', ' ')} weight must be a number from 0 to 1.")
        if values.sum() <= 0.0:
            raise ValueError("At least one weight must be more than 0.")


@dataclass(frozen=True)
class Taxonomy:
    """Labels for explanations, indexed like the array columns."""

    service_areas: tuple[str, ...]  # lower-case phrases for sentences, e.g. "fire and rescue"
    topics: tuple[str, ...]  # short labels, e.g. "TUPE", "procurement"
    stages: tuple[str, ...]  # e.g. "recently spun out"
    regions: tuple[str, ...]  # e.g. "North West"
    region_adjacency: np.ndarray  # bool (NR, NR), symmetric, False on the diagonal


@dataclass(frozen=True)
class MentorArrays:
    """M candidates: mentors, or ambassadors for engagements. Rows need not be sorted by id."""

    ids: np.ndarray  # int64 (M,) database ids
    service_areas: np.ndarray  # bool (M, S)
    topics: np.ndarray  # bool (M, T)
    stages: np.ndarray  # bool (M, G) stage experience
    region: np.ndarray  # int32 (M,) index into Taxonomy.regions
    format: np.ndarray  # int8 (M,) REMOTE / IN_PERSON / EITHER
    capacity: np.ndarray  # int32 (M,) total capacity (>= 1)
    load: np.ndarray  # int32 (M,) active relationships + pending introductions
    eligible: np.ndarray  # bool (M,) approved and not paused (capacity is checked separately)

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @property
    def spare_capacity(self) -> IntArray:
        """Capacity minus load, never below 0: the `spare_capacity` argument of the assignment functions."""
        return np.maximum(self.capacity.astype(np.int64) - self.load.astype(np.int64), 0)


@dataclass(frozen=True)
class RequestArrays:
    """R requests."""

    ids: np.ndarray  # int64 (R,)
    service_areas: np.ndarray  # bool (R, S) the areas asked about (a request has one; a mutual may have several)
    topics: np.ndarray  # bool (R, T) at least one True per row
    stage: np.ndarray  # int32 (R,) index into Taxonomy.stages, -1 unknown
    region: np.ndarray  # int32 (R,)
    format: np.ndarray  # int8 (R,)

    def __len__(self) -> int:
        return int(self.ids.shape[0])


@dataclass(frozen=True)
class TopK:
    mentor_rows: np.ndarray  # int64 (R, k) row indexes into MentorArrays, -1 where fewer than k feasible
    scores: np.ndarray  # float32 (R, k) in [0, 1], descending per row; 0 where mentor_rows == -1
    components: np.ndarray  # float32 (R, k, 5) each component in [0, 1] before weighting


@dataclass(frozen=True)
class Assignment:
    mentor_rows: np.ndarray  # int64 (R,) assigned mentor row, -1 = unassigned
    scores: np.ndarray  # float32 (R,) score of the assigned pair, 0 when unassigned
    total_score: float
    assigned: int


# --------------------------------------------------------------------------------------------------------------
# Scoring rules, shared by the vectorised path and the explanations
# --------------------------------------------------------------------------------------------------------------


def component_units(weights: Weights) -> IntArray:
    """Whole score units each component is worth at 1.0: floor(w_i / sum(w) * SCALE), int64 (5,).

    A pair's score in units is the sum of: service area `u[0]` if matched; topics `covered * (u[1] // requested)`;
    region `u[2] * tenths // 10` (10 same, 6 neighbouring, 3 remote); stage `u[3]` if matched; capacity
    `u[4] * spare // capacity`. Rounding down keeps every score at most SCALE.
    """
    weights.validate()
    values = weights.as_array()
    return np.floor(values / values.sum() * SCALE).astype(np.int64)


def units_to_scores(units: npt.ArrayLike) -> FloatArray:
    return (np.asarray(units, dtype=np.float64) / SCALE).astype(np.float32)


def strength_band(score: float) -> str:
    if score >= STRONG_MATCH:
        return "Strong match"
    if score >= GOOD_MATCH:
        return "Good match"
    return "Possible match"


def _accepts_remote(format_code: npt.ArrayLike) -> BoolArray:
    return np.isin(np.asarray(format_code), (REMOTE, EITHER))


def region_tenths_table(region_adjacency: np.ndarray) -> IntArray:
    """Region component in tenths, int64 (NR, 3, NR, 3) by (request region, request format, mentor region,
    mentor format); -1 where the format cannot work (such pairs are excluded)."""
    adjacency = np.asarray(region_adjacency, dtype=bool)
    region_count = adjacency.shape[0]
    same = np.eye(region_count, dtype=bool)
    near = same | adjacency
    formats = np.array(FORMATS)
    remote_ok = _accepts_remote(formats)
    in_person_only = formats == IN_PERSON
    remote_only = formats == REMOTE
    # Indexed [request region, request format, mentor region, mentor format].
    near_4d = near[:, None, :, None]
    both_remote = remote_ok[None, :, None, None] & remote_ok[None, None, None, :]
    either_in_person_only = in_person_only[None, :, None, None] | in_person_only[None, None, None, :]
    opposite_only = (in_person_only[:, None] & remote_only[None, :]) | (remote_only[:, None] & in_person_only[None, :])
    feasible = ~opposite_only[None, :, None, :] & ~(either_in_person_only & ~near_4d)
    tenths = np.where(
        same[:, None, :, None],
        _REGION_TENTHS["same"],
        np.where(
            adjacency[:, None, :, None], _REGION_TENTHS["neighbour"], np.where(both_remote, _REGION_TENTHS["remote"], 0)
        ),
    )
    return np.where(feasible, tenths, -1).astype(np.int64)


def _validate(requests: RequestArrays, mentors: MentorArrays, taxonomy: Taxonomy) -> None:
    request_count, mentor_count = len(requests), len(mentors)
    region_count = len(taxonomy.regions)
    if taxonomy.region_adjacency.shape != (region_count, region_count):
        raise ValueError("region_adjacency must be a square matrix with one row per region.")
    for name, columns in (
        ("service_areas", len(taxonomy.service_areas)),
        ("topics", len(taxonomy.topics)),
    ):
        for side, arrays, rows in (("requests", requests, request_count), ("mentors", mentors, mentor_count)):
            if getattr(arrays, name).shape != (rows, columns):
                raise ValueError(f"{side}.{name} must have shape ({rows}, {columns}).")
    if mentors.stages.shape != (mentor_count, len(taxonomy.stages)):
        raise ValueError(f"mentors.stages must have shape ({mentor_count}, {len(taxonomy.stages)}).")
    for side, arrays, rows, names in (
        ("requests", requests, request_count, ("stage", "region", "format")),
        ("mentors", mentors, mentor_count, ("region", "format", "capacity", "load", "eligible")),
    ):
        for name in names:
            if getattr(arrays, name).shape != (rows,):
                raise ValueError(f"{side}.{name} must have shape ({rows},).")
        regions = arrays.region
        if rows and (regions.min() < 0 or regions.max() >= region_count):
            raise ValueError(f"{side}.region holds an index outside the taxonomy's regions.")
        if rows and not np.isin(arrays.format, FORMATS).all():
            raise ValueError(f"{side}.format holds a code other than REMOTE, IN_PERSON or EITHER.")
    if request_count and (requests.stage.min() < -1 or requests.stage.max() >= len(taxonomy.stages)):
        raise ValueError("requests.stage holds an index outside the taxonomy's stages.")


# --------------------------------------------------------------------------------------------------------------
# score_top_k
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Encoded:
    """Feature matrices for the block products. Mentor columns are positions (see `_encode`); request blocks are
    runs of requests that share a (region, format) category."""

    request_features: FloatArray  # (R, F) units: topics, service area, stage
    mentor_features: FloatArray  # (P, F) 0/1
    # Per request category: units every mentor gets for region and capacity, +1 so that any feasible pair scores
    # at least 1 (a format that cannot work, or a padding position, is far below 0).
    category_units: FloatArray  # (categories, P)
    request_category: IntArray  # (R,)
    request_topic_bits: np.ndarray  # (R, words) unsigned: requested topics as bits
    mentor_topic_bits: np.ndarray  # (P, words)
    multi_area_rows: BoolArray  # (R,) requests asking about more than one area: see `_add_multi_area`
    request_areas: FloatArray  # (R, S) 0/1
    mentor_areas: FloatArray  # (P, S) 0/1
    area_units: int
    position_rank: IntArray  # (P,) rank (place in id order among candidates) at each position
    candidate_rows: IntArray  # (C,) mentor row for each rank
    group: int  # mentors per column group
    group_count: int

    @property
    def positions(self) -> int:
        return self.group * self.group_count


def _group_layout(candidate_count: int, k: int) -> tuple[int, int]:
    """Mentors per group and number of groups; about sqrt(candidates / k) per group balances the two ranking steps."""
    if candidate_count <= 4 * k:
        return 1, max(candidate_count, 1)
    group = 1 << round(math.log2(math.sqrt(candidate_count / k)))
    group = max(1, min(group, 64))
    return group, -(-candidate_count // group)


def _topic_bits(topics: np.ndarray) -> np.ndarray:
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


def _encode(requests: RequestArrays, mentors: MentorArrays, taxonomy: Taxonomy, weights: Weights, k: int) -> _Encoded:
    units = component_units(weights)
    area_units, topic_units, region_units, stage_units, capacity_units = (int(value) for value in units)
    format_count = len(FORMATS)
    category_count = len(taxonomy.regions) * format_count

    spare = mentors.spare_capacity
    candidate_rows = np.flatnonzero(np.asarray(mentors.eligible, dtype=bool) & (spare > 0))
    candidate_rows = candidate_rows[np.argsort(mentors.ids[candidate_rows], kind="stable")].astype(np.int64)
    candidate_count = candidate_rows.shape[0]
    group, group_count = _group_layout(candidate_count, k)
    positions = group * group_count
    # Rank q = j * group + i sits at position i * group_count + j: group j is one column of a (group, group_count)
    # grid, so the best score of every group is an elementwise maximum over `group` slices of a row.
    position_rank = np.arange(positions, dtype=np.int64).reshape(group_count, group).T.reshape(-1)
    valid = position_rank < candidate_count
    rows = candidate_rows[position_rank[valid]]

    topic_count = mentors.topics.shape[1]
    area_count = mentors.service_areas.shape[1]
    stage_count = mentors.stages.shape[1]
    area_start = topic_count
    stage_start = topic_count + area_count
    feature_count = stage_start + stage_count
    mentor_features = np.zeros((positions, feature_count), dtype=np.float32)
    mentor_features[valid, :topic_count] = mentors.topics[rows]
    mentor_features[valid, area_start:stage_start] = mentors.service_areas[rows]
    mentor_features[valid, stage_start:] = mentors.stages[rows]

    tenths = region_tenths_table(taxonomy.region_adjacency).reshape(category_count, category_count)
    region_part = np.where(tenths >= 0, region_units * tenths // 10, _INFEASIBLE)
    mentor_category = mentors.region[rows].astype(np.int64) * format_count + mentors.format[rows]
    category_units = np.full((category_count, positions), _INFEASIBLE, dtype=np.float32)
    category_units[:, valid] = (
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
    request_features[known_stage, stage_start + requests.stage[known_stage]] = stage_units

    mentor_topic_bits = _topic_bits(mentor_features[:, :topic_count] > 0)
    return _Encoded(
        request_features=request_features,
        mentor_features=mentor_features,
        category_units=category_units,
        request_category=requests.region.astype(np.int64) * format_count + requests.format,
        request_topic_bits=_topic_bits(request_topics),
        mentor_topic_bits=mentor_topic_bits,
        multi_area_rows=area_counts > 1,
        request_areas=np.asarray(requests.service_areas, dtype=np.float32),
        mentor_areas=np.ascontiguousarray(mentor_features[:, area_start:stage_start]),
        area_units=area_units,
        position_rank=position_rank,
        candidate_rows=candidate_rows,
        group=group,
        group_count=group_count,
    )


@dataclass(frozen=True)
class _Block:
    category: int
    request_rows: IntArray  # rows of RequestArrays, all in `category`
    exclusion_rows: IntArray  # index into `request_rows` of each excluded pair in the block
    exclusion_positions: IntArray  # mentor position of each excluded pair


def _blocks(encoded: _Encoded, excluded_pairs: np.ndarray | None, mentor_count: int, block_rows: int) -> list[_Block]:
    """Runs of at most `block_rows` requests sharing a category, each with its excluded pairs."""
    request_count = encoded.request_category.shape[0]
    order = np.argsort(encoded.request_category, kind="stable")
    place = np.empty(request_count, dtype=np.int64)
    place[order] = np.arange(request_count)

    pair_places = pair_positions = np.zeros(0, dtype=np.int64)
    if excluded_pairs is not None and len(excluded_pairs):
        pairs = np.asarray(excluded_pairs, dtype=np.int64).reshape(-1, 2)
        if pairs.min() < 0 or pairs[:, 0].max() >= request_count or pairs[:, 1].max() >= mentor_count:
            raise ValueError("excluded_pairs holds a request or mentor row that does not exist.")
        row_position = np.full(mentor_count, -1, dtype=np.int64)
        valid = encoded.position_rank < encoded.candidate_rows.shape[0]
        row_position[encoded.candidate_rows[encoded.position_rank[valid]]] = np.flatnonzero(valid)
        positions = row_position[pairs[:, 1]]
        keep = positions >= 0  # a mentor who is no candidate at all needs no exclusion
        pair_places, pair_positions = place[pairs[keep, 0]], positions[keep]
        by_place = np.argsort(pair_places, kind="stable")
        pair_places, pair_positions = pair_places[by_place], pair_positions[by_place]

    sorted_categories = encoded.request_category[order]
    boundaries = np.flatnonzero(np.diff(sorted_categories)) + 1
    run_starts = np.concatenate([[0], boundaries]).tolist()
    run_stops = np.concatenate([boundaries, [request_count]]).tolist()
    blocks = []
    for run_start, run_stop in zip(run_starts, run_stops, strict=True):
        for start in range(run_start, run_stop, block_rows):
            stop = min(start + block_rows, run_stop)
            low, high = np.searchsorted(pair_places, [start, stop])
            blocks.append(
                _Block(
                    category=int(sorted_categories[start]),
                    request_rows=order[start:stop],
                    exclusion_rows=pair_places[low:high] - start,
                    exclusion_positions=pair_positions[low:high],
                )
            )
    return blocks


def _add_multi_area(block: FloatArray, request_rows: IntArray, encoded: _Encoded) -> None:
    """Service-area units for requests asking about several areas: matched when the mentor has any of them."""
    local = np.flatnonzero(encoded.multi_area_rows[request_rows])
    if local.shape[0] == 0 or encoded.area_units == 0:
        return
    shared = encoded.request_areas[request_rows[local]] @ encoded.mentor_areas.T
    block[local] += (shared > 0) * np.float32(encoded.area_units)


def _score_block(block_spec: _Block, k: int, encoded: _Encoded, out_units: IntArray, out_ranks: IntArray) -> None:
    """Top k (units, candidate rank) for the block's requests, written into their output rows."""
    request_rows = block_spec.request_rows
    rows = request_rows.shape[0]
    group, group_count, positions = encoded.group, encoded.group_count, encoded.positions
    feature_count = encoded.request_features.shape[1]

    request_side = np.empty((rows, feature_count + 1), dtype=np.float32)
    request_side[:, :feature_count] = encoded.request_features[request_rows]
    request_side[:, feature_count] = 1.0
    mentor_side = np.empty((positions, feature_count + 1), dtype=np.float32)
    mentor_side[:, :feature_count] = encoded.mentor_features
    mentor_side[:, feature_count] = encoded.category_units[block_spec.category]
    block = request_side @ mentor_side.T  # (rows, P) exact units + 1; <= 0 where the format cannot work
    _add_multi_area(block, request_rows, encoded)

    # A mentor sharing no requested topic is excluded: multiply those pairs' scores by 0.
    request_bits, mentor_bits = encoded.request_topic_bits[request_rows], encoded.mentor_topic_bits
    shared = np.bitwise_and(request_bits[:, 0, None], mentor_bits[None, :, 0])
    for word in range(1, request_bits.shape[1]):
        shared |= np.bitwise_and(request_bits[:, word, None], mentor_bits[None, :, word])
    np.multiply(block, shared.astype(bool), out=block)
    del shared
    block[block_spec.exclusion_rows, block_spec.exclusion_positions] = _INFEASIBLE

    # The best `group_k` groups per request by (best score desc, group index asc) hold the best k mentors.
    group_k = min(k, group_count)
    flat = block.reshape(-1)
    if group_k < group_count:
        best_in_group = block.reshape(rows, group, group_count).max(axis=1)
        group_key = best_in_group.astype(np.float64) * group_count
        group_key += np.arange(group_count - 1, -1, -1, dtype=np.float64)
        chosen = np.argpartition(group_key, group_count - group_k, axis=1)[:, group_count - group_k :]
        candidate_positions = (chosen[:, :, None] + np.arange(group, dtype=np.int64) * group_count).reshape(rows, -1)
    else:
        candidate_positions = np.broadcast_to(np.arange(positions, dtype=np.int64), (rows, positions))
    candidate_units = np.take(flat, candidate_positions + (np.arange(rows, dtype=np.int64) * positions)[:, None])
    candidate_ranks = encoded.position_rank[candidate_positions]
    # Unique keys: units first, then the lower rank (lower mentor id). Exact in float64 below 2**53.
    key = candidate_units.astype(np.float64) * positions + (positions - 1 - candidate_ranks)
    width = key.shape[1]
    top = min(k, width)
    picked = np.argpartition(key, width - top, axis=1)[:, width - top :] if top < width else np.argsort(key, axis=1)
    picked = np.take_along_axis(picked, np.argsort(-np.take_along_axis(key, picked, axis=1), axis=1), axis=1)
    out_units[request_rows, :top] = np.take_along_axis(candidate_units, picked, axis=1) - 1
    out_ranks[request_rows, :top] = np.take_along_axis(candidate_ranks, picked, axis=1)


@functools.cache
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


def default_workers() -> int:
    """Threads for scoring blocks: the CPUs this process may use, at most 2 (measured best on 2 cores)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 2))


def score_top_k(
    requests: RequestArrays,
    mentors: MentorArrays,
    taxonomy: Taxonomy,
    weights: Weights,
    *,
    k: int = 10,
    excluded_pairs: np.ndarray | None = None,
    block_rows: int = 512,
    workers: int | None = None,
) -> TopK:
    """The k best feasible mentors for each request, best first; ties go to the lower mentor id.

    excluded_pairs: int64 (P, 2) of (request_row, mentor_row) that must never be suggested: conflicts of interest,
    declined pairs, pairs that already worked together. Requests are scored at most `block_rows` at a time (each
    block also holds requests of one region and format), so memory is about 7 bytes x block_rows x M per worker,
    never R x M. `workers` threads score blocks in parallel (default: up to 2).
    """
    if k < 1:
        raise ValueError("k must be at least 1.")
    if block_rows < 1:
        raise ValueError("block_rows must be at least 1.")
    _validate(requests, mentors, taxonomy)
    request_count = len(requests)
    encoded = _encode(requests, mentors, taxonomy, weights, k)
    blocks = _blocks(encoded, excluded_pairs, len(mentors), block_rows)

    out_units = np.full((request_count, k), -1, dtype=np.int64)
    out_ranks = np.zeros((request_count, k), dtype=np.int64)
    if encoded.candidate_rows.shape[0] > 0 and blocks:
        thread_count = min(workers or default_workers(), len(blocks))
        # One BLAS thread: our threads already use the cores, and idle OpenBLAS threads spin and take them.
        with _blas_controller().limit(limits=1, user_api="blas"):
            if thread_count <= 1:
                for block in blocks:
                    _score_block(block, k, encoded, out_units, out_ranks)
            else:
                with ThreadPoolExecutor(max_workers=thread_count) as pool:
                    for _ in pool.map(lambda block: _score_block(block, k, encoded, out_units, out_ranks), blocks):
                        pass

    feasible = out_units >= 0
    mentor_rows = np.full((request_count, k), -1, dtype=np.int64)
    mentor_rows[feasible] = encoded.candidate_rows[out_ranks[feasible]]
    scores = np.where(feasible, units_to_scores(np.maximum(out_units, 0)), np.float32(0)).astype(np.float32)
    components = pair_components(mentor_rows, requests, mentors, taxonomy)
    return TopK(mentor_rows=mentor_rows, scores=scores, components=components)


def pair_components(
    mentor_rows: np.ndarray, requests: RequestArrays, mentors: MentorArrays, taxonomy: Taxonomy
) -> FloatArray:
    """Unweighted components, float32 (R, k, 5), of each request's pairs in `mentor_rows` (R, k); 0 where -1."""
    request_count, k = mentor_rows.shape
    components = np.zeros((request_count, k, len(COMPONENTS)), dtype=np.float32)
    request_index, slot = np.nonzero(mentor_rows >= 0)
    mentor_index = mentor_rows[request_index, slot]
    if request_index.shape[0] == 0:
        return components
    values = components[request_index, slot]
    values[:, 0] = (requests.service_areas[request_index] & mentors.service_areas[mentor_index]).any(axis=1)
    requested = requests.topics[request_index]
    covered = (requested & mentors.topics[mentor_index]).sum(axis=1)
    values[:, 1] = covered / np.maximum(requested.sum(axis=1), 1)
    tenths = region_tenths_table(taxonomy.region_adjacency)[
        requests.region[request_index],
        requests.format[request_index],
        mentors.region[mentor_index],
        mentors.format[mentor_index],
    ]
    values[:, 2] = np.maximum(tenths, 0) / 10
    stage = requests.stage[request_index]
    values[:, 3] = np.where(stage >= 0, mentors.stages[mentor_index, np.maximum(stage, 0)], False)
    spare = mentors.spare_capacity[mentor_index]
    values[:, 4] = spare / np.maximum(mentors.capacity[mentor_index], 1)
    components[request_index, slot] = values
    return components


# --------------------------------------------------------------------------------------------------------------
# Explanations
# --------------------------------------------------------------------------------------------------------------

_ARTICLE_WORDS = ("North", "South", "East", "West")


def region_phrase(label: str) -> str:
    """'the North West', 'the East of England', but 'London', 'Yorkshire and the Humber'."""
    return f"the {label}" if label.split(" ", 1)[0] in _ARTICLE_WORDS else label


def _join(labels: Sequence[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} and {labels[-1]}"


# The builders below return "" when there is nothing to say (profiles edited since the pair was scored); the
# explanation functions leave empty sentences out.


def _areas_reason(labels: Sequence[str]) -> str:
    return f"Works in {_join(labels)}" if labels else ""


def _topics_reason(labels: Sequence[str], requested: int) -> str:
    covered = len(labels)
    if covered == 0:
        return ""
    if requested == 1:
        return f"Covers your topic: {labels[0]}"
    if requested == 2 and covered == 2:
        return f"Covers both of your topics: {', '.join(labels)}"
    if covered == requested:
        return f"Covers all {requested} of your topics: {', '.join(labels)}"
    return f"Covers {covered} of your {requested} topics: {', '.join(labels)}"


def _region_reason(tenths: int, label: str) -> str | None:
    if tenths == _REGION_TENTHS["same"]:
        return f"Also in {region_phrase(label)}"
    if tenths == _REGION_TENTHS["neighbour"]:
        return f"Based nearby, in {region_phrase(label)}"
    if tenths == _REGION_TENTHS["remote"]:
        return f"Based in {region_phrase(label)}; you can both meet remotely"
    return None


def _stage_reason(label: str) -> str:
    return f"Has helped mutuals at your stage: {label}"


def _capacity_reason(spare: int) -> str:
    return "Has room for 1 more mutual" if spare == 1 else f"Has room for {spare} more mutuals"


def explain(
    request_row: int,
    mentor_row: int,
    components: np.ndarray,
    requests: RequestArrays,
    mentors: MentorArrays,
    taxonomy: Taxonomy,
) -> list[str]:
    """Plain-language reasons for one suggested pair, in COMPONENTS order; a component at 0 gives no reason."""
    reasons: list[str | None] = []
    if components[0] > 0:
        shared = np.flatnonzero(requests.service_areas[request_row] & mentors.service_areas[mentor_row])
        reasons.append(_areas_reason([taxonomy.service_areas[index] for index in shared]))
    if components[1] > 0:
        requested = requests.topics[request_row]
        covered = np.flatnonzero(requested & mentors.topics[mentor_row])
        reasons.append(_topics_reason([taxonomy.topics[index] for index in covered], int(requested.sum())))
    if components[2] > 0:
        reasons.append(
            _region_reason(round(float(components[2]) * 10), taxonomy.regions[int(mentors.region[mentor_row])])
        )
    if components[3] > 0:
        reasons.append(_stage_reason(taxonomy.stages[int(requests.stage[request_row])]))
    spare = int(mentors.capacity[mentor_row]) - int(mentors.load[mentor_row])
    if components[4] > 0 and spare > 0:
        reasons.append(_capacity_reason(spare))
    return [reason for reason in reasons if reason]


def _groups(bits: np.ndarray, counts: np.ndarray) -> tuple[IntArray, IntArray]:
    """Group pairs with the same bit set (N, words) and count (N,): (one pair per group, group of each pair)."""
    if bits.shape[1] == 1 and bits.dtype.itemsize <= 4:
        key = bits[:, 0].astype(np.int64) * (int(counts.max(initial=0)) + 1) + counts
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    else:
        matrix = np.column_stack([bits.view(np.uint8), counts.astype(np.int64)])
        _, first, inverse = np.unique(matrix, axis=0, return_index=True, return_inverse=True)
    return first.astype(np.int64), inverse.reshape(-1).astype(np.int64)


def _texts(
    bits_source: np.ndarray, counts: np.ndarray, build: Callable[[np.ndarray, int], str]
) -> npt.NDArray[np.object_]:
    """One string per pair from its bool row and count, each distinct string built once."""
    first, inverse = _groups(_topic_bits(bits_source), counts)
    built = np.empty(first.shape[0], dtype=object)
    for index, row in enumerate(first.tolist()):
        built[index] = build(bits_source[row], int(counts[row]))
    return built[inverse]


def explanation_texts(
    request_rows: np.ndarray,
    mentor_rows: np.ndarray,
    components: np.ndarray,
    requests: RequestArrays,
    mentors: MentorArrays,
    taxonomy: Taxonomy,
) -> list[list[str]]:
    """`explain` for many pairs at once, (N,) rows and (N, 5) components: the same sentences, each distinct
    sentence built once and shared by the pairs that need it."""
    request_rows = np.asarray(request_rows, dtype=np.int64)
    mentor_rows = np.asarray(mentor_rows, dtype=np.int64)
    count = request_rows.shape[0]
    if count == 0:
        return []
    none = np.full(count, None, dtype=object)

    area_text = none.copy()
    has_area = np.flatnonzero(components[:, 0] > 0)
    if has_area.shape[0]:
        shared_areas = requests.service_areas[request_rows[has_area]] & mentors.service_areas[mentor_rows[has_area]]
        area_text[has_area] = _texts(
            shared_areas,
            np.zeros(has_area.shape[0], dtype=np.int64),
            lambda row, _: _areas_reason([taxonomy.service_areas[index] for index in np.flatnonzero(row)]),
        )

    topic_text = none.copy()
    has_topic = np.flatnonzero(components[:, 1] > 0)
    if has_topic.shape[0]:
        requested = requests.topics[request_rows[has_topic]]
        topic_text[has_topic] = _texts(
            requested & mentors.topics[mentor_rows[has_topic]],
            requested.sum(axis=1),
            lambda row, requested_count: _topics_reason(
                [taxonomy.topics[index] for index in np.flatnonzero(row)], requested_count
            ),
        )

    region_count = len(taxonomy.regions)
    region_table = np.array(
        [_region_reason(tenths, label) for tenths in range(11) for label in taxonomy.regions], dtype=object
    )
    region_tenths = np.rint(components[:, 2] * 10).astype(np.int64)
    region_text = region_table[region_tenths * region_count + mentors.region[mentor_rows]]

    stage_table = np.array([None, *(_stage_reason(label) for label in taxonomy.stages)], dtype=object)
    stage_text = stage_table[np.where(components[:, 3] > 0, requests.stage[request_rows] + 1, 0)]

    spare = np.maximum(mentors.capacity[mentor_rows].astype(np.int64) - mentors.load[mentor_rows], 0)
    spare_table = np.array([None, *(_capacity_reason(value) for value in range(1, int(spare.max()) + 1))], dtype=object)
    capacity_text = spare_table[np.where(components[:, 4] > 0, spare, 0)]

    columns = (area_text, topic_text, region_text, stage_text, capacity_text)
    # filter(None, ...) drops the components that give no reason; map keeps the loop in C.
    return list(map(list, map(filter, repeat(None), zip(*(column.tolist() for column in columns), strict=True))))


def explain_top_k(
    topk: TopK, requests: RequestArrays, mentors: MentorArrays, taxonomy: Taxonomy
) -> list[list[list[str]]]:
    """Reasons for every suggestion: one list per request, one list of sentences per suggested mentor."""
    request_rows, slots = np.nonzero(topk.mentor_rows >= 0)
    texts = explanation_texts(
        request_rows,
        topk.mentor_rows[request_rows, slots],
        topk.components[request_rows, slots],
        requests,
        mentors,
        taxonomy,
    )
    bounds = np.searchsorted(request_rows, np.arange(topk.mentor_rows.shape[0] + 1)).tolist()
    return [texts[bounds[row] : bounds[row + 1]] for row in range(topk.mentor_rows.shape[0])]


# --------------------------------------------------------------------------------------------------------------
# Assignment
# --------------------------------------------------------------------------------------------------------------


def _candidate_pairs(topk: TopK, spare_capacity: np.ndarray) -> tuple[IntArray, IntArray, IntArray]:
    """(request row, mentor row, score units) of every top-k pair whose mentor has spare capacity."""
    spare = np.asarray(spare_capacity, dtype=np.int64)
    request_rows, slots = np.nonzero(topk.mentor_rows >= 0)
    mentor_rows = topk.mentor_rows[request_rows, slots].astype(np.int64)
    if mentor_rows.shape[0] and mentor_rows.max() >= spare.shape[0]:
        raise ValueError("spare_capacity must have one entry per mentor row.")
    keep = spare[mentor_rows] > 0
    units = np.rint(topk.scores[request_rows, slots].astype(np.float64) * SCALE).astype(np.int64)
    return request_rows[keep].astype(np.int64), mentor_rows[keep], units[keep]


def _assignment(request_count: int, request_rows: IntArray, mentor_rows: IntArray, units: IntArray) -> Assignment:
    assigned_mentors = np.full(request_count, -1, dtype=np.int64)
    assigned_mentors[request_rows] = mentor_rows
    assigned_units = np.zeros(request_count, dtype=np.int64)
    assigned_units[request_rows] = units
    return Assignment(
        mentor_rows=assigned_mentors,
        scores=np.where(assigned_mentors >= 0, units_to_scores(assigned_units), np.float32(0)).astype(np.float32),
        total_score=float(assigned_units.sum()) / SCALE,
        assigned=int(request_rows.shape[0]),
    )


def _settle_uncontested(
    request_rows: IntArray, mentor_rows: IntArray, spare: IntArray, pair_groups: IntArray | None
) -> tuple[BoolArray, BoolArray]:
    """Shrink the flow problem without changing its optimum. Pairs arrive grouped by request, best first.

    A mentor is uncontested when their spare capacity covers every request that lists them. If a request's best
    uncontested candidate is its first choice, some optimal assignment gives it that mentor (moving it there
    breaks no capacity and loses no score), so it is settled outside the flow; its candidates after its first
    uncontested one are never needed. Dropping pairs makes more mentors uncontested, so repeat until stable.
    With `pair_groups` (a key per (group of the request, mentor), see _pair_keys), a pair is also contested while
    another request of the same group lists the same mentor: moving a request there could break the one mentor
    per group rule.
    Returns (settled pairs, pairs left for the flow)."""
    pair_count = request_rows.shape[0]
    live = np.ones(pair_count, dtype=bool)
    settled = np.zeros(pair_count, dtype=bool)
    if pair_count == 0:
        return settled, live
    # Position of each pair within its request's list, and the index of each request's first pair.
    first_pair = np.flatnonzero(np.r_[True, request_rows[1:] != request_rows[:-1]])
    request_group = np.cumsum(np.r_[False, request_rows[1:] != request_rows[:-1]])
    position = np.arange(pair_count) - first_pair[request_group]
    for _ in range(8):
        demand = np.bincount(mentor_rows[live], minlength=spare.shape[0])
        uncontested = live & (spare[mentor_rows] >= demand[mentor_rows])
        if pair_groups is not None:
            uncontested &= ~_shared_within_group(pair_groups, live)
        if not uncontested.any():
            break
        first_uncontested = np.full(first_pair.shape[0], pair_count, dtype=np.int64)
        np.minimum.at(first_uncontested, request_group[uncontested], position[uncontested])
        drop = live & (position > first_uncontested[request_group])
        settle = uncontested & (position == 0)
        if not drop.any() and not settle.any():
            break
        # A settled request leaves the flow with all its pairs; its mentor keeps room for the others (uncontested).
        leaving = np.isin(request_group, request_group[settle])
        settled |= settle
        live &= ~drop & ~leaving
        spare = spare - np.bincount(mentor_rows[settle], minlength=spare.shape[0])
    return settled, live


def _shared_within_group(pair_keys: IntArray, live: BoolArray) -> BoolArray:
    """Live pairs whose (group, mentor) key is also the key of another live pair: the mentor is a live candidate
    of two requests in one group."""
    counts = np.bincount(pair_keys[live], minlength=int(pair_keys.max(initial=-1)) + 1)
    return live & (counts[pair_keys] > 1)


def _pair_keys(groups: IntArray, request_rows: IntArray, mentor_rows: IntArray) -> IntArray:
    """One dense integer per (group, mentor) pair that occurs, so that shared candidates are found by counting."""
    if request_rows.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    _, group_index = np.unique(groups[request_rows], return_inverse=True)
    mentor_span = int(mentor_rows.max()) + 1
    _, keys = np.unique(group_index.reshape(-1) * mentor_span + mentor_rows, return_inverse=True)
    return keys.reshape(-1).astype(np.int64)


def _request_groups(request_groups: np.ndarray | None, request_count: int) -> IntArray | None:
    if request_groups is None:
        return None
    groups = np.asarray(request_groups, dtype=np.int64)
    if groups.shape != (request_count,):
        raise ValueError("request_groups must have one entry per request row.")
    return groups


def assign_optimal(topk: TopK, spare_capacity: np.ndarray, request_groups: np.ndarray | None = None) -> Assignment:
    """Each request to at most one of its top-k mentors, no mentor beyond `spare_capacity` (int, one per mentor
    row), maximising the total score. With `request_groups` (one label per request row, e.g. its mutual), no
    mentor is given two requests of the same group. A request is left unassigned only when none of its candidates
    has room left (or, with groups, is still free for its group).

    A min-cost flow (OR-Tools SimpleMinCostFlow): request (supply 1) -> mentor (capacity 1, cost -units) -> sink
    (capacity = spare), plus request -> sink at cost 0, so that any request can stay unassigned and the flow is
    always feasible. Where two requests of one group share a candidate, their arcs to that mentor go through a
    node of their own for the (group, mentor) pair with capacity 1. With every score above 0, leaving a request
    out while a candidate has room cannot be optimal. If some pair scores exactly 0, costs become
    -(units * (R + 1) + 1): one more assignment then always beats none, and never outweighs one unit of score.
    """
    from ortools.graph.python import min_cost_flow  # imported here: a heavy module only assignment needs

    request_count = topk.mentor_rows.shape[0]
    groups = _request_groups(request_groups, request_count)
    request_rows, mentor_rows, units = _candidate_pairs(topk, spare_capacity)
    pair_groups = None if groups is None else _pair_keys(groups, request_rows, mentor_rows)
    spare_all = np.maximum(np.asarray(spare_capacity, dtype=np.int64), 0)
    settled, live = _settle_uncontested(request_rows, mentor_rows, spare_all, pair_groups)
    if not live.any():
        return _assignment(request_count, request_rows[settled], mentor_rows[settled], units[settled])
    flow_requests, flow_mentors, flow_units = request_rows[live], mentor_rows[live], units[live]
    pair_count = flow_requests.shape[0]
    requests_used, request_node = np.unique(flow_requests, return_inverse=True)
    mentors_used, mentor_index = np.unique(flow_mentors, return_inverse=True)
    request_total, mentor_total = requests_used.shape[0], mentors_used.shape[0]
    # Nodes: requests 0..Rn-1, mentors Rn..Rn+Mn-1, shared (group, mentor) nodes, then the sink. Requests carry
    # the supply (no source node needed).
    mentor_node = request_total + mentor_index
    pair_head = mentor_node.copy()
    shared_tails = shared_heads = np.zeros(0, dtype=np.int64)
    if pair_groups is not None:
        shared = _shared_within_group(pair_groups, live)[live]
        if shared.any():
            first, key_index = np.unique(pair_groups[live][shared], return_index=True, return_inverse=True)[1:]
            pair_head[shared] = request_total + mentor_total + key_index.reshape(-1)
            shared_tails = request_total + mentor_total + np.arange(first.shape[0])
            shared_heads = mentor_node[np.flatnonzero(shared)[first]]
    sink = request_total + mentor_total + shared_tails.shape[0]
    room = spare_all[mentors_used] - np.bincount(mentor_rows[settled], minlength=spare_all.shape[0])[mentors_used]
    zero_scores = bool((flow_units == 0).any())
    pair_cost = -(flow_units * (request_total + 1) + 1) if zero_scores else -flow_units
    tails = np.concatenate(
        [request_node, shared_tails, request_total + np.arange(mentor_total), np.arange(request_total)]
    )
    heads = np.concatenate([pair_head, shared_heads, np.full(mentor_total, sink), np.full(request_total, sink)])
    capacities = np.concatenate(
        [
            np.ones(pair_count + shared_tails.shape[0], dtype=np.int64),
            np.minimum(room, request_total),
            np.ones(request_total),
        ]
    )
    costs = np.concatenate([pair_cost, np.zeros(shared_tails.shape[0] + mentor_total + request_total, dtype=np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities.astype(np.int64), costs.astype(np.int64)
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:request_total] = 1
    supplies[sink] = -request_total
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"The min-cost flow solver stopped with status {status}.")
    used = np.zeros(request_rows.shape[0], dtype=bool)
    used[np.flatnonzero(live)] = flow.flows(np.asarray(arcs, dtype=np.int32)[:pair_count]) > 0
    used |= settled
    return _assignment(request_count, request_rows[used], mentor_rows[used], units[used])


def assign_greedy(topk: TopK, spare_capacity: np.ndarray, request_groups: np.ndarray | None = None) -> Assignment:
    """The baseline: take pairs best first (score desc, then request row, then mentor row), skipping a pair when
    its request is already assigned, its mentor is full or (with `request_groups`) already has a request of the
    same group."""
    request_count = topk.mentor_rows.shape[0]
    groups = _request_groups(request_groups, request_count)
    request_rows, mentor_rows, units = _candidate_pairs(topk, spare_capacity)
    order = np.lexsort((mentor_rows, request_rows, -units))
    remaining = np.asarray(spare_capacity, dtype=np.int64).copy()
    taken = np.zeros(request_count, dtype=bool)
    group_mentors: set[tuple[int, int]] = set()
    chosen: list[int] = []
    for index, request_row, mentor_row in zip(
        order.tolist(), request_rows[order].tolist(), mentor_rows[order].tolist(), strict=True
    ):
        if taken[request_row] or remaining[mentor_row] <= 0:
            continue
        if groups is not None:
            key = (int(groups[request_row]), mentor_row)
            if key in group_mentors:
                continue
            group_mentors.add(key)
        taken[request_row] = True
        remaining[mentor_row] -= 1
        chosen.append(index)
    picked = np.asarray(chosen, dtype=np.int64)
    return _assignment(request_count, request_rows[picked], mentor_rows[picked], units[picked])
