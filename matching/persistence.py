"""Writes a computed ranking into the suggestions table, in bulk, keeping history.

Both paths below give the same result, run inside the caller's transaction, and write only what changed:
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

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection

from matching import engine
from matching.models import MatchRun, Suggestion

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


def store(*, run: MatchRun, scope: Sequence[int], ranked: Ranked, now: datetime) -> int:
    """Make `ranked` the current suggestions of the requests in `scope`. Returns how many rows were written."""
    if connection.vendor == "postgresql" and len(ranked) >= COPY_THRESHOLD:
        return _store_with_copy(run=run, scope=scope, ranked=ranked, now=now)
    return _store_portable(run=run, scope=scope, ranked=ranked, now=now)


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


def _copy_text(ranked: Ranked) -> str:
    """The rows in COPY's text format. JSON is encoded once per distinct value: components and reasons repeat a
    lot across 100,000 pairs. json.dumps escapes control characters, so only the backslash needs escaping."""
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

    lines = [
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
    return "".join(lines)


def _store_with_copy(*, run: MatchRun, scope: Sequence[int], ranked: Ranked, now: datetime) -> int:
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
            copy.write(_copy_text(ranked))
        # Statistics on the keys only (cheap) let the planner pick a hash anti-join for the stale marking below.
        cursor.execute(f"ANALYZE {staging} (request_id, mentor_id)")
        cursor.execute(upsert, [current, run.pk, now, now])
        written = cursor.rowcount
        cursor.execute(mark_stale, [stale, now, list(scope), current])
        written += cursor.rowcount
        cursor.execute(f"TRUNCATE {staging}")
    return written
