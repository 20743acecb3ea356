"""Refreshing one request's suggestions in-process, against the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_bench DEBUG=1 \\
        .venv/bin/python -m bench.matching_refresh [--requests 50] [--json]

Run it on a seeded database (`manage.py seed_demo --size 10000`, as `python -m bench.matching --db` does). It
refreshes one open request first to warm the process (the encoded mentor table is then cached, as in a worker
that has run before), then refreshes `--requests` other open requests one at a time through
`matching.services.suggestions_refresh_for_request` (load, score, explain, write, and the run's own record) and
prints the median, 90th percentile and best wall-clock time, the median per phase, and the load average. Then it
refreshes `--mentors` approved mentors (spread over the ids) through `suggestions_refresh_for_mentor`, which reads
only the open requests each mentor could serve, and prints the median and 90th percentile.
The suggestions it writes are what the task would write, so running it leaves the database as it would be anyway.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Any


def measure(count: int, mentor_count: int = 0) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from matching import loading, services
    from matching.models import MatchRun, MentoringRequest

    ids = list(
        MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES)
        .order_by("id")
        .values_list("id", flat=True)[: count + 1]
    )
    if len(ids) < 2:
        return {"error": "Fewer than two open requests: seed the database first (manage.py seed_demo --size N)."}
    cold_start = time.perf_counter()
    services.suggestions_refresh_for_request(request_id=ids[0], source=MatchRun.Source.COMMAND)
    cold = time.perf_counter() - cold_start
    seconds: list[float] = []
    phases: dict[str, list[float]] = {}
    for request_id in ids[1:]:
        start = time.perf_counter()
        run = services.suggestions_refresh_for_request(request_id=request_id, source=MatchRun.Source.COMMAND)
        seconds.append(time.perf_counter() - start)
        if run is not None:
            for name, value in run.timings.items():
                phases.setdefault(name, []).append(value)
    seconds.sort()
    table = loading.mentor_table()
    return {
        "requests_refreshed": len(seconds),
        "mentors": len(table.ids),
        "open_requests": MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES).count(),
        "first_refresh_ms": round(cold * 1000, 1),
        "median_ms": round(statistics.median(seconds) * 1000, 1),
        "p90_ms": round(seconds[int(0.9 * (len(seconds) - 1))] * 1000, 1),
        "best_ms": round(seconds[0] * 1000, 1),
        "phase_median_ms": {name: round(statistics.median(values) * 1000, 2) for name, values in phases.items()},
        "load_average_1min": round(os.getloadavg()[0], 2),
        **measure_mentors(mentor_count),
    }


def measure_mentors(count: int) -> dict[str, Any]:
    """Refresh `count` approved mentors one at a time (the requests each could enter or must leave)."""
    from accounts.models import MentorProfile
    from matching import services
    from matching.models import MatchRun

    profile_ids = list(
        MentorProfile.objects.filter(status=MentorProfile.Status.APPROVED).order_by("id").values_list("id", flat=True)
    )
    step = max(len(profile_ids) // max(count, 1), 1)
    chosen = profile_ids[::step][:count]
    seconds: list[float] = []
    read: list[int] = []
    for profile_id in chosen:
        start = time.perf_counter()
        run = services.suggestions_refresh_for_mentor(profile_id=profile_id, source=MatchRun.Source.COMMAND)
        seconds.append(time.perf_counter() - start)
        read.append(run.request_count)
    if not seconds:
        return {}
    seconds.sort()
    return {
        "mentors_refreshed": len(seconds),
        "mentor_median_ms": round(statistics.median(seconds) * 1000, 1),
        "mentor_p90_ms": round(seconds[int(0.9 * (len(seconds) - 1))] * 1000, 1),
        "mentor_requests_reranked_median": statistics.median(read),
        "load_average_1min_after": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="open requests to refresh, one at a time (50)")
    parser.add_argument("--mentors", type=int, default=10, help="approved mentors to refresh, one at a time (10)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    arguments = parser.parse_args()
    result = measure(arguments.requests, arguments.mentors)
    if arguments.json or "error" in result:
        print(json.dumps(result, indent=2))
        return
    print(f"Refreshing one request: {result['requests_refreshed']} requests, {result['mentors']} approved mentors")
    print(f"  first (cold) {result['first_refresh_ms']} ms")
    print(f"  median {result['median_ms']} ms, p90 {result['p90_ms']} ms, best {result['best_ms']} ms")
    print("  median per phase: " + ", ".join(f"{k} {v} ms" for k, v in result["phase_median_ms"].items()))
    print(f"  load average (1 min): {result['load_average_1min']}")
    if "mentors_refreshed" in result:
        print(
            f"Refreshing one mentor: {result['mentors_refreshed']} mentors, median {result['mentor_median_ms']} ms, "
            f"p90 {result['mentor_p90_ms']} ms, requests re-ranked (median) "
            f"{result['mentor_requests_reranked_median']}; load average after {result['load_average_1min_after']}"
        )


if __name__ == "__main__":
    main()
