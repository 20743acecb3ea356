"""How evenly the matching engine spreads suggestions over mentors: ties, and exposure by mentor id.

    python -m bench.exposure [--requests 10000 --mentors 10000] [--seed 0] [--json]
    DATABASE_URL=... DEBUG=1 python -m bench.exposure --db      # the open requests and mentors of that database

Scores every request twice, ties to the lower mentor id (the order before issue 16) and ties in the keyed hash order
(`matching.engine.rules.tie_codes`, what production uses), and prints for each:
- how often ties decide: requests with a tie for first place, with a tie at the k-th/(k+1)-th cut-off, and the
  median number of distinct scores in a top k;
- exposure: suggestions per mentor who can be suggested, the mean for the tenth of mentors with the lowest ids and
  for the tenth with the highest, and Spearman's correlation between id and exposure;
- the spread among mentors whose profiles are identical (same service areas, topics, stages, recent help by stage,
  region, format, capacity and load): the pooled variance-to-mean ratio of their suggestion counts within each
  group of alike mentors. About 1 is what chance gives (each request's tie broken by a fair coin); far above 1
  means some alike mentors are shown systematically more than others.
The synthetic run is repeated with "clones": the same number of mentors, every one a copy of one of `--prototypes`
profiles under a new id, so that most mentors have identical twins. With the 1-minute load average. `--db` reads
the configured database (`seed_demo --size N` first) and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

import numpy as np

from matching import engine

DEMO_TIE_KEY = 0x5EED_F00D_CAFE_BEEF  # synthetic data: any fixed key; --db uses the settings' key


def _ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    ranked = np.empty(len(values), dtype=np.float64)
    ranked[order] = np.arange(1, len(values) + 1)
    sorted_values = values[order]
    boundaries = np.flatnonzero(np.diff(sorted_values)) + 1
    for start, stop in zip(np.r_[0, boundaries], np.r_[boundaries, len(values)], strict=True):
        ranked[order[start:stop]] = (start + 1 + stop) / 2
    return ranked


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 2 or np.all(a == a[0]) or np.all(b == b[0]):
        return 0.0
    return float(np.corrcoef(_ranks(np.asarray(a, dtype=np.float64)), _ranks(np.asarray(b, dtype=np.float64)))[0, 1])


def _profile_groups(mentors: engine.MentorArrays, rows: np.ndarray) -> np.ndarray:
    """A label per row in `rows`: equal labels for identical profiles."""
    parts = [
        mentors.service_areas[rows],
        mentors.topics[rows],
        mentors.stages[rows],
        mentors.recency[rows],
        mentors.region[rows, None],
        mentors.format[rows, None],
        mentors.capacity[rows, None],
        mentors.load[rows, None],
    ]
    signature = np.concatenate([part.astype(np.int64) for part in parts], axis=1)
    _, labels = np.unique(signature, axis=0, return_inverse=True)
    return labels.reshape(-1)


def measure(
    requests: engine.RequestArrays,
    mentors: engine.MentorArrays,
    taxonomy: engine.Taxonomy,
    excluded: np.ndarray,
    k: int,
    tie_key: int | None,
) -> dict[str, Any]:
    start = time.perf_counter()
    topk = engine.score_top_k(
        requests, mentors, taxonomy, engine.Weights(), k=k + 1, excluded_pairs=excluded, tie_key=tie_key
    )
    seconds = time.perf_counter() - start
    rows, scores = topk.mentor_rows[:, :k], topk.scores
    found = topk.mentor_rows >= 0
    first_tie = found[:, 1] & (scores[:, 0] == scores[:, 1])
    cut_tie = found[:, k] & (scores[:, k - 1] == scores[:, k])
    distinct = [len(np.unique(scores[row, :k][found[row, :k]])) for row in range(len(requests)) if found[row, 0]]
    # Sanity of the recent-stage component: the share of suggestions it counted in, and that each one is a mentor
    # whose recency level at the request's stage is what the component says.
    recent = topk.components[:, :k, 5]
    suggested = np.nonzero(found[:, :k])
    stage = requests.stage[suggested[0]]
    level = np.where(stage >= 0, mentors.recency[rows[suggested], np.maximum(stage, 0)], 0)
    recency_consistent = bool(np.array_equal(np.rint(recent[suggested] * engine.RECENCY_MONTHS), level))

    candidates = np.flatnonzero(mentors.spare_capacity > 0)
    counts = np.bincount(rows[rows >= 0], minlength=len(mentors))[candidates]
    ids = mentors.ids[candidates]
    by_id = np.argsort(ids, kind="stable")
    tenth = max(len(candidates) // 10, 1)
    labels = _profile_groups(mentors, candidates)
    squares, degrees, alike = 0.0, 0, 0
    for label in np.unique(labels):
        group = counts[labels == label]
        if len(group) >= 2 and group.mean() > 0:
            squares += float(((group - group.mean()) ** 2).sum() / group.mean())
            degrees += len(group) - 1
            alike += len(group)
    return {
        "seconds": round(seconds, 3),
        "requests_with_a_tie_for_first": round(float(first_tie.mean()), 3),
        "requests_with_a_tie_at_the_cut_off": round(float(cut_tie.mean()), 3),
        "median_distinct_scores_in_top_k": float(np.median(distinct)) if distinct else 0.0,
        "mentors_who_can_be_suggested": len(candidates),
        "mean_suggestions_per_mentor": round(float(counts.mean()), 2) if len(counts) else 0.0,
        "lowest_tenth_of_ids_mean": round(float(counts[by_id[:tenth]].mean()), 2) if len(counts) else 0.0,
        "highest_tenth_of_ids_mean": round(float(counts[by_id[-tenth:]].mean()), 2) if len(counts) else 0.0,
        "spearman_id_exposure": round(spearman(ids, counts), 3),
        "suggestions_with_recent_help_at_the_stage": round(float((recent[suggested] > 0).mean()), 3)
        if len(stage)
        else 0.0,
        "recent_stage_component_consistent": recency_consistent,
        "mentors_with_an_identical_twin": alike,
        "alike_variance_to_mean": round(squares / degrees, 2) if degrees else None,
    }


def clones(mentors: engine.MentorArrays, prototypes: int, seed: int) -> engine.MentorArrays:
    """As many mentors, each a copy of one of the first `prototypes` profiles, ids shuffled."""
    rows = np.arange(len(mentors)) % max(min(prototypes, len(mentors)), 1)
    copied = {name: getattr(mentors, name)[rows].copy() for name in mentors.__dataclass_fields__}
    copied["ids"] = np.random.default_rng(seed).permutation(np.arange(1, len(mentors) + 1, dtype=np.int64) * 3)
    copied["eligible"] = np.ones(len(mentors), dtype=bool)
    return engine.MentorArrays(**copied)


def _database_inputs() -> tuple[Any, ...]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from matching import loading
    from matching.models import MentoringRequest

    loaded = loading.prepare(MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES))
    batch = loaded.batch
    return batch.arrays, loaded.mentors, loaded.taxonomy, batch.excluded_pairs, loading.tie_key()


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    if arguments.db:
        requests, mentors, taxonomy, excluded, key = _database_inputs()
        source = "database"
    else:
        from bench.synthetic import synthetic_data

        data = synthetic_data(arguments.requests, arguments.mentors, seed=arguments.seed)
        requests, mentors, taxonomy, excluded, key = (
            data.requests,
            data.mentors,
            data.taxonomy,
            data.excluded_pairs,
            DEMO_TIE_KEY,
        )
        source = f"synthetic, seed {arguments.seed}"
    # Warm up (thread pool, BLAS), so that the first timed run pays for nothing else.
    engine.score_top_k(requests, mentors, taxonomy, engine.Weights(), k=1)
    report = {
        "source": source,
        "requests": len(requests),
        "mentors": len(mentors),
        "k": arguments.k,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "before_ties_to_lower_id": measure(requests, mentors, taxonomy, excluded, arguments.k, None),
        "after_keyed_tie_order": measure(requests, mentors, taxonomy, excluded, arguments.k, key),
    }
    if not arguments.db:
        alike = clones(mentors, arguments.prototypes, arguments.seed)
        none = np.zeros((0, 2), dtype=np.int64)
        report["clones"] = {
            "prototypes": arguments.prototypes,
            "before_ties_to_lower_id": measure(requests, alike, taxonomy, none, arguments.k, None),
            "after_keyed_tie_order": measure(requests, alike, taxonomy, none, arguments.k, key),
        }
    return report


def _print_text(report: dict[str, Any]) -> None:
    print(
        f"Exposure: {report['requests']:,} requests x {report['mentors']:,} mentors ({report['source']}), "
        f"top {report['k']}, load average {report['load_average_1min']}"
    )
    sections = [("", report)]
    if "clones" in report:
        sections.append(
            (f"Clones: every mentor a copy of one of {report['clones']['prototypes']} profiles", report["clones"])
        )
    for title, section in sections:
        if title:
            print(title)
        before, after = section["before_ties_to_lower_id"], section["after_keyed_tie_order"]
        print(f"  {'':<52} {'before':>10} {'after':>10}")
        for name in before:
            print(f"  {name.replace('_', ' '):<52} {before[name]!s:>10} {after[name]!s:>10}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.exposure", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--mentors", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--prototypes", type=int, default=100, help="distinct profiles in the clones run")
    parser.add_argument("--db", action="store_true", help="use the configured database's open requests and mentors")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    arguments = parser.parse_args(argv)
    report = run(arguments)
    if arguments.json:
        print(json.dumps(report))
    else:
        _print_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
