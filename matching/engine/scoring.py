"""`score_top_k`: the k best mentors for each request, and the unweighted components of each pair.

How `score_top_k` stays fast and small (R requests x M mentors):
- Requests are scored in blocks of requests that share a region and format, so a pair's score (except whether the
  mentor covers any requested topic) is one dot product of a request row and a mentor row whose entries are whole
  units: one float32 matrix product per block gives exact scores (integers below 2**24 are exact in float32). The
  matrices are built in `encoding.py`.
- Topics are also bit sets: a bitwise AND per block zeroes the pairs that share no topic.
- Pairs whose format cannot work are never computed: each request category (region and format) is scored against
  only the mentors it could meet (an in-person request only against mentors nearby who meet in person): 18% fewer
  pairs on the synthetic benchmark's mix of formats.
- Ties: each pair's rank key is its units times 2**32 plus its tie order (`rules.tie_codes`: a keyed hash of request
  and mentor, one uint32 multiplication per pair), exact in float64 and unique within a request.
- Exact top k without sorting whole rows: a category's mentors are laid out so that each run of `group` mentors
  adjacent in id order is a column group; the best k groups per request (by their best key) must hold the best k
  mentors, so only k * group candidates per request are ranked exactly.
- Blocks are scored on a small pool of threads (NumPy and BLAS release the GIL).
"""

from __future__ import annotations

import functools
import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from threadpoolctl import ThreadpoolController

from matching.engine.datatypes import (
    COMPONENTS,
    RECENCY_MONTHS,
    FloatArray,
    IntArray,
    MentorArrays,
    RequestArrays,
    Taxonomy,
    TopK,
    Weights,
)
from matching.engine.encoding import INFEASIBLE, Encoded, Layout, encode
from matching.engine.rules import region_tenths_table, units_to_scores, validate_inputs

_BLOCK_BYTES = 64 * 2**20  # about this much working memory per block (per worker), whatever the number of mentors
_BYTES_PER_PAIR = 19  # the float32 block, its float64 rank keys, the uint32 tie orders, the topic test
_TIE_SPAN = float(2**32)  # rank key = units * _TIE_SPAN + tie order (< 2**32): exact in float64 below 2**53


@dataclass(frozen=True)
class _Block:
    category: int
    request_rows: IntArray  # rows of RequestArrays, all in `category`
    exclusion_rows: IntArray  # index into `request_rows` of each excluded pair in the block
    exclusion_positions: IntArray  # mentor position of each excluded pair


@dataclass(frozen=True)
class _MentorSide:
    """What every block of one category multiplies and compares with: the category's mentors at their positions."""

    features: FloatArray  # (P, F + 1): candidate features, then the category's units (the request side is 1 there)
    topic_bits: np.ndarray  # (P, words)
    tie: np.ndarray  # uint32 (P,)


class _MentorSides:
    """Each category's `_MentorSide`, built at its first block and dropped after its last: blocks come in category
    order, so only the categories being scored (one or two) are held, and no block copies the mentors again."""

    def __init__(self, encoded: Encoded, blocks: list[_Block]) -> None:
        self._encoded = encoded
        self._lock = threading.Lock()
        self._remaining = Counter(block.category for block in blocks)
        self._built: dict[int, _MentorSide] = {}

    def get(self, category: int) -> _MentorSide:
        with self._lock:
            side = self._built.get(category)
            if side is None:
                encoded = self._encoded
                position_candidate = encoded.layouts[category].position_candidate
                features = encoded.candidate_features[position_candidate]  # a copy, its last column free
                features[:, -1] = encoded.category_units[category, position_candidate]
                side = self._built[category] = _MentorSide(
                    features=features,
                    topic_bits=encoded.candidate_topic_bits[position_candidate],
                    tie=encoded.candidate_tie[position_candidate],
                )
            return side

    def done(self, category: int) -> None:
        with self._lock:
            self._remaining[category] -= 1
            if self._remaining[category] <= 0:
                self._built.pop(category, None)


def _blocks(encoded: Encoded, excluded_pairs: np.ndarray | None, mentor_count: int, block_rows: int) -> list[_Block]:
    """Runs of at most `block_rows` requests sharing a category, each with its excluded pairs."""
    request_count = encoded.request_category.shape[0]
    order = np.argsort(encoded.request_category, kind="stable")
    place = np.empty(request_count, dtype=np.int64)
    place[order] = np.arange(request_count)

    pair_places = pair_candidates = np.zeros(0, dtype=np.int64)
    if excluded_pairs is not None and len(excluded_pairs):
        pairs = np.asarray(excluded_pairs, dtype=np.int64).reshape(-1, 2)
        if pairs.min() < 0 or pairs[:, 0].max() >= request_count or pairs[:, 1].max() >= mentor_count:
            raise ValueError("excluded_pairs holds a request or mentor row that does not exist.")
        row_candidate = np.full(mentor_count, -1, dtype=np.int64)
        row_candidate[encoded.candidate_rows] = np.arange(encoded.candidate_rows.shape[0])
        candidates = row_candidate[pairs[:, 1]]
        keep = candidates >= 0  # a mentor who is no candidate at all needs no exclusion
        pair_places, pair_candidates = place[pairs[keep, 0]], candidates[keep]
        by_place = np.argsort(pair_places, kind="stable")
        pair_places, pair_candidates = pair_places[by_place], pair_candidates[by_place]
    # Where each candidate sits in each category's layout (-1: not feasible there, nothing to exclude).
    candidate_position: dict[int, IntArray] = {}
    for category, layout in encoded.layouts.items():
        inverse = np.full(encoded.candidate_rows.shape[0] + 1, -1, dtype=np.int64)
        inverse[layout.position_candidate] = np.arange(layout.positions)
        inverse[-1] = -1
        candidate_position[category] = inverse

    sorted_categories = encoded.request_category[order]
    boundaries = np.flatnonzero(np.diff(sorted_categories)) + 1
    run_starts = np.concatenate([[0], boundaries]).tolist()
    run_stops = np.concatenate([boundaries, [request_count]]).tolist()
    blocks = []
    for run_start, run_stop in zip(run_starts, run_stops, strict=True):
        for start in range(run_start, run_stop, block_rows):
            stop = min(start + block_rows, run_stop)
            low, high = np.searchsorted(pair_places, [start, stop])
            category = int(sorted_categories[start])
            positions = candidate_position[category][pair_candidates[low:high]]
            feasible = positions >= 0
            blocks.append(
                _Block(
                    category=category,
                    request_rows=order[start:stop],
                    exclusion_rows=pair_places[low:high][feasible] - start,
                    exclusion_positions=positions[feasible],
                )
            )
    return blocks


def _add_multi_area(block: FloatArray, request_rows: IntArray, encoded: Encoded, mentor_side: FloatArray) -> None:
    """Service-area units for requests asking about several areas: matched when the mentor has any of them."""
    local = np.flatnonzero(encoded.multi_area_rows[request_rows])
    if local.shape[0] == 0 or encoded.area_units == 0:
        return
    shared = encoded.request_areas[request_rows[local]] @ mentor_side[:, encoded.area_columns].T
    block[local] += (shared > 0) * np.float32(encoded.area_units)


def _score_block(
    block_spec: _Block, k: int, encoded: Encoded, sides: _MentorSides, out_units: IntArray, out_candidates: IntArray
) -> None:
    """Top k (units, candidate) for the block's requests, written into their output rows."""
    try:
        _score_block_with(block_spec, k, encoded, sides.get(block_spec.category), out_units, out_candidates)
    finally:
        sides.done(block_spec.category)


def _score_block_with(
    block_spec: _Block, k: int, encoded: Encoded, side: _MentorSide, out_units: IntArray, out_candidates: IntArray
) -> None:
    request_rows = block_spec.request_rows
    rows = request_rows.shape[0]
    layout = encoded.layouts[block_spec.category]
    group, group_count, positions = layout.group, layout.group_count, layout.positions
    position_candidate = layout.position_candidate
    feature_count = encoded.request_features.shape[1]

    request_side = np.empty((rows, feature_count + 1), dtype=np.float32)
    request_side[:, :feature_count] = encoded.request_features[request_rows]
    request_side[:, feature_count] = 1.0
    block = request_side @ side.features.T  # (rows, P) exact units + 1; <= 0 at padding
    _add_multi_area(block, request_rows, encoded, side.features)

    # A mentor sharing no requested topic is excluded: multiply those pairs' scores by 0.
    request_bits = encoded.request_topic_bits[request_rows]
    mentor_bits = side.topic_bits
    shared = np.bitwise_and(request_bits[:, 0, None], mentor_bits[None, :, 0])
    for word in range(1, request_bits.shape[1]):
        shared |= np.bitwise_and(request_bits[:, word, None], mentor_bits[None, :, word])
    np.multiply(block, shared.astype(bool), out=block)
    del shared
    block[block_spec.exclusion_rows, block_spec.exclusion_positions] = INFEASIBLE
    np.maximum(block, 0, out=block)  # units + 1 where feasible, 0 where not

    group_k = min(k, group_count)
    if group_k < group_count:
        # Every top-k pair scores at least the k-th best group's best: usually few pairs do, and only those need
        # rank keys (ties at that level included). When ties make them many, the dense path below is cheaper.
        best_units = block.reshape(rows, group, group_count).max(axis=1)
        threshold = np.partition(best_units, group_count - group_k, axis=1)[:, group_count - group_k]
        np.maximum(threshold, 1, out=threshold)  # feasible pairs only
        # Only groups whose best reaches the threshold can hold such pairs: look inside those alone, rather than
        # compare every pair of the block (the scan of the whole block was a third of the scoring time).
        hit_rows, hit_groups = np.nonzero(best_units >= threshold[:, None])
        if hit_rows.shape[0] <= 2 * rows * group_k:
            members = hit_groups[:, None] + np.arange(group, dtype=np.int64) * group_count  # (hits, group)
            inside, member = np.nonzero(block[hit_rows[:, None], members] >= threshold[hit_rows, None])
            local, places = hit_rows[inside], members[inside, member]
        else:
            local, places = np.nonzero(block >= threshold[:, None])
        if local.shape[0] <= rows * group_k * group:
            _pick_sparse(block, local, places, block_spec, k, encoded, layout, side, out_units, out_candidates)
            return

    # Rank keys: units (+ 1) above, the pair's tie order below; unique within a row.
    keys = np.multiply(block, _TIE_SPAN, dtype=np.float64)
    keys += np.multiply(encoded.request_tie[request_rows, None], side.tie[None, :])

    # The best `group_k` groups per request by their best key hold the best k mentors.
    if group_k < group_count:
        best_in_group = keys.reshape(rows, group, group_count).max(axis=1)
        chosen = np.argpartition(best_in_group, group_count - group_k, axis=1)[:, group_count - group_k :]
        candidate_positions = (chosen[:, :, None] + np.arange(group, dtype=np.int64) * group_count).reshape(rows, -1)
    else:
        candidate_positions = np.broadcast_to(np.arange(positions, dtype=np.int64), (rows, positions))
    flat_index = candidate_positions + (np.arange(rows, dtype=np.int64) * positions)[:, None]
    candidate_units = np.take(block.reshape(-1), flat_index)
    key = np.take(keys.reshape(-1), flat_index)
    del keys
    candidate_numbers = position_candidate[candidate_positions]
    width = key.shape[1]
    top = min(k, width)
    picked = np.argpartition(key, width - top, axis=1)[:, width - top :] if top < width else np.argsort(key, axis=1)
    picked = np.take_along_axis(picked, np.argsort(-np.take_along_axis(key, picked, axis=1), axis=1), axis=1)
    out_units[request_rows, :top] = np.take_along_axis(candidate_units, picked, axis=1).astype(np.int64) - 1
    out_candidates[request_rows, :top] = np.take_along_axis(candidate_numbers, picked, axis=1)


def _pick_sparse(
    block: FloatArray,
    local: IntArray,
    places: IntArray,
    block_spec: _Block,
    k: int,
    encoded: Encoded,
    layout: Layout,
    side: _MentorSide,
    out_units: IntArray,
    out_candidates: IntArray,
) -> None:
    """Top k per request among the given (row in block, position) pairs, by rank key."""
    request_rows = block_spec.request_rows
    units = block[local, places]
    candidates = layout.position_candidate[places]
    ties = np.multiply(encoded.request_tie[request_rows[local]], side.tie[places])
    keys = np.multiply(units, _TIE_SPAN, dtype=np.float64)
    keys += ties
    order = np.lexsort((-keys, local))  # by row, then best key first
    by_row = local[order]
    starts = np.searchsorted(by_row, np.arange(request_rows.shape[0]))
    slot = np.arange(by_row.shape[0]) - starts[by_row]
    keep = slot < k
    chosen, rows_out, slots_out = order[keep], request_rows[by_row[keep]], slot[keep]
    out_units[rows_out, slots_out] = units[chosen].astype(np.int64) - 1
    out_candidates[rows_out, slots_out] = candidates[chosen]


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
    tie_key: int | None = None,
) -> TopK:
    """The k best feasible mentors for each request, best first. Ties are broken by a keyed hash of request and
    mentor (`rules.tie_codes` with `tie_key`, a 64-bit number), or go to the lower mentor id when it is None.

    excluded_pairs: int64 (P, 2) of (request_row, mentor_row) that must never be suggested: conflicts of interest,
    declined pairs, pairs that already worked together. Requests are scored at most `block_rows` at a time (each
    block also holds requests of one region and format, and at most as many as keep the block near 64 MB: fewer with
    more mentors), so memory is about 19 bytes x rows x M per worker, never R x M. `workers` threads score blocks
    in parallel (default: up to 2).
    """
    if k < 1:
        raise ValueError("k must be at least 1.")
    if block_rows < 1:
        raise ValueError("block_rows must be at least 1.")
    validate_inputs(requests, mentors, taxonomy)
    request_count = len(requests)
    encoded = encode(requests, mentors, taxonomy, weights, k, tie_key)
    widest = max((layout.positions for layout in encoded.layouts.values()), default=1)
    block_rows = min(block_rows, max(16, _BLOCK_BYTES // (_BYTES_PER_PAIR * widest)))
    blocks = _blocks(encoded, excluded_pairs, len(mentors), block_rows)

    out_units = np.full((request_count, k), -1, dtype=np.int64)
    out_candidates = np.zeros((request_count, k), dtype=np.int64)
    if encoded.candidate_rows.shape[0] > 0 and blocks:
        thread_count = min(workers or default_workers(), len(blocks))
        # One BLAS thread: our threads already use the cores, and idle OpenBLAS threads spin and take them.
        with _blas_controller().limit(limits=1, user_api="blas"):
            sides = _MentorSides(encoded, blocks)
            if thread_count <= 1:
                for block in blocks:
                    _score_block(block, k, encoded, sides, out_units, out_candidates)
            else:
                with ThreadPoolExecutor(max_workers=thread_count) as pool:
                    for _ in pool.map(
                        lambda block: _score_block(block, k, encoded, sides, out_units, out_candidates), blocks
                    ):
                        pass

    feasible = out_units >= 0
    mentor_rows = np.full((request_count, k), -1, dtype=np.int64)
    mentor_rows[feasible] = encoded.candidate_rows[out_candidates[feasible]]
    scores = np.where(feasible, units_to_scores(np.maximum(out_units, 0)), np.float32(0)).astype(np.float32)
    components = pair_components(mentor_rows, requests, mentors, taxonomy)
    return TopK(mentor_rows=mentor_rows, scores=scores, components=components)


def pair_components(
    mentor_rows: np.ndarray, requests: RequestArrays, mentors: MentorArrays, taxonomy: Taxonomy
) -> FloatArray:
    """Unweighted components, float32 (R, k, len(COMPONENTS)), of each request's pairs in `mentor_rows` (R, k); 0
    where -1."""
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
    level = np.where(stage >= 0, mentors.recency[mentor_index, np.maximum(stage, 0)], 0)
    values[:, 5] = level / RECENCY_MONTHS
    components[request_index, slot] = values
    return components
