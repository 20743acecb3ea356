"""The engine's scoring written the slow, obvious way: one pair at a time in plain Python.

It is the oracle the engine's tests compare `score_top_k` with, and the loop the benchmark measures the vectorised
engine against. It reads the scoring rules from the contract (components, hard exclusions, fixed-point units from
`component_units`), not from the engine's feature matrices, so the two are independent implementations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.engine.datatypes import (
    EITHER,
    IN_PERSON,
    RECENCY_MONTHS,
    REMOTE,
    MentorArrays,
    RequestArrays,
    Taxonomy,
    Weights,
)
from matching.engine.rules import component_units


@dataclass(frozen=True)
class _Mentor:
    row: int
    id: int
    service_areas: frozenset[int]
    topics: frozenset[int]
    stages: frozenset[int]
    region: int
    format: int
    capacity: int
    spare: int
    recency: dict[int, int]  # stage -> recency level (only stages above 0)


def _mentor_list(mentors: MentorArrays) -> list[_Mentor]:
    """The mentors that can take anyone at all: eligible and with spare capacity."""
    result = []
    for row in range(len(mentors)):
        spare = int(mentors.capacity[row]) - int(mentors.load[row])
        if not mentors.eligible[row] or spare <= 0:
            continue
        result.append(
            _Mentor(
                row=row,
                id=int(mentors.ids[row]),
                service_areas=frozenset(np.flatnonzero(mentors.service_areas[row]).tolist()),
                topics=frozenset(np.flatnonzero(mentors.topics[row]).tolist()),
                stages=frozenset(np.flatnonzero(mentors.stages[row]).tolist()),
                region=int(mentors.region[row]),
                format=int(mentors.format[row]),
                capacity=int(mentors.capacity[row]),
                spare=spare,
                recency={stage: int(level) for stage, level in enumerate(mentors.recency[row].tolist()) if level > 0},
            )
        )
    return result


def _mix32(value: int) -> int:
    value ^= value >> 16
    value = (value * 0x85EBCA6B) & 0xFFFFFFFF
    value ^= value >> 13
    value = (value * 0xC2B2AE35) & 0xFFFFFFFF
    return value ^ (value >> 16)


def _fold(identifier: int, salt: int) -> int:
    raw = identifier & 0xFFFFFFFFFFFFFFFF
    return ((raw ^ (raw >> 32)) & 0xFFFFFFFF) ^ (salt & 0xFFFFFFFF)


def tie_order(request_id: int, mentor_id: int, tie_key: int | None) -> int:
    """Among pairs with equal units the larger number ranks first (see `rules.tie_codes`, written here again one
    pair at a time)."""
    if tie_key is None:
        return -mentor_id
    multiplier = _mix32(_fold(request_id, tie_key >> 32)) | 1
    return (multiplier * _mix32(_fold(mentor_id, tie_key))) & 0xFFFFFFFF


def _region_tenths(
    request_region: int, request_format: int, mentor_region: int, mentor_format: int, neighbours: set[tuple[int, int]]
) -> int | None:
    """Region component in tenths, or None when the format cannot work."""
    same = request_region == mentor_region
    near = same or (request_region, mentor_region) in neighbours
    if (request_format == IN_PERSON and mentor_format == REMOTE) or (
        request_format == REMOTE and mentor_format == IN_PERSON
    ):
        return None
    if IN_PERSON in (request_format, mentor_format) and not near:
        return None
    if same:
        return 10
    if near:
        return 6
    if request_format in (REMOTE, EITHER) and mentor_format in (REMOTE, EITHER):
        return 3
    return 0


def top_k_loop(
    requests: RequestArrays,
    mentors: MentorArrays,
    taxonomy: Taxonomy,
    weights: Weights,
    *,
    k: int = 10,
    excluded_pairs: np.ndarray | None = None,
    request_rows: list[int] | None = None,
    tie_key: int | None = None,
) -> dict[int, list[tuple[int, int]]]:
    """For each request row (all, or `request_rows`), its best k (mentor row, score units), best first, ties
    broken by `tie_order` (to the lower mentor id without a key)."""
    units_of = [int(u) for u in component_units(weights)]
    area_units, topic_units, region_units, stage_units, capacity_units, recency_units = units_of
    adjacency = np.asarray(taxonomy.region_adjacency, dtype=bool)
    neighbours = {(int(a), int(b)) for a, b in zip(*np.nonzero(adjacency), strict=True)}
    excluded = set() if excluded_pairs is None else {(int(r), int(m)) for r, m in np.asarray(excluded_pairs)}
    candidates = _mentor_list(mentors)
    rows = range(len(requests)) if request_rows is None else request_rows
    results: dict[int, list[tuple[int, int]]] = {}
    for request_row in rows:
        areas = set(np.flatnonzero(requests.service_areas[request_row]).tolist())
        topics = set(np.flatnonzero(requests.topics[request_row]).tolist())
        per_topic = topic_units // len(topics) if topics else 0
        request_id = int(requests.ids[request_row])
        stage = int(requests.stage[request_row])
        region = int(requests.region[request_row])
        request_format = int(requests.format[request_row])
        scored: list[tuple[int, int, int]] = []  # (-units, -tie order, row)
        for mentor in candidates:
            if (request_row, mentor.row) in excluded:
                continue
            covered = len(topics & mentor.topics)
            if covered == 0:
                continue
            tenths = _region_tenths(region, request_format, mentor.region, mentor.format, neighbours)
            if tenths is None:
                continue
            units = covered * per_topic + region_units * tenths // 10
            if areas & mentor.service_areas:
                units += area_units
            if stage in mentor.stages:
                units += stage_units
            units += capacity_units * mentor.spare // mentor.capacity
            units += recency_units * mentor.recency.get(stage, 0) // RECENCY_MONTHS
            scored.append((-units, -tie_order(request_id, mentor.id, tie_key), mentor.row))
        scored.sort()
        results[request_row] = [(row, -negative_units) for negative_units, _, row in scored[:k]]
    return results
