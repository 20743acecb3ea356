"""Writes a computed ranking into the suggestions table, in bulk, keeping history.

Most nightly runs change few rankings, so each request keeps a digest of its current ranking (and the number of
its current rows, checked too): only requests whose digest or count differ are written at all. The runs take the
digest from the engine's arrays (`ranking_digests`), so an unchanged request is neither explained, formatted nor
hashed as text. For those, both
paths below give the same result, run inside the caller's transaction, and write only what changed:
- a pair ranked now is made CURRENT with its new rank, score, components and reasons, inserted if new; a row that is
  already identical is not rewritten, so `run` names the run that last changed it;
- a CURRENT pair of the same requests that is no longer ranked becomes STALE (rank cleared); its row, and
  `declined_at`, stay as history.

PostgreSQL with many rows (a full rematch writes about 100,000) streams them with COPY into a temporary table and
lets one INSERT ... ON CONFLICT DO UPDATE ... WHERE IS DISTINCT FROM and one anti-join UPDATE do the rest. Other
databases, and small writes such as one request's refresh, compare with the stored rows in Python and upsert the
differences with bulk_create.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Count

from matching import engine
from matching.models import MatchRun, MentoringRequest, Suggestion

# Below this many rows the portable path is as fast and avoids creating a temporary table.
COPY_THRESHOLD = 2000
BATCH_SIZE = 2000
CHUNK = 5000


@dataclass(frozen=True)
class Ranked:
    """Ranked pairs as parallel columns (one entry per pair): cheaper than an object per pair at 100,000 pairs."""

    request_ids: list[int]
    mentor_ids: list[int]
    ranks: list[int]  # 1 is best
    scores: list[float]
    components: list[tuple[float, ...]]  # in engine.COMPONENTS order
    reasons: list[list[str]]

    def __len__(self) -> int:
        return len(self.request_ids)

    def subset(self, positions: Sequence[int]) -> Ranked:
        return Ranked(
            request_ids=[self.request_ids[i] for i in positions],
            mentor_ids=[self.mentor_ids[i] for i in positions],
            ranks=[self.ranks[i] for i in positions],
            scores=[self.scores[i] for i in positions],
            components=[self.components[i] for i in positions],
            reasons=[self.reasons[i] for i in positions],
        )


def store(*, run: MatchRun, scope: Sequence[int], ranked: Ranked, now: datetime) -> int:
    """Make `ranked` the current suggestions of the requests in `scope`. Returns how many rows were written.

    Each request's pairs must come in rank order (the digest is taken in that order). The runs use
    `changed_requests` and `write` with `ranking_digests` instead, which need no text for unchanged requests.
    """
    lines = _copy_lines(ranked)
    digests = _digests(scope, ranked.request_ids, lines)
    counts: dict[int, int] = {}
    for request_id in ranked.request_ids:
        counts[request_id] = counts.get(request_id, 0) + 1
    changed = changed_requests(scope, digests, counts)
    if not changed:
        return 0
    wanted = set(changed)
    positions = [position for position, request_id in enumerate(ranked.request_ids) if request_id in wanted]
    part = ranked.subset(positions) if len(positions) < len(ranked) else ranked
    return write(run=run, changed=changed, ranked=part, digests=digests, now=now)


def changed_requests(scope: Sequence[int], digests: dict[int, str], counts: dict[int, int]) -> list[int]:
    """The requests in scope whose stored digest or number of current rows differ from the new ranking's."""
    stored = stored_state(scope)
    return [
        request_id for request_id in scope if stored.get(request_id) != (digests[request_id], counts.get(request_id, 0))
    ]


def write(*, run: MatchRun, changed: Sequence[int], ranked: Ranked, digests: dict[int, str], now: datetime) -> int:
    """Make `ranked` (the pairs of the `changed` requests, each request's in rank order) their current suggestions
    and store their digests. Returns how many rows were written."""
    if not changed:
        return 0
    if connection.vendor == "postgresql" and len(ranked) >= COPY_THRESHOLD:
        written = _store_with_copy(run=run, scope=changed, ranked=ranked, text="".join(_copy_lines(ranked)), now=now)
    else:
        written = _store_portable(run=run, scope=changed, ranked=ranked, now=now)
    _save_digests({request_id: digests[request_id] for request_id in changed})
    return written


def _fingerprints(*columns: np.ndarray) -> list[bytes]:
    """A 16-byte digest of each row of the given arrays (one row per entity), from their bytes."""
    rows = np.concatenate(
        [np.ascontiguousarray(column).reshape(column.shape[0], -1).view(np.uint8) for column in columns], axis=1
    )
    return [hashlib.blake2b(row.tobytes(), digest_size=16).digest() for row in rows]


def ranking_digests(
    topk: engine.TopK, requests: engine.RequestArrays, mentors: engine.MentorArrays, taxonomy: engine.Taxonomy
) -> list[str]:
    """A digest per request row of everything its stored suggestions are made of, from the arrays (no text): the
    mentors in rank order with their scores and components as stored (4 decimals), and what the reasons are written
    from (the request's and each mentor's profile arrays, the taxonomy's labels). Equal digests: nothing to write.
    The same pair gives the same digest whichever requests or mentors were scored with it."""
    if len(requests) == 0:
        return []
    labels = (taxonomy.service_areas, taxonomy.topics, taxonomy.stages, taxonomy.regions)
    context = hashlib.blake2b(json.dumps(labels).encode() + np.asarray(taxonomy.region_adjacency).tobytes())
    mentor_prints = np.zeros((len(mentors) + 1, 16), dtype=np.uint8)  # the last row: no mentor
    if len(mentors):
        printed = _fingerprints(
            mentors.ids.astype(np.int64),
            mentors.service_areas.astype(np.uint8),
            mentors.topics.astype(np.uint8),
            mentors.stages.astype(np.uint8),
            mentors.region.astype(np.int32),
            mentors.format.astype(np.int8),
            mentors.spare_capacity.astype(np.int64),
            mentors.capacity.astype(np.int32),
        )
        mentor_prints[:-1] = np.frombuffer(b"".join(printed), dtype=np.uint8).reshape(-1, 16)
    rows = topk.mentor_rows
    found = rows >= 0
    scores = np.where(found, np.rint(topk.scores.astype(np.float64) * 10_000), 0).astype(np.int32)
    components = np.rint(topk.components.astype(np.float64) * 10_000).astype(np.int32)
    printed = _fingerprints(
        requests.ids.astype(np.int64),
        requests.service_areas.astype(np.uint8),
        requests.topics.astype(np.uint8),
        requests.stage.astype(np.int32),
        requests.region.astype(np.int32),
        requests.format.astype(np.int8),
        mentor_prints[np.where(found, rows, len(mentors))],
        scores,
        components,
        found.astype(np.uint8),
    )
    prefix = context.digest()
    return [hashlib.blake2b(prefix + row, digest_size=16).hexdigest() for row in printed]


def _digests(scope: Sequence[int], request_ids: list[int], lines: list[str]) -> dict[int, str]:
    """A digest of each request's ranking (its rows' text, in order); requests with no pairs get the empty one."""
    hashers: dict[int, Any] = {}
    for request_id, line in zip(request_ids, lines, strict=True):
        hasher = hashers.get(request_id)
        if hasher is None:
            hasher = hashers[request_id] = hashlib.blake2b(digest_size=16)
        hasher.update(line.encode())
    empty = hashlib.blake2b(digest_size=16).hexdigest()
    return {request_id: hashers[request_id].hexdigest() if request_id in hashers else empty for request_id in scope}


def stored_state(scope: Sequence[int]) -> dict[int, tuple[str, int]]:
    """(digest, number of current rows) of each request in scope, as stored."""
    digests: dict[int, str] = {}
    counts: dict[int, int] = {}
    current = Suggestion.objects.filter(state=Suggestion.State.CURRENT).order_by().values("request_id")
    if len(scope) > CHUNK:
        # A full run: every open request is in scope, so select them by status rather than by 10,000 ids.
        open_requests = MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES)
        digests.update(open_requests.values_list("id", "ranking_digest"))
        counts.update(
            current.filter(request__status__in=MentoringRequest.MATCHABLE_STATUSES)
            .annotate(count=Count("id"))
            .values_list("request_id", "count")
        )
    else:
        digests.update(MentoringRequest.objects.filter(id__in=scope).values_list("id", "ranking_digest"))
        counts.update(
            current.filter(request_id__in=scope).annotate(count=Count("id")).values_list("request_id", "count")
        )
    return {request_id: (digests.get(request_id, ""), counts.get(request_id, 0)) for request_id in scope}


def _save_digests(digests: dict[int, str]) -> None:
    if connection.vendor == "postgresql":
        table = MentoringRequest._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS r SET ranking_digest = v.digest "  # noqa: S608 - the model's table name
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, digest) WHERE r.id = v.id",
                [list(digests), list(digests.values())],
            )
        return
    # Other databases: one UPDATE ... CASE per batch of requests, not one per request.
    rows = [MentoringRequest(id=request_id, ranking_digest=digest) for request_id, digest in digests.items()]
    MentoringRequest.objects.bulk_update(rows, ["ranking_digest"], batch_size=500)


def components_dict(values: tuple[float, ...]) -> dict[str, float]:
    return dict(zip(engine.COMPONENTS, values, strict=True))


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _store_portable(*, run: MatchRun, scope: Sequence[int], ranked: Ranked, now: datetime) -> int:
    stored: dict[tuple[int, int], tuple[Any, ...]] = {}
    for chunk in _chunks(scope):
        for row in Suggestion.objects.filter(request_id__in=chunk).values_list(
            "request_id", "mentor_id", "id", "state", "rank", "score", "components", "reasons"
        ):
            stored[(row[0], row[1])] = row[2:]
    wanted: set[tuple[int, int]] = set()
    changed = []
    for request_id, mentor_id, rank, score, values, reasons in zip(
        ranked.request_ids,
        ranked.mentor_ids,
        ranked.ranks,
        ranked.scores,
        ranked.components,
        ranked.reasons,
        strict=True,
    ):
        key = (request_id, mentor_id)
        wanted.add(key)
        components = components_dict(values)
        if stored.get(key, (None,))[1:] == (Suggestion.State.CURRENT, rank, score, components, reasons):
            continue
        changed.append(
            Suggestion(
                request_id=request_id,
                mentor_id=mentor_id,
                state=Suggestion.State.CURRENT,
                rank=rank,
                score=score,
                components=components,
                reasons=reasons,
                run=run,
                created_at=now,
                updated_at=now,
            )
        )
    # (request, mentor) order, so that concurrent runs lock rows in the same order.
    changed.sort(key=lambda suggestion: (suggestion.request_id, suggestion.mentor_id))
    Suggestion.objects.bulk_create(
        changed,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["request", "mentor"],
        update_fields=["state", "rank", "score", "components", "reasons", "run", "updated_at"],
    )
    stale = sorted(row[0] for key, row in stored.items() if row[1] == Suggestion.State.CURRENT and key not in wanted)
    for chunk in _chunks(stale):
        Suggestion.objects.filter(id__in=chunk).update(state=Suggestion.State.STALE, rank=None, updated_at=now)
    return len(changed) + len(stale)


def _copy_lines(ranked: Ranked) -> list[str]:
    """Each pair as a line of COPY's text format (also what the digests are made of). JSON is encoded once per
    distinct value: components and reasons repeat a lot across 100,000 pairs. json.dumps escapes control
    characters, so only the backslash needs escaping."""
    components_json: dict[tuple[float, ...], str] = {}
    reasons_json: dict[tuple[str, ...], str] = {}

    def encode_components(values: tuple[float, ...]) -> str:
        text = components_json.get(values)
        if text is None:
            text = components_json[values] = json.dumps(components_dict(values)).replace("\\", "\\\\")
        return text

    def encode_reasons(reasons: list[str]) -> str:
        key = tuple(reasons)
        text = reasons_json.get(key)
        if text is None:
            text = reasons_json[key] = json.dumps(reasons).replace("\\", "\\\\")
        return text

    return [
        f"{request_id}\t{mentor_id}\t{rank}\t{score!r}\t{encode_components(values)}\t{encode_reasons(reasons)}\n"
        for request_id, mentor_id, rank, score, values, reasons in zip(
            ranked.request_ids,
            ranked.mentor_ids,
            ranked.ranks,
            ranked.scores,
            ranked.components,
            ranked.reasons,
            strict=True,
        )
    ]


def _store_with_copy(*, run: MatchRun, scope: Sequence[int], ranked: Ranked, text: str, now: datetime) -> int:
    table = Suggestion._meta.db_table
    staging = "matching_suggestion_staging"
    current, stale = Suggestion.State.CURRENT.value, Suggestion.State.STALE.value
    # Table names are constants of this module and the model; every value is a parameter.
    upsert = f"""
        INSERT INTO {table} AS s (request_id, mentor_id, state, rank, score, components, reasons, run_id,
                                  created_at, updated_at)
        SELECT request_id, mentor_id, %s, rank, score, components, reasons, %s, %s, %s
        FROM {staging} ORDER BY request_id, mentor_id
        ON CONFLICT (request_id, mentor_id) DO UPDATE
        SET state = EXCLUDED.state, rank = EXCLUDED.rank, score = EXCLUDED.score, components = EXCLUDED.components,
            reasons = EXCLUDED.reasons, run_id = EXCLUDED.run_id, updated_at = EXCLUDED.updated_at
        WHERE (s.state, s.rank, s.score, s.components, s.reasons)
              IS DISTINCT FROM (EXCLUDED.state, EXCLUDED.rank, EXCLUDED.score, EXCLUDED.components, EXCLUDED.reasons)
    """  # noqa: S608
    mark_stale = f"""
        UPDATE {table} AS s SET state = %s, rank = NULL, updated_at = %s
        WHERE s.request_id = ANY(%s::bigint[]) AND s.state = %s
          AND NOT EXISTS (SELECT 1 FROM {staging} AS t WHERE t.request_id = s.request_id AND t.mentor_id = s.mentor_id)
    """  # noqa: S608
    with connection.cursor() as cursor:
        # Suggestions can always be recomputed: committing without waiting for the WAL flush is a safe trade.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} (request_id bigint NOT NULL, mentor_id bigint NOT NULL, "
            "rank smallint NOT NULL, score double precision NOT NULL, components jsonb NOT NULL, "
            "reasons jsonb NOT NULL) ON COMMIT DROP"
        )
        cursor.execute(f"TRUNCATE {staging}")
        with cursor.copy(
            f"COPY {staging} (request_id, mentor_id, rank, score, components, reasons) FROM STDIN"
        ) as copy:
            copy.write(text)
        # Statistics on the keys only (cheap) let the planner pick a hash anti-join for the stale marking below.
        cursor.execute(f"ANALYZE {staging} (request_id, mentor_id)")
        cursor.execute(upsert, [current, run.pk, now, now])
        written = cursor.rowcount
        cursor.execute(mark_stale, [stale, now, list(scope), current])
        written += cursor.rowcount
        cursor.execute(f"TRUNCATE {staging}")
    return written
