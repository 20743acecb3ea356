"""Deterministic synthetic requests and mentors for the matching benchmark, on the programme's real taxonomy.

Shapes follow what the programme sees: a few popular topics (TUPE, governance, business planning) and a long tail,
mentors with 2-6 topics and capacity 1-5 and some load, some mentors not approved or paused, and some conflicts of
interest or declined pairs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from accounts.taxonomy import REGION_NEIGHBOURS, REGIONS, SERVICE_AREAS, STAGES, SUPPORT_TOPICS
from matching.engine import EITHER, IN_PERSON, RECENCY_MONTHS, REMOTE, MentorArrays, RequestArrays, Taxonomy


@dataclass(frozen=True)
class SyntheticData:
    requests: RequestArrays
    mentors: MentorArrays
    taxonomy: Taxonomy
    excluded_pairs: np.ndarray  # int64 (P, 2) of (request row, mentor row)
    mutual_ids: np.ndarray  # int64 (R,) the mutual that raised each request


def programme_taxonomy() -> Taxonomy:
    region_slugs = [slug for slug, _ in REGIONS]
    adjacency = np.zeros((len(REGIONS), len(REGIONS)), dtype=bool)
    for first, second in REGION_NEIGHBOURS:
        a, b = region_slugs.index(first), region_slugs.index(second)
        adjacency[a, b] = adjacency[b, a] = True
    return Taxonomy(
        service_areas=tuple(name.lower() for _, name in SERVICE_AREAS),
        topics=tuple(short for _, _, short in SUPPORT_TOPICS),
        stages=tuple(name.lower() for _, name, *_ in STAGES),
        regions=tuple(name for _, name in REGIONS),
        region_adjacency=adjacency,
    )


def _zipf(count: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


def _pick_sets(
    rng: np.random.Generator, rows: int, columns: int, sizes: np.ndarray, popularity: np.ndarray
) -> np.ndarray:
    """A bool (rows, columns) matrix with `sizes[i]` distinct columns per row, drawn by popularity."""
    # Gumbel top-k: the `size` largest of log(p) + Gumbel noise is a weighted draw without replacement.
    keys = np.log(popularity)[None, :] + rng.gumbel(size=(rows, columns))
    order = np.argsort(-keys, axis=1)
    chosen = np.arange(columns)[None, :] < sizes[:, None]
    matrix = np.zeros((rows, columns), dtype=bool)
    np.put_along_axis(matrix, order, chosen, axis=1)
    return matrix


def synthetic_data(request_count: int, mentor_count: int, seed: int = 0) -> SyntheticData:
    rng = np.random.default_rng(seed)
    taxonomy = programme_taxonomy()
    area_count, topic_count = len(taxonomy.service_areas), len(taxonomy.topics)
    stage_count, region_count = len(taxonomy.stages), len(taxonomy.regions)
    topic_popularity = _zipf(topic_count, 1.1)
    area_popularity = _zipf(area_count, 0.8)
    # London and the North West have the most mutuals; the rest share the remainder.
    region_popularity = np.full(region_count, 1.0)
    region_popularity[[1, 6]] = 2.0
    region_popularity /= region_popularity.sum()
    formats = np.array([REMOTE, IN_PERSON, EITHER], dtype=np.int8)

    mentors = MentorArrays(
        ids=rng.permutation(np.arange(1, mentor_count + 1, dtype=np.int64) * 3),
        service_areas=_pick_sets(rng, mentor_count, area_count, rng.integers(1, 4, mentor_count), area_popularity),
        topics=_pick_sets(rng, mentor_count, topic_count, rng.integers(2, 7, mentor_count), topic_popularity),
        stages=_pick_sets(rng, mentor_count, stage_count, rng.integers(1, 4, mentor_count), np.full(stage_count, 0.25)),
        region=rng.choice(region_count, mentor_count, p=region_popularity).astype(np.int32),
        format=rng.choice(formats, mentor_count, p=[0.30, 0.15, 0.55]),
        capacity=(capacity := rng.integers(1, 6, mentor_count).astype(np.int32)),
        load=np.minimum(rng.binomial(capacity, 0.35), capacity).astype(np.int32),
        eligible=rng.random(mentor_count) < 0.9,
    )
    # Recent help at a stage: about a third of the mentors with some load started with a mutual at one of their
    # stages in the last 18 months. From a generator of its own, so that the other profiles are as they were.
    recency_rng = np.random.default_rng(seed + 2)
    recent = (mentors.stages & (mentors.load > 0)[:, None]) & (recency_rng.random((mentor_count, stage_count)) < 0.35)
    mentors = dataclasses.replace(
        mentors,
        stage_recency=(recent * recency_rng.integers(1, RECENCY_MONTHS + 1, (mentor_count, stage_count))).astype(
            np.uint8
        ),
    )
    requests = RequestArrays(
        ids=np.arange(1, request_count + 1, dtype=np.int64) * 7,
        service_areas=_pick_sets(
            rng, request_count, area_count, np.ones(request_count, dtype=np.int64), area_popularity
        ),
        topics=_pick_sets(rng, request_count, topic_count, rng.integers(1, 5, request_count), topic_popularity),
        stage=np.where(rng.random(request_count) < 0.1, -1, rng.integers(0, stage_count, request_count)).astype(
            np.int32
        ),
        region=rng.choice(region_count, request_count, p=region_popularity).astype(np.int32),
        format=rng.choice(formats, request_count, p=[0.35, 0.15, 0.50]),
    )
    # About one excluded pair per two requests: conflicts of interest, declined or past pairs.
    pair_count = request_count // 2
    excluded = np.column_stack(
        [rng.integers(0, max(request_count, 1), pair_count), rng.integers(0, max(mentor_count, 1), pair_count)]
    ).astype(np.int64)
    return SyntheticData(
        requests=requests,
        mentors=mentors,
        taxonomy=taxonomy,
        excluded_pairs=excluded,
        mutual_ids=_mutuals(np.random.default_rng(seed + 1), requests),
    )


def _mutuals(rng: np.random.Generator, requests: RequestArrays) -> np.ndarray:
    """Most mutuals have one open request, some two or three; a mutual's requests share its region and service
    area, so they tend to want the same mentors (what the one-mentor-per-mutual rule of the assignment is about).
    Drawn from their own generator, so the profiles are the same with or without them."""
    count = len(requests)
    sizes = rng.choice([1, 2, 3], size=count, p=[0.6, 0.3, 0.1])
    labels = np.repeat(np.arange(count, dtype=np.int64), sizes)[:count]
    by_place = np.lexsort((requests.service_areas.argmax(axis=1), requests.region))
    mutual_ids = np.empty(count, dtype=np.int64)
    mutual_ids[by_place] = labels
    return mutual_ids
