"""The nightly rematch when nothing has changed: recognised from two digests, and then not computed again.

A full rematch is a pure function of what it loads (the open requests and the pairs they must never be offered,
every mentor with today's load, pauses and recent help, the taxonomy's labels, the weights, the tie key) and of the
engine's code. So the nightly run takes a digest of those inputs once they are loaded; if the last full run that
computed a ranking had the same inputs, and the suggestions stored now are still the ones it left (a digest of every
open request's ranking digest, number of current suggestions and whether it was ever ranked), scoring again would
give the same ranking and writing it would change nothing: the run is recorded as unchanged and stops there.

Anything else (a request opened or closed, a mentor's profile, load or pause, a weights change, a new day that moves
a recency step or ends a pause, a refresh that rewrote one request's suggestions, a deploy that changes the engine)
changes one digest or the other, and the run computes as before. Only the nightly run is skipped like this: a run
that staff start also reports the optimal assignment, so it always computes.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import astuple, fields
from pathlib import Path

import numpy as np

from matching import engine, loading, persistence
from matching.models import MatchRun, MentoringRequest

# The code a ranking is computed from: a deploy that changes any of it is a change of inputs.
_CODE = ("engine", "loading", "persistence.py", "wording.py")


@functools.cache
def _code_digest() -> bytes:
    root = Path(__file__).resolve().parent.parent
    hasher = hashlib.blake2b(digest_size=16)
    for name in _CODE:
        path = root / name
        for source in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            hasher.update(source.relative_to(root).as_posix().encode())
            hasher.update(source.read_bytes())
    return hasher.digest()


def _arrays(hasher: hashlib.blake2b, values: Iterable[object]) -> None:
    for value in values:
        if value is None:
            hasher.update(b"none")
            continue
        array = np.ascontiguousarray(value)
        hasher.update(f"{array.dtype.str}{array.shape}".encode())
        hasher.update(array.tobytes())


def inputs_digest(loaded: loading.EngineInput, weights: engine.Weights, *, k: int, tie_key: int) -> str:
    """A digest of everything a full ranking of `loaded` is computed from, the engine's code included."""
    hasher = hashlib.blake2b(_code_digest(), digest_size=16)
    hasher.update(json.dumps([astuple(weights), k, tie_key]).encode())
    taxonomy = loaded.taxonomy
    hasher.update(json.dumps([taxonomy.service_areas, taxonomy.topics, taxonomy.stages, taxonomy.regions]).encode())
    _arrays(hasher, [taxonomy.region_adjacency])
    for arrays in (loaded.batch.arrays, loaded.mentors):
        _arrays(hasher, (getattr(arrays, field.name) for field in fields(arrays)))  # type: ignore[arg-type]
    _arrays(hasher, [loaded.batch.mutual_ids, loaded.batch.excluded_pairs])
    return hasher.hexdigest()


def state_digest(stored: dict[int, tuple[str, int]], never_ranked: Sequence[int]) -> str:
    """A digest of the stored suggestions of the open requests: each one's ranking digest and number of current
    suggestions (`persistence.stored_state`), and those never ranked."""
    hasher = hashlib.blake2b(digest_size=16)
    for request_id in sorted(stored):
        digest, count = stored[request_id]
        hasher.update(f"{request_id}:{digest}:{count};".encode())
    hasher.update(json.dumps(sorted(never_ranked)).encode())
    return hasher.hexdigest()


def stored_state_digest(request_ids: Sequence[int]) -> str:
    """`state_digest` of the given open requests as the database holds them now."""
    stored = persistence.stored_state(request_ids)
    unranked = MentoringRequest.objects.filter(
        status__in=MentoringRequest.MATCHABLE_STATUSES, first_ranked_at__isnull=True
    ).values_list("id", flat=True)
    return state_digest(stored, sorted(set(unranked) & set(request_ids)))


def last_computed_full_run() -> MatchRun | None:
    """The latest successful full run that left its digests (a run spread over the workers leaves none)."""
    return (
        MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status=MatchRun.Status.SUCCEEDED)
        .exclude(inputs_digest="")
        .order_by("-finished_at", "-pk")
        .first()
    )
