"""Plain-language reasons for suggested pairs, one sentence per component that counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat

import numpy as np
import numpy.typing as npt

from matching.engine.datatypes import (
    RECENCY_DAYS_PER_MONTH,
    RECENCY_MONTHS,
    IntArray,
    MentorArrays,
    RequestArrays,
    Taxonomy,
    TopK,
)
from matching.engine.encoding import topic_bits
from matching.engine.rules import REGION_TENTHS

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
    if tenths == REGION_TENTHS["same"]:
        return f"Also in {region_phrase(label)}"
    if tenths == REGION_TENTHS["neighbour"]:
        return f"Based nearby, in {region_phrase(label)}"
    if tenths == REGION_TENTHS["remote"]:
        return f"Based in {region_phrase(label)}; you can both meet remotely"
    return None


def _stage_reason(label: str) -> str:
    return f"Has helped mutuals at your stage: {label}"


def _recent_stage_reason(level: int, label: str) -> str:
    """The mentor accepted an introduction from a mutual at `label` at most `RECENCY_MONTHS - level` whole months
    of RECENCY_DAYS_PER_MONTH days ago: within 12 such months is within the last year, within 18 within the last
    18 months."""
    if level <= 0:
        return ""
    months_ago = RECENCY_MONTHS - level
    period = "the last year" if (months_ago + 1) * RECENCY_DAYS_PER_MONTH <= 365 else "the last 18 months"
    return f"Started mentoring a mutual at your stage ({label}) in {period}"


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
    spare = mentors.spare_capacity_at(mentor_row)
    if components[4] > 0 and spare > 0:
        reasons.append(_capacity_reason(spare))
    if components[5] > 0:
        level = round(float(components[5]) * RECENCY_MONTHS)
        reasons.append(_recent_stage_reason(level, taxonomy.stages[int(requests.stage[request_row])]))
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
    first, inverse = _groups(topic_bits(bits_source), counts)
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
    """`explain` for many pairs at once, (N,) rows and (N, len(COMPONENTS)) components: the same sentences, each
    distinct sentence built once and shared by the pairs that need it."""
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

    spare = mentors.spare_capacity[mentor_rows]
    spare_table = np.array([None, *(_capacity_reason(value) for value in range(1, int(spare.max()) + 1))], dtype=object)
    capacity_text = spare_table[np.where(components[:, 4] > 0, spare, 0)]

    stage_count = len(taxonomy.stages)
    recency_table = np.array(
        [None] * stage_count
        + [_recent_stage_reason(level, label) for level in range(1, RECENCY_MONTHS + 1) for label in taxonomy.stages],
        dtype=object,
    )
    recency_level = np.rint(components[:, 5] * RECENCY_MONTHS).astype(np.int64)
    recency_text = recency_table[
        np.where(recency_level > 0, recency_level * stage_count + np.maximum(requests.stage[request_rows], 0), 0)
    ]

    columns = (area_text, topic_text, region_text, stage_text, capacity_text, recency_text)
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
