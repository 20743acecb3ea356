"""The mentors as the engine's candidates: a cached table of their static attributes, plus load and pauses.

The static part of the mentor table (who is approved, their topics, areas, stages, region, format, capacity) is
cached in the process and reused while a cheap fingerprint query says nothing changed: refreshing one request then
costs a few small queries instead of re-encoding every mentor. Load and pauses change often, so they are read fresh
every time (only the mentors with a non-zero load or a pause date in the future).

Recent help at a stage (`stage_recency`: the mutuals each mentor took on in the last 18 months, by the stage the
mutual was at then) is part of the cached table: its fingerprint changes with the day and with the latest accepted
introduction, so the table is rebuilt once a day and after an acceptance, never per refresh.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from accounts.models import MentorProfile, Region, ServiceArea, Stage, StageChange, SupportTopic
from matching import engine
from matching.loading.taxonomy import TaxonomyIndex, format_codes, id_pairs, load_taxonomy, scatter
from matching.models import Introduction, MentoringRequest

# Bumped (in the shared cache) when a mentor profile changes, so every process drops its cached mentor table.
MENTOR_TABLE_GENERATION_KEY = "matching:mentor-table-generation"


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
    # uint8 (M, stages) recency level (engine.MentorArrays.stage_recency) as of the day the table was built.
    stage_recency: np.ndarray | None = None

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
    updated_at, and new many-to-many rows and new taxonomy terms raise a MAX(id). Recent help at a stage changes
    with the day (levels fall a step a month) and when an introduction is accepted (the latest acceptance).
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
    introductions = Introduction._meta.db_table
    parts.append(f"(SELECT MAX(responded_at) FROM {introductions} WHERE status = %s)")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), [Introduction.Status.ACCEPTED])
        row = cursor.fetchone()
    today = timezone.localdate().toordinal()
    return (cache.get(MENTOR_TABLE_GENERATION_KEY, 0), connection.alias, today, *row)


def forget_mentor_table() -> None:
    """Drop the cached mentor table in every process (through the shared cache) and in this one."""
    global _cached_table
    try:
        cache.incr(MENTOR_TABLE_GENERATION_KEY)
    except ValueError:
        cache.set(MENTOR_TABLE_GENERATION_KEY, 1, timeout=None)
    with _cache_lock:
        _cached_table = None


_one_off = threading.local()


@contextmanager
def mentor_table_not_kept() -> Iterator[None]:
    """Within it, `mentor_table()` encodes the table afresh and keeps nothing: for a process that computes once and
    exits (`manage.py rematch --full`), which has no later call to reuse the table for, and so needs neither the
    fingerprint query nor the shared cache's counter (whose client library alone is a good part of a second of
    start-up under load)."""
    previous = getattr(_one_off, "active", False)
    _one_off.active = True
    try:
        yield
    finally:
        _one_off.active = previous


def mentor_table() -> MentorTable:
    """The cached table if nothing changed since it was built, otherwise a freshly encoded one."""
    global _cached_table
    if getattr(_one_off, "active", False):
        return encode_mentor_table()
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
    capacity = np.fromiter((row[3] for row in rows), dtype=np.int32, count=len(rows))
    paused_until = np.fromiter((row[4].toordinal() if row[4] else 0 for row in rows), dtype=np.int64, count=len(rows))

    def through(field: object, target: str) -> np.ndarray:
        model = field.through  # type: ignore[attr-defined]
        query = model.objects.filter(mentorprofile__status=MentorProfile.Status.APPROVED)
        return id_pairs(query.values_list("mentorprofile_id", f"{target}_id"))

    return MentorTable(
        index=index,
        stage_recency=stage_recency(ids, index),
        ids=ids,
        service_areas=scatter(ids, through(MentorProfile.service_areas, "servicearea"), index.service_areas),
        topics=scatter(ids, through(MentorProfile.topics, "supporttopic"), index.topics),
        stages=scatter(ids, through(MentorProfile.stages, "stage"), index.stages),
        region=region.astype(np.int32),
        format=format_codes(row[2] for row in rows),
        capacity=capacity,
        paused_until=paused_until,
        fingerprint=fingerprint,
    )


def stage_recency(mentor_ids: np.ndarray, index: TaxonomyIndex, *, now: datetime | None = None) -> np.ndarray:
    """uint8 (len(mentor_ids), stages): for each mentor and stage, the engine's recency level (RECENCY_MONTHS minus
    the whole 30-day months since the mentor last accepted an introduction from a mutual at that stage; 0 when not
    in the last RECENCY_MONTHS months). The stage is the one the mutual was at when the mentor accepted, from its
    stage history; an acceptance the history does not cover counts for no stage. One grouped query."""
    now = now or timezone.now()
    levels = np.zeros((len(mentor_ids), len(index.stages)), dtype=np.uint8)
    if len(mentor_ids) == 0:
        return levels
    days = engine.RECENCY_MONTHS * engine.RECENCY_DAYS_PER_MONTH
    introductions = Introduction._meta.db_table
    requests = MentoringRequest._meta.db_table
    changes = StageChange._meta.db_table
    # Table names come from the models, never from input.
    sql = (
        f"SELECT i.mentor_id, c.to_stage_id, MAX(i.responded_at) FROM {introductions} i "  # noqa: S608
        f"JOIN {requests} r ON r.id = i.request_id "
        f"JOIN {changes} c ON c.mutual_id = r.mutual_id AND c.changed_at <= i.responded_at "
        "AND (c.ended_at IS NULL OR c.ended_at > i.responded_at) "
        "WHERE i.status = %s AND i.responded_at > %s GROUP BY i.mentor_id, c.to_stage_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Introduction.Status.ACCEPTED, now - timedelta(days=days)])
        found = cursor.fetchall()
    if not found:
        return levels
    mentors = np.fromiter((row[0] for row in found), dtype=np.int64, count=len(found))
    stages = index.stages.of(np.fromiter((row[1] for row in found), dtype=np.int64, count=len(found)))
    age_days = np.fromiter((max((now - _aware(row[2])).days, 0) for row in found), dtype=np.int64, count=len(found))
    level = engine.RECENCY_MONTHS - age_days // engine.RECENCY_DAYS_PER_MONTH
    rows = np.minimum(np.searchsorted(mentor_ids, mentors), len(mentor_ids) - 1)
    keep = (mentor_ids[rows] == mentors) & (stages >= 0) & (level > 0)
    levels[rows[keep], stages[keep]] = level[keep]
    return levels


def _aware(value: datetime | str) -> datetime:
    """A timestamp from a raw cursor: SQLite gives text (in UTC), PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


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
    pairs = id_pairs(busy)
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
        stage_recency=table.stage_recency,
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
        stage_recency=mentors.recency[part],
    )
