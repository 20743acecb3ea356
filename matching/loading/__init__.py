"""Encodes profiles from the database into the engine's arrays, in a few bulk queries.

Many-to-many fields are read straight from their through tables with values_list and scattered into boolean
matrices with NumPy, so loading costs a handful of queries whatever the number of mentors or requests.

The static part of the mentor table (who is approved, their topics, areas, stages, region, format, capacity) is
cached in the process and reused while a cheap fingerprint query says nothing changed: refreshing one request then
costs a few small queries instead of re-encoding every mentor. Load and pauses change often, so they are read fresh
every time (only the mentors with a non-zero load or a pause date in the future).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import MentorProfile, Region, ServiceArea, Stage, SupportTopic
from matching import engine
from matching.models import Introduction, MentoringRequest, Suggestion
from messaging.models import Relationship

FORMAT_CODES: dict[str, int] = {
    MentorProfile.Format.REMOTE: engine.REMOTE,
    MentorProfile.Format.IN_PERSON: engine.IN_PERSON,
    MentorProfile.Format.EITHER: engine.EITHER,
}
# The request's Format has the same values ("remote", "in_person", "either") as the mentor's.
REQUEST_FORMAT_CODES: dict[str, int] = {
    MentoringRequest.Format.REMOTE: engine.REMOTE,
    MentoringRequest.Format.IN_PERSON: engine.IN_PERSON,
    MentoringRequest.Format.EITHER: engine.EITHER,
}
# Bumped (in the shared cache) when a mentor profile changes, so every process drops its cached mentor table.
MENTOR_TABLE_GENERATION_KEY = "matching:mentor-table-generation"


@dataclass(frozen=True)
class Columns:
    """Maps database ids of one taxonomy list to array columns: column[id] is the column, -1 if unknown."""

    ids: np.ndarray
    column: np.ndarray

    @classmethod
    def build(cls, ids: Iterable[int]) -> Columns:
        id_array = np.fromiter(ids, dtype=np.int64)
        column = np.full(int(id_array.max(initial=0)) + 1, -1, dtype=np.int64)
        column[id_array] = np.arange(len(id_array), dtype=np.int64)
        return cls(ids=id_array, column=column)

    def __len__(self) -> int:
        return len(self.ids)

    def of(self, ids: np.ndarray) -> np.ndarray:
        """Columns of the given ids (-1 for ids added since the table was built)."""
        inside = ids < len(self.column)
        result = np.full(len(ids), -1, dtype=np.int64)
        result[inside] = self.column[ids[inside]]
        return result


@dataclass(frozen=True)
class TaxonomyIndex:
    taxonomy: engine.Taxonomy
    service_areas: Columns
    topics: Columns
    stages: Columns
    regions: Columns


def load_taxonomy() -> TaxonomyIndex:
    """Every taxonomy term, inactive ones included: old requests and profiles may still use them."""
    areas = list(ServiceArea.objects.order_by("order", "name", "id").values_list("id", "name"))
    topics = list(SupportTopic.objects.order_by("order", "name", "id").values_list("id", "name", "short_name"))
    stages = list(Stage.objects.order_by("order", "name", "id").values_list("id", "name"))
    regions = list(Region.objects.order_by("order", "name", "id").values_list("id", "name"))
    region_columns = Columns.build(row[0] for row in regions)
    adjacency = np.zeros((len(regions), len(regions)), dtype=bool)
    pairs = _pairs(Region.neighbours.through.objects.values_list("from_region_id", "to_region_id"))
    if len(pairs):
        adjacency[region_columns.of(pairs[:, 0]), region_columns.of(pairs[:, 1])] = True
        adjacency |= adjacency.T
    np.fill_diagonal(adjacency, False)
    taxonomy = engine.Taxonomy(
        service_areas=tuple(name.lower() for _, name in areas),
        topics=tuple(short_name or name for _, name, short_name in topics),
        stages=tuple(name.lower() for _, name in stages),
        regions=tuple(name for _, name in regions),
        region_adjacency=adjacency,
    )
    return TaxonomyIndex(
        taxonomy=taxonomy,
        service_areas=Columns.build(row[0] for row in areas),
        topics=Columns.build(row[0] for row in topics),
        stages=Columns.build(row[0] for row in stages),
        regions=region_columns,
    )


def _rows(rows: QuerySet[Any, tuple[int, ...]] | list[tuple[int, ...]], width: int = 2) -> np.ndarray:
    """(N, width) int64 array of id tuples. A values_list queryset is run on a plain cursor: with tens of thousands
    of rows, skipping Django's per-row conversion is most of the loading time."""
    if isinstance(rows, QuerySet):
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    if not rows:
        return np.empty((0, width), dtype=np.int64)
    return np.array(rows, dtype=np.int64).reshape(-1, width)


def _pairs(rows: QuerySet[Any, tuple[int, int]] | list[tuple[int, int]]) -> np.ndarray:
    return _rows(rows, width=2)  # type: ignore[arg-type]


def _scatter(shape: tuple[int, int], row_ids: np.ndarray, pairs: np.ndarray, columns: Columns) -> np.ndarray:
    """Boolean matrix with True at (row of pairs[:, 0], column of pairs[:, 1]); row_ids must be sorted."""
    matrix = np.zeros(shape, dtype=bool)
    if len(pairs) == 0:
        return matrix
    rows = np.searchsorted(row_ids, pairs[:, 0])
    rows = np.minimum(rows, len(row_ids) - 1)
    cols = columns.of(pairs[:, 1])
    keep = (row_ids[rows] == pairs[:, 0]) & (cols >= 0)
    matrix[rows[keep], cols[keep]] = True
    return matrix


# --- Mentors --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentorTable:
    """The approved mentors' static attributes, rows sorted by id ascending."""

    index: TaxonomyIndex
    ids: np.ndarray
    service_areas: np.ndarray
    topics: np.ndarray
    stages: np.ndarray
    region: np.ndarray
    format: np.ndarray
    capacity: np.ndarray
    paused_until: np.ndarray  # int64 (M,) proleptic ordinal of the day the pause ends, 0 when not paused
    fingerprint: tuple[object, ...]

    def rows_of(self, mentor_ids: np.ndarray) -> np.ndarray:
        """Row of each mentor id, -1 for mentors not in the table (not approved)."""
        if len(self.ids) == 0:
            return np.full(len(mentor_ids), -1, dtype=np.int64)
        rows = np.minimum(np.searchsorted(self.ids, mentor_ids), len(self.ids) - 1)
        return np.where(self.ids[rows] == mentor_ids, rows, -1).astype(np.int64)


_cache_lock = threading.Lock()
_cached_table: MentorTable | None = None


def mentor_table_fingerprint() -> tuple[object, ...]:
    """Changes whenever the cached table may be out of date: one query, plus the shared counter.

    The accounts services send mentor_profile_changed after every approval, edit, pause and resume, which bumps
    the counter. Changes made elsewhere (the admin, a shell) are caught too: saving a profile bumps its
    updated_at, and new many-to-many rows and new taxonomy terms raise a MAX(id).
    """
    profile = MentorProfile._meta.db_table
    tables = [
        field.through._meta.db_table
        for field in (MentorProfile.topics, MentorProfile.service_areas, MentorProfile.stages)
    ]
    tables += [model._meta.db_table for model in (ServiceArea, SupportTopic, Stage, Region)]
    # Table names come from the models, never from input.
    parts = [f"(SELECT MAX(updated_at) FROM {profile})"]  # noqa: S608
    parts += [f"(SELECT MAX(id) FROM {table})" for table in tables]  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return (cache.get(MENTOR_TABLE_GENERATION_KEY, 0), connection.alias, *row)


def forget_mentor_table() -> None:
    """Drop the cached mentor table in every process (through the shared cache) and in this one."""
    global _cached_table
    try:
        cache.incr(MENTOR_TABLE_GENERATION_KEY)
    except ValueError:
        cache.set(MENTOR_TABLE_GENERATION_KEY, 1, timeout=None)
    with _cache_lock:
        _cached_table = None


def mentor_table() -> MentorTable:
    """The cached table if nothing changed since it was built, otherwise a freshly encoded one."""
    global _cached_table
    fingerprint = mentor_table_fingerprint()
    with _cache_lock:
        table = _cached_table
    if table is not None and table.fingerprint == fingerprint:
        return table
    table = encode_mentor_table(fingerprint)
    with _cache_lock:
        _cached_table = table
    return table


def encode_mentor_table(fingerprint: tuple[object, ...] = ()) -> MentorTable:
    index = load_taxonomy()
    approved = MentorProfile.objects.filter(status=MentorProfile.Status.APPROVED)
    rows = list(approved.order_by("id").values_list("id", "region_id", "format", "capacity", "paused_until"))
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    region = index.regions.of(np.fromiter((row[1] for row in rows), dtype=np.int64, count=len(rows)))
    format_codes = np.fromiter(
        (FORMAT_CODES.get(row[2], engine.EITHER) for row in rows), dtype=np.int8, count=len(rows)
    )
    capacity = np.fromiter((row[3] for row in rows), dtype=np.int32, count=len(rows))
    paused_until = np.fromiter((row[4].toordinal() if row[4] else 0 for row in rows), dtype=np.int64, count=len(rows))

    def through(field: object, target: str) -> np.ndarray:
        model = field.through  # type: ignore[attr-defined]
        query = model.objects.filter(mentorprofile__status=MentorProfile.Status.APPROVED)
        return _pairs(query.values_list("mentorprofile_id", f"{target}_id"))

    count = len(ids)
    return MentorTable(
        index=index,
        ids=ids,
        service_areas=_scatter(
            (count, len(index.service_areas)),
            ids,
            through(MentorProfile.service_areas, "servicearea"),
            index.service_areas,
        ),
        topics=_scatter((count, len(index.topics)), ids, through(MentorProfile.topics, "supporttopic"), index.topics),
        stages=_scatter((count, len(index.stages)), ids, through(MentorProfile.stages, "stage"), index.stages),
        region=region.astype(np.int32),
        format=format_codes,
        capacity=capacity,
        paused_until=paused_until,
        fingerprint=fingerprint,
    )


def mentor_arrays(table: MentorTable, *, today: date | None = None) -> engine.MentorArrays:
    """The engine's view of the mentors now: the static table plus current pauses and load.

    Load is active mentees plus introductions waiting for an answer: a pending introduction holds a place.
    """
    today = today or timezone.localdate()
    count = len(table.ids)
    load = np.zeros(count, dtype=np.int32)
    # A pause ending today is over. Pause dates are part of the cached table (changing one saves the profile).
    eligible = table.paused_until <= today.toordinal()
    # Active mentees and pending introductions, per mentor, in one round trip. Hand-written SQL: this runs on
    # every refresh, and compiling the equivalent ORM union costs more than the query.
    profiles, introductions = MentorProfile._meta.db_table, Introduction._meta.db_table
    load_sql = (
        f"SELECT id, active_mentees FROM {profiles} WHERE status = %s AND active_mentees > 0 "  # noqa: S608
        f"UNION ALL SELECT mentor_id, COUNT(*) FROM {introductions} WHERE status = %s GROUP BY mentor_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(load_sql, [MentorProfile.Status.APPROVED, Introduction.Status.PENDING])
        busy = cursor.fetchall()
    pairs = _pairs(busy)
    if len(pairs):
        mentor_rows = table.rows_of(pairs[:, 0])
        known = mentor_rows >= 0
        np.add.at(load, mentor_rows[known], pairs[known, 1].astype(np.int32))
    return engine.MentorArrays(
        ids=table.ids,
        service_areas=table.service_areas,
        topics=table.topics,
        stages=table.stages,
        region=table.region,
        format=table.format,
        capacity=table.capacity,
        load=load,
        eligible=eligible,
    )


def mentor_subset(mentors: engine.MentorArrays, row: int) -> engine.MentorArrays:
    """One mentor's row as a table of its own (row 0)."""
    part = slice(row, row + 1)
    return engine.MentorArrays(
        ids=mentors.ids[part],
        service_areas=mentors.service_areas[part],
        topics=mentors.topics[part],
        stages=mentors.stages[part],
        region=mentors.region[part],
        format=mentors.format[part],
        capacity=mentors.capacity[part],
        load=mentors.load[part],
        eligible=mentors.eligible[part],
    )


# --- Requests ---------------------------------------------------------------------------------------------------


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
    index = table.index
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
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=count)
    mutual_ids = np.fromiter((row[1] for row in rows), dtype=np.int64, count=count)
    areas = np.fromiter((row[2] for row in rows), dtype=np.int64, count=count)
    service_areas = np.zeros((count, len(index.service_areas)), dtype=bool)
    area_columns = index.service_areas.of(areas)
    known = area_columns >= 0
    service_areas[np.arange(count)[known], area_columns[known]] = True
    stage = index.stages.of(np.fromiter((row[4] for row in rows), dtype=np.int64, count=count)).astype(np.int32)
    region = index.regions.of(np.fromiter((row[5] for row in rows), dtype=np.int64, count=count)).astype(np.int32)
    format_codes = np.fromiter(
        (REQUEST_FORMAT_CODES.get(row[3], engine.EITHER) for row in rows), dtype=np.int8, count=count
    )
    topic_pairs = _pairs(topic_pairs_list)
    arrays = engine.RequestArrays(
        ids=ids,
        service_areas=service_areas,
        topics=_scatter((count, len(index.topics)), ids, topic_pairs, index.topics),
        stage=stage,
        region=region,
        format=format_codes,
    )
    excluded = excluded_pairs(ids, mutual_ids, requests, table)
    return RequestBatch(arrays=arrays, mutual_ids=mutual_ids, excluded_pairs=excluded)


def excluded_pairs(
    request_ids: np.ndarray, mutual_ids: np.ndarray, requests: QuerySet[MentoringRequest], table: MentorTable
) -> np.ndarray:
    """(request row, mentor row) pairs that must never be suggested.

    Declared conflicts of interest with the mutual; any relationship, past or present, between the mentor and the
    mutual (they already worked together); and introductions for the request that were declined or went unanswered.
    """
    # One round trip: (0, mutual id, mentor id) rows exclude the pair for every request of that mutual,
    # (1, request id, mentor id) rows for that request only. Hand-written for the same reason as the load query;
    # table names come from the models, and the requests' own SQL and every value are parameters.
    chosen, chosen_params = requests.order_by().values("id").query.sql_with_params()
    conflicts = MentorProfile.conflicts.through._meta.db_table
    requests_table, relationships = MentoringRequest._meta.db_table, Relationship._meta.db_table
    introductions, suggestions = Introduction._meta.db_table, Suggestion._meta.db_table
    of_mutuals = f"IN (SELECT r.mutual_id FROM {requests_table} r WHERE r.id IN ({chosen}))"  # noqa: S608
    parts = [
        f"SELECT 0, c.mutual_id, c.mentorprofile_id FROM {conflicts} c WHERE c.mutual_id {of_mutuals}",  # noqa: S608
        f"SELECT 0, x.mutual_id, x.mentor_id FROM {relationships} x WHERE x.mutual_id {of_mutuals}",  # noqa: S608
        f"SELECT 1, i.request_id, i.mentor_id FROM {introductions} i "  # noqa: S608
        f"WHERE i.request_id IN ({chosen}) AND i.status IN (%s, %s)",
        f"SELECT 1, s.request_id, s.mentor_id FROM {suggestions} s "  # noqa: S608
        f"WHERE s.request_id IN ({chosen}) AND s.declined_at IS NOT NULL",
    ]
    sql = " UNION ALL ".join(parts)
    params = [*chosen_params, *chosen_params, *chosen_params, *Introduction.EXCLUDING_STATUSES, *chosen_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        triples = _rows(cursor.fetchall(), width=3)
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
    )
    return RequestBatch(arrays=batch.arrays, mutual_ids=batch.mutual_ids, excluded_pairs=pairs), subset
