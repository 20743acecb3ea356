"""Assignment: each request to at most one of its top-k mentors, within the mentors' spare capacity, either
optimally (a min-cost flow) or greedily (the baseline it is measured against)."""

from __future__ import annotations

import numpy as np

from matching.engine.datatypes import SCALE, Assignment, BoolArray, IntArray, TopK
from matching.engine.rules import units_to_scores


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
