"""Scoring rules, shared by the vectorised path and the explanations.

Scores are fixed point. Each weighted component is rounded down to whole units of 1 / SCALE (see
`component_units`), so a score is an exact integer number of units: every way of computing it (any block size, any
summation order inside BLAS, the one-pair-at-a-time reference in `matching.engine.reference`) gives the same
number, and ties are real ties. A score is at most (7 + topics) units below sum(w_i * c_i) / sum(w): about 2e-5
with the programme's 14 topics.

Ties are broken by `tie_codes`: a keyed hash of the request and the mentor, the same for the same data (and key),
different for every request, and unrelated to ids or sign-up order, so that mentors with alike profiles are
suggested about equally often. Without a key (`tie_key=None`) ties go to the lower mentor id.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matching.engine.datatypes import (
    EITHER,
    FORMATS,
    IN_PERSON,
    RECENCY_MONTHS,
    REMOTE,
    SCALE,
    BoolArray,
    FloatArray,
    IntArray,
    MentorArrays,
    RequestArrays,
    Taxonomy,
    Weights,
)

# The region component (same region 1, neighbouring 0.6, remote for both 0.3) in tenths, so that its units are
# computed with integer arithmetic.
REGION_TENTHS = {"same": 10, "neighbour": 6, "remote": 3}

STRONG_MATCH, GOOD_MATCH = 0.75, 0.5


def component_units(weights: Weights) -> IntArray:
    """Whole score units each component is worth at 1.0: floor(w_i / sum(w) * SCALE), int64 (len(COMPONENTS),).

    A pair's score in units is the sum of: service area `u[0]` if matched; topics `covered * (u[1] // requested)`;
    region `u[2] * tenths // 10` (10 same, 6 neighbouring, 3 remote); stage `u[3]` if matched; capacity
    `u[4] * spare // capacity`; recent help at the request's stage `u[5] * level // RECENCY_MONTHS` (the mentor's
    recency level at that stage). Rounding down keeps every score at most SCALE.
    """
    weights.validate()
    values = weights.as_array()
    return np.floor(values / values.sum() * SCALE).astype(np.int64)


_MASK32 = 0xFFFFFFFF


def _mix32(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """MurmurHash3's 32-bit finaliser on uint64 values below 2**32: a bijection of 32-bit values that spreads every
    input bit over the output."""
    x = values.copy()
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x85EBCA6B)) & np.uint64(_MASK32)
    x ^= x >> np.uint64(13)
    x = (x * np.uint64(0xC2B2AE35)) & np.uint64(_MASK32)
    x ^= x >> np.uint64(16)
    return x


def _fold(ids: npt.ArrayLike, salt: int) -> npt.NDArray[np.uint64]:
    raw = np.asarray(ids, dtype=np.int64).astype(np.uint64)
    return ((raw ^ (raw >> np.uint64(32))) & np.uint64(_MASK32)) ^ np.uint64(salt & _MASK32)


def tie_codes(
    request_ids: npt.ArrayLike, mentor_ids: npt.ArrayLike, tie_key: int | None
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """(request multipliers, mentor codes), uint32: among pairs with equal units, the pair with the larger
    `(multiplier * code) mod 2**32` ranks first.

    The multiplier is odd, so for one request the products of distinct mentor codes are distinct (no tie is left
    over), and the mentor code is a keyed bijection of the id, so the order is unrelated to ids. With
    `tie_key=None` every multiplier is 1 and the code falls as the id rises: ties go to the lower mentor id, which
    callers that need no fairness (and the tests of other rules) may keep.
    """
    request_count = np.asarray(request_ids).shape[0]
    mentor = np.asarray(mentor_ids, dtype=np.int64)
    if tie_key is None:
        return np.ones(request_count, dtype=np.uint32), (_MASK32 - mentor).astype(np.uint32)
    low, high = tie_key & _MASK32, (tie_key >> 32) & _MASK32
    multipliers = _mix32(_fold(request_ids, high)) | np.uint64(1)
    codes = _mix32(_fold(mentor, low))
    return multipliers.astype(np.uint32), codes.astype(np.uint32)


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
        REGION_TENTHS["same"],
        np.where(
            adjacency[:, None, :, None], REGION_TENTHS["neighbour"], np.where(both_remote, REGION_TENTHS["remote"], 0)
        ),
    )
    return np.where(feasible, tenths, -1).astype(np.int64)


def validate_inputs(requests: RequestArrays, mentors: MentorArrays, taxonomy: Taxonomy) -> None:
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
    if mentors.stage_recency is not None:
        recency = np.asarray(mentors.stage_recency)
        if recency.shape != mentors.stages.shape:
            raise ValueError(f"mentors.stage_recency must have shape ({mentor_count}, {len(taxonomy.stages)}).")
        if recency.size and (recency.min() < 0 or recency.max() > RECENCY_MONTHS):
            raise ValueError(f"mentors.stage_recency must hold levels from 0 to {RECENCY_MONTHS}.")
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
