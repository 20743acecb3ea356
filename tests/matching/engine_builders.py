"""Build the engine's arrays from readable profiles (slugs from the programme's taxonomy), for the engine's tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accounts.taxonomy import REGION_NEIGHBOURS, REGIONS, SERVICE_AREAS, STAGES, SUPPORT_TOPICS
from matching.engine import EITHER, MentorArrays, RequestArrays, Taxonomy

AREA_SLUGS = [slug for slug, _ in SERVICE_AREAS]
TOPIC_SLUGS = [slug for slug, _, _ in SUPPORT_TOPICS]
STAGE_SLUGS = [slug for slug, *_ in STAGES]
REGION_SLUGS = [slug for slug, _ in REGIONS]


def programme_taxonomy() -> Taxonomy:
    adjacency = np.zeros((len(REGIONS), len(REGIONS)), dtype=bool)
    for first, second in REGION_NEIGHBOURS:
        a, b = REGION_SLUGS.index(first), REGION_SLUGS.index(second)
        adjacency[a, b] = adjacency[b, a] = True
    return Taxonomy(
        service_areas=tuple(name.lower() for _, name in SERVICE_AREAS),
        topics=tuple(short for _, _, short in SUPPORT_TOPICS),
        stages=tuple(name.lower() for _, name, *_ in STAGES),
        regions=tuple(name for _, name in REGIONS),
        region_adjacency=adjacency,
    )


TAXONOMY = programme_taxonomy()


@dataclass(frozen=True)
class Mentor:
    id: int
    areas: tuple[str, ...] = ("adult-social-care",)
    topics: tuple[str, ...] = ("tupe-and-employment",)
    stages: tuple[str, ...] = ("recently-spun-out",)
    region: str = "north-west"
    format: int = EITHER
    capacity: int = 2
    load: int = 0
    eligible: bool = True
    recency: tuple[tuple[str, int], ...] = ()  # (stage slug, recency level 1 to RECENCY_MONTHS)


@dataclass(frozen=True)
class Request:
    id: int
    areas: tuple[str, ...] = ("fire-and-rescue",)
    topics: tuple[str, ...] = ("tupe-and-employment",)
    stage: str | None = "recently-spun-out"
    region: str = "north-west"
    format: int = EITHER


def _flags(chosen: tuple[str, ...], slugs: list[str]) -> list[bool]:
    unknown = set(chosen) - set(slugs)
    assert not unknown, f"unknown slugs {unknown}"
    return [slug in chosen for slug in slugs]


def mentor_arrays(*mentors: Mentor) -> MentorArrays:
    return MentorArrays(
        ids=np.array([m.id for m in mentors], dtype=np.int64),
        service_areas=np.array([_flags(m.areas, AREA_SLUGS) for m in mentors], dtype=bool).reshape(-1, len(AREA_SLUGS)),
        topics=np.array([_flags(m.topics, TOPIC_SLUGS) for m in mentors], dtype=bool).reshape(-1, len(TOPIC_SLUGS)),
        stages=np.array([_flags(m.stages, STAGE_SLUGS) for m in mentors], dtype=bool).reshape(-1, len(STAGE_SLUGS)),
        region=np.array([REGION_SLUGS.index(m.region) for m in mentors], dtype=np.int32),
        format=np.array([m.format for m in mentors], dtype=np.int8),
        capacity=np.array([m.capacity for m in mentors], dtype=np.int32),
        load=np.array([m.load for m in mentors], dtype=np.int32),
        eligible=np.array([m.eligible for m in mentors], dtype=bool),
        stage_recency=np.array(
            [[dict(m.recency).get(slug, 0) for slug in STAGE_SLUGS] for m in mentors], dtype=np.uint8
        ).reshape(-1, len(STAGE_SLUGS)),
    )


def request_arrays(*requests: Request) -> RequestArrays:
    return RequestArrays(
        ids=np.array([r.id for r in requests], dtype=np.int64),
        service_areas=np.array([_flags(r.areas, AREA_SLUGS) for r in requests], dtype=bool).reshape(
            -1, len(AREA_SLUGS)
        ),
        topics=np.array([_flags(r.topics, TOPIC_SLUGS) for r in requests], dtype=bool).reshape(-1, len(TOPIC_SLUGS)),
        stage=np.array([-1 if r.stage is None else STAGE_SLUGS.index(r.stage) for r in requests], dtype=np.int32),
        region=np.array([REGION_SLUGS.index(r.region) for r in requests], dtype=np.int32),
        format=np.array([r.format for r in requests], dtype=np.int8),
    )


def suggested_ids(mentor_rows: np.ndarray, mentors: MentorArrays) -> list[int]:
    """Mentor ids of one request's suggestions, best first."""
    return [int(mentors.ids[row]) for row in mentor_rows if row >= 0]


@dataclass(frozen=True)
class RandomCase:
    requests: RequestArrays
    mentors: MentorArrays
    taxonomy: Taxonomy
    excluded_pairs: np.ndarray


def random_case(
    seed: int,
    request_count: int,
    mentor_count: int,
    *,
    topic_count: int = 5,
    area_count: int = 3,
    stage_count: int = 3,
    region_count: int = 4,
) -> RandomCase:
    """Random profiles on a small made-up taxonomy: many ties, some full, ineligible and excluded mentors, and
    loads above capacity (a mentor whose capacity was lowered)."""
    rng = np.random.default_rng(seed)
    adjacency = np.triu(rng.random((region_count, region_count)) < 0.4, k=1)
    adjacency = adjacency | adjacency.T
    taxonomy = Taxonomy(
        service_areas=tuple(f"area {index}" for index in range(area_count)),
        topics=tuple(f"topic {index}" for index in range(topic_count)),
        stages=tuple(f"stage {index}" for index in range(stage_count)),
        regions=tuple(f"Region {index}" for index in range(region_count)),
        region_adjacency=adjacency,
    )
    capacity = rng.integers(1, 6, mentor_count).astype(np.int32)
    mentors = MentorArrays(
        ids=rng.permutation(np.arange(1, mentor_count + 1, dtype=np.int64) * 5),
        service_areas=rng.random((mentor_count, area_count)) < 0.4,
        topics=rng.random((mentor_count, topic_count)) < 0.4,
        stages=rng.random((mentor_count, stage_count)) < 0.5,
        region=rng.integers(0, region_count, mentor_count).astype(np.int32),
        format=rng.integers(0, 3, mentor_count).astype(np.int8),
        capacity=capacity,
        load=rng.integers(0, 7, mentor_count).astype(np.int32) * (rng.random(mentor_count) < 0.5),
        eligible=rng.random(mentor_count) < 0.85,
        # From a generator of its own, so that the other draws stay as they were before recency was scored.
        stage_recency=(
            np.random.default_rng([seed, 1]).integers(0, 19, (mentor_count, stage_count))
            * (np.random.default_rng([seed, 2]).random((mentor_count, stage_count)) < 0.3)
        ).astype(np.uint8),
    )
    topics = rng.random((request_count, topic_count)) < 0.35
    topics[np.arange(request_count), rng.integers(0, topic_count, request_count)] = True
    area_counts = rng.choice([0, 1, 1, 1, 2, 3], request_count).clip(max=area_count)
    areas = np.argsort(rng.random((request_count, area_count)), axis=1) < area_counts[:, None]
    requests = RequestArrays(
        ids=np.arange(1, request_count + 1, dtype=np.int64),
        service_areas=areas,
        topics=topics,
        stage=rng.integers(-1, stage_count, request_count).astype(np.int32),
        region=rng.integers(0, region_count, request_count).astype(np.int32),
        format=rng.integers(0, 3, request_count).astype(np.int8),
    )
    pair_count = int(rng.integers(0, request_count * mentor_count // 4 + 2))
    excluded = np.column_stack(
        [rng.integers(0, request_count, pair_count), rng.integers(0, mentor_count, pair_count)]
    ).astype(np.int64)
    return RandomCase(requests=requests, mentors=mentors, taxonomy=taxonomy, excluded_pairs=excluded)
