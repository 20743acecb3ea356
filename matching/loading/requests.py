"""Mentoring requests as the engine's requests, with the pairs each must never be suggested."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from accounts.models import MentorProfile
from matching import engine
from matching.loading.mentors import MentorTable
from matching.loading.taxonomy import encode_requests, id_pairs, id_rows
from matching.models import Introduction, MentoringRequest, Suggestion


@dataclass(frozen=True)
class RequestBatch:
    """Requests encoded for the engine, with the pairs each must never be suggested."""

    arrays: engine.RequestArrays
    mutual_ids: np.ndarray
    excluded_pairs: np.ndarray  # int64 (P, 2) of (request row, mentor row)

    def __len__(self) -> int:
        return len(self.arrays.ids)


def load_requests(requests: QuerySet[MentoringRequest], table: MentorTable) -> RequestBatch:
    """Encode the given requests (any queryset of MentoringRequest) against the mentor table's columns."""
    # One query: a row per (request, topic), ordered by request.
    query = requests.order_by("id", "topics").values_list(
        "id", "mutual_id", "service_area_id", "format", "mutual__stage_id", "mutual__region_id", "topics"
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        joined = cursor.fetchall()
    rows: list[tuple[Any, ...]] = []
    topic_pairs_list: list[tuple[int, int]] = []
    for row in joined:
        if not rows or rows[-1][0] != row[0]:
            rows.append(row)
        if row[6] is not None:
            topic_pairs_list.append((row[0], row[6]))
    count = len(rows)

    def column(position: int) -> np.ndarray:
        return np.fromiter((row[position] for row in rows), dtype=np.int64, count=count)

    ids = column(0)
    mutual_ids = column(1)
    arrays = encode_requests(
        table.index,
        ids=ids,
        service_area_ids=column(2),
        topic_pairs=id_pairs(topic_pairs_list),
        stage_ids=column(4),
        region_ids=column(5),
        formats=[row[3] for row in rows],
    )
    excluded = excluded_pairs(ids, mutual_ids, requests, table)
    return RequestBatch(arrays=arrays, mutual_ids=mutual_ids, excluded_pairs=excluded)


def excluded_pairs(
    request_ids: np.ndarray, mutual_ids: np.ndarray, requests: QuerySet[MentoringRequest], table: MentorTable
) -> np.ndarray:
    """(request row, mentor row) pairs that must never be suggested.

    Declared conflicts of interest with the mutual; a mentor who accepted an introduction to the mutual, for any of
    its requests (they work or worked together: every mentoring relationship starts from an accepted introduction);
    and introductions for the request that were declined or went unanswered.
    """
    # One round trip: (0, mutual id, mentor id) rows exclude the pair for every request of that mutual,
    # (1, request id, mentor id) rows for that request only. Hand-written for the same reason as the load query;
    # table names come from the models, and the requests' own SQL and every value are parameters.
    chosen, chosen_params = requests.order_by().values("id").query.sql_with_params()
    conflicts = MentorProfile.conflicts.through._meta.db_table
    requests_table = MentoringRequest._meta.db_table
    introductions, suggestions = Introduction._meta.db_table, Suggestion._meta.db_table
    of_mutuals = f"IN (SELECT r.mutual_id FROM {requests_table} r WHERE r.id IN ({chosen}))"  # noqa: S608
    parts = [
        f"SELECT 0, c.mutual_id, c.mentorprofile_id FROM {conflicts} c WHERE c.mutual_id {of_mutuals}",  # noqa: S608
        # A mentor who accepted an introduction to the mutual has worked with it: every relationship starts so.
        f"SELECT 0, q.mutual_id, a.mentor_id FROM {introductions} a "  # noqa: S608
        f"JOIN {requests_table} q ON q.id = a.request_id WHERE a.status = %s AND q.mutual_id {of_mutuals}",
        f"SELECT 1, i.request_id, i.mentor_id FROM {introductions} i "  # noqa: S608
        f"WHERE i.request_id IN ({chosen}) AND i.status IN (%s, %s)",
        f"SELECT 1, s.request_id, s.mentor_id FROM {suggestions} s "  # noqa: S608
        f"WHERE s.request_id IN ({chosen}) AND s.declined_at IS NOT NULL",
    ]
    sql = " UNION ALL ".join(parts)
    params = [
        *chosen_params,
        Introduction.Status.ACCEPTED,
        *chosen_params,
        *chosen_params,
        *Introduction.EXCLUDING_STATUSES,
        *chosen_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        triples = id_rows(cursor.fetchall(), width=3)
    pieces = [_mutual_pairs_to_rows(triples[triples[:, 0] == 0][:, 1:], mutual_ids, table)]
    request_pairs = triples[triples[:, 0] == 1][:, 1:]
    if len(request_pairs) and len(request_ids):
        request_rows = np.minimum(np.searchsorted(request_ids, request_pairs[:, 0]), len(request_ids) - 1)
        mentor_rows = table.rows_of(request_pairs[:, 1])
        keep = (request_ids[request_rows] == request_pairs[:, 0]) & (mentor_rows >= 0)
        pieces.append(np.stack([request_rows[keep], mentor_rows[keep]], axis=1))
    pairs = np.concatenate(pieces).astype(np.int64)
    return np.unique(pairs, axis=0) if len(pairs) else np.empty((0, 2), dtype=np.int64)


def _mutual_pairs_to_rows(pairs: np.ndarray, mutual_ids: np.ndarray, table: MentorTable) -> np.ndarray:
    """(mutual id, mentor id) pairs to (request row, mentor row) for every request of that mutual."""
    if len(pairs) == 0 or len(mutual_ids) == 0:
        return np.empty((0, 2), dtype=np.int64)
    mentor_rows = table.rows_of(pairs[:, 1])
    pairs, mentor_rows = pairs[mentor_rows >= 0], mentor_rows[mentor_rows >= 0]
    order = np.argsort(mutual_ids, kind="stable")
    sorted_mutuals = mutual_ids[order]
    start = np.searchsorted(sorted_mutuals, pairs[:, 0], side="left")
    stop = np.searchsorted(sorted_mutuals, pairs[:, 0], side="right")
    repeats = stop - start
    if repeats.sum() == 0:
        return np.empty((0, 2), dtype=np.int64)
    # Each pair expands to one row per request of its mutual (a mutual may have several open requests).
    pair_index = np.repeat(np.arange(len(pairs)), repeats)
    offsets = np.arange(repeats.sum()) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    request_rows = order[start[pair_index] + offsets]
    return np.stack([request_rows, mentor_rows[pair_index]], axis=1).astype(np.int64)


def request_subset(batch: RequestBatch, rows: np.ndarray) -> RequestBatch:
    """The given request rows of a batch, with their excluded pairs renumbered to match."""
    arrays = batch.arrays
    renumber = np.full(len(arrays.ids), -1, dtype=np.int64)
    renumber[rows] = np.arange(len(rows), dtype=np.int64)
    pairs = batch.excluded_pairs
    kept = pairs[renumber[pairs[:, 0]] >= 0] if len(pairs) else pairs
    excluded = np.stack([renumber[kept[:, 0]], kept[:, 1]], axis=1) if len(kept) else np.empty((0, 2), dtype=np.int64)
    return RequestBatch(
        arrays=engine.RequestArrays(
            ids=arrays.ids[rows],
            service_areas=arrays.service_areas[rows],
            topics=arrays.topics[rows],
            stage=arrays.stage[rows],
            region=arrays.region[rows],
            format=arrays.format[rows],
        ),
        mutual_ids=batch.mutual_ids[rows],
        excluded_pairs=excluded,
    )


def candidates_only(batch: RequestBatch, mentors: engine.MentorArrays) -> tuple[RequestBatch, engine.MentorArrays]:
    """The mentors who could be suggested for some request of the batch: eligible, with room, and covering one of
    its topics. The engine rules the others out anyway; for one request, scoring only these is several times faster.
    """
    wanted_topics = batch.arrays.topics.any(axis=0)
    keep = (mentors.spare_capacity > 0) & mentors.topics[:, wanted_topics].any(axis=1)
    rows = np.flatnonzero(keep)
    renumber = np.full(len(mentors.ids), -1, dtype=np.int64)
    renumber[rows] = np.arange(len(rows), dtype=np.int64)
    pairs = batch.excluded_pairs
    if len(pairs):
        pairs = pairs[renumber[pairs[:, 1]] >= 0]
        pairs = np.stack([pairs[:, 0], renumber[pairs[:, 1]]], axis=1) if len(pairs) else pairs
    subset = engine.MentorArrays(
        ids=mentors.ids[rows],
        service_areas=mentors.service_areas[rows],
        topics=mentors.topics[rows],
        stages=mentors.stages[rows],
        region=mentors.region[rows],
        format=mentors.format[rows],
        capacity=mentors.capacity[rows],
        load=mentors.load[rows],
        eligible=mentors.eligible[rows],
        stage_recency=mentors.recency[rows],
    )
    return RequestBatch(arrays=batch.arrays, mutual_ids=batch.mutual_ids, excluded_pairs=pairs), subset
