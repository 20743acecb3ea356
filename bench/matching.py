"""Benchmark of the matching engine on deterministic synthetic profiles.

    python -m bench.matching --requests 10000 --mentors 10000 [--k 10] [--seed 0] [--json] [--db]

Prints the time to score and take the top k, to explain every suggestion, to assign optimally and greedily; the
total score and number assigned by each assignment; peak memory; and the same scoring done by a plain Python loop
(timed on a sample of requests, extrapolated to all of them) with the speed-up. `--db` also seeds the configured
database with `manage.py seed_demo --size N` and times `manage.py rematch --full` end to end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

# Imported up front so that the first timed assignment does not pay for loading OR-Tools.
from ortools.graph.python import min_cost_flow  # noqa: F401

from bench.machine import cores_available, reference_ms
from bench.synthetic import SyntheticData, synthetic_data
from matching import engine
from matching.engine.reference import top_k_loop

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TIE_KEY = 0x5EED_F00D_CAFE_BEEF  # ties in the keyed order, as production breaks them (any fixed key)
MEGABYTE = 1024 * 1024


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _max_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def _run_pipeline(data: SyntheticData, k: int, workers: int | None, block_rows: int) -> dict[str, Any]:
    """One pass of the engine's compute, each phase timed by the wall clock and by the process's CPU time."""
    spare = data.mentors.spare_capacity
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    results: dict[str, Any] = {}
    phases = (
        (
            "score_top_k",
            lambda: engine.score_top_k(
                data.requests,
                data.mentors,
                data.taxonomy,
                engine.Weights(),
                k=k,
                excluded_pairs=data.excluded_pairs,
                block_rows=block_rows,
                workers=workers,
                tie_key=TIE_KEY,
            ),
        ),
        ("explain", lambda: engine.explain_top_k(results["score_top_k"], data.requests, data.mentors, data.taxonomy)),
        ("assign_optimal", lambda: engine.assign_optimal(results["score_top_k"], spare, data.mutual_ids)),
        ("assign_greedy", lambda: engine.assign_greedy(results["score_top_k"], spare, data.mutual_ids)),
    )
    for phase, compute in phases:
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        results[phase] = compute()
        wall[phase] = time.perf_counter() - wall_start
        cpu[phase] = time.process_time() - cpu_start
    for timings in (wall, cpu):
        timings["compute_total"] = timings["score_top_k"] + timings["explain"] + timings["assign_optimal"]
    return {
        "wall": wall,
        "cpu": cpu,
        "topk": results["score_top_k"],
        "reasons": results["explain"],
        "optimal": results["assign_optimal"],
        "greedy": results["assign_greedy"],
    }


def measure_engine(data: SyntheticData, k: int, repeat: int, workers: int | None, block_rows: int) -> dict[str, Any]:
    # Warm up on a slice: thread pool, BLAS and first-call costs are not what we measure.
    warm = synthetic_data(min(len(data.requests), 50), min(len(data.mentors), 50), seed=1)
    _run_pipeline(warm, k, workers, block_rows)

    rss_start = _rss_bytes()
    runs = []
    for _ in range(repeat):
        last = _run_pipeline(data, k, workers, block_rows)
        runs.append({"wall": last["wall"], "cpu": last["cpu"]})  # earlier results are dropped, as in production
    rss_peak = _max_rss_bytes()
    phases = list(last["wall"])
    topk, optimal, greedy = last["topk"], last["optimal"], last["greedy"]
    return {
        "seconds_best": {phase: round(min(run["wall"][phase] for run in runs), 4) for phase in phases},
        "seconds_median": {phase: round(statistics.median(run["wall"][phase] for run in runs), 4) for phase in phases},
        "cpu_seconds_best": {phase: round(min(run["cpu"][phase] for run in runs), 4) for phase in phases},
        "requests_with_suggestions": int((topk.mentor_rows[:, 0] >= 0).sum()),
        "suggestions": int((topk.mentor_rows >= 0).sum()),
        "explanation_sentences": sum(len(sentences) for per_request in last["reasons"] for sentences in per_request),
        "optimal": {"total_score": round(optimal.total_score, 4), "assigned": optimal.assigned},
        "greedy": {"total_score": round(greedy.total_score, 4), "assigned": greedy.assigned},
        "rss_peak_above_start_mb": round(max(rss_peak - rss_start, 0) / MEGABYTE, 1),
        "topk": topk,
    }


def measure_traced_memory(data: SyntheticData, k: int, workers: int | None, block_rows: int) -> float:
    """Peak of Python and NumPy allocations (tracemalloc) during score, explain and optimal assignment, in MB.

    A separate pass: tracing slows Python code down, so the timed passes run without it. OR-Tools' own C++
    allocations are not traced; the RSS figure covers them."""
    tracemalloc.start()
    try:
        _run_pipeline(data, k, workers, block_rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return round(peak / MEGABYTE, 1)


def measure_python_loop(data: SyntheticData, k: int, sample: int, topk: engine.TopK) -> dict[str, Any]:
    """The same scoring and top k as a plain Python loop, on `sample` requests spread over all of them."""
    request_count = len(data.requests)
    sample = max(1, min(sample, request_count))
    rows = sorted({int(row) for row in np.linspace(0, request_count - 1, sample)})
    start = time.perf_counter()
    top_k_loop(
        data.requests,
        data.mentors,
        data.taxonomy,
        engine.Weights(),
        k=k,
        excluded_pairs=data.excluded_pairs,
        tie_key=TIE_KEY,
        request_rows=[],
    )
    setup = time.perf_counter() - start  # building the mentor list once, whatever the number of requests
    start, cpu_start = time.perf_counter(), time.process_time()
    results = top_k_loop(
        data.requests,
        data.mentors,
        data.taxonomy,
        engine.Weights(),
        k=k,
        excluded_pairs=data.excluded_pairs,
        tie_key=TIE_KEY,
        request_rows=rows,
    )
    timed, timed_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    per_request = max(timed - setup, 0.0) / len(rows)
    units = np.rint(topk.scores.astype(np.float64) * engine.SCALE).astype(np.int64)
    agrees = all(
        [(int(m), int(u)) for m, u in zip(topk.mentor_rows[row], units[row], strict=True) if m >= 0] == pairs
        for row, pairs in results.items()
    )
    return {
        "requests_timed": len(rows),
        "seconds_timed": round(timed, 3),
        "seconds_all_requests": round(setup + per_request * request_count, 3),
        "cpu_seconds_all_requests": round(timed_cpu / timed * (setup + per_request * request_count), 3),
        "extrapolated": len(rows) < request_count,
        "agrees_with_engine": agrees,
    }


def measure_one_request(data: SyntheticData, k: int, repeat: int) -> float:
    """Seconds to rank and explain one request against every mentor, arrays already in memory (best of `repeat`)."""
    one = engine.RequestArrays(**{name: value[:1] for name, value in data.requests.__dict__.items()})
    pairs = data.excluded_pairs[data.excluded_pairs[:, 0] == 0]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        topk = engine.score_top_k(
            one, data.mentors, data.taxonomy, engine.Weights(), k=k, excluded_pairs=pairs, tie_key=TIE_KEY
        )
        engine.explain_top_k(topk, one, data.mentors, data.taxonomy)
        best = min(best, time.perf_counter() - start)
    return round(best, 4)


def _manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "manage.py"), *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def measure_database(size: int) -> dict[str, Any]:
    """Seed the configured database (`seed_demo --size`) and time `rematch --full` end to end in a new process."""
    env = os.environ.copy()
    if "DEBUG" not in env and "SECRET_KEY" not in env:
        env["DEBUG"] = "1"  # manage.py refuses the development secret key otherwise
    result: dict[str, Any] = {
        "size": size,
        "database": env.get("DATABASE_URL", "sqlite (default)").split(":", 1)[0],
    }
    for command in ("seed_demo", "rematch"):
        if _manage("help", command, env=env).returncode != 0:
            result["error"] = f"manage.py {command} is not available"
            return result
    start = time.perf_counter()
    seeded = _manage("seed_demo", "--size", str(size), env=env)
    result["seed_seconds"] = round(time.perf_counter() - start, 2)
    if seeded.returncode != 0:
        result["error"] = f"seed_demo failed: {seeded.stderr.strip()[-2000:]}"
        return result
    start = time.perf_counter()
    rematch = _manage("rematch", "--full", "--json", env=env)
    result["rematch_wall_seconds"] = round(time.perf_counter() - start, 2)
    if rematch.returncode != 0:
        result["error"] = f"rematch failed: {rematch.stderr.strip()[-2000:]}"
        return result
    try:
        result["rematch_runs"] = json.loads(rematch.stdout)
    except json.JSONDecodeError:
        result["rematch_output"] = rematch.stdout.strip()
    return result


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    data = synthetic_data(arguments.requests, arguments.mentors, seed=arguments.seed)
    workers = arguments.workers or engine.default_workers()
    engine_figures = measure_engine(data, arguments.k, arguments.repeat, workers, arguments.block_rows)
    topk = engine_figures.pop("topk")
    rss_peak = engine_figures.pop("rss_peak_above_start_mb")
    loop = measure_python_loop(data, arguments.k, arguments.loop_sample, topk)
    loop["speedup"] = round(loop["seconds_all_requests"] / engine_figures["seconds_best"]["score_top_k"], 1)
    loop["speedup_cpu"] = round(loop["cpu_seconds_all_requests"] / engine_figures["cpu_seconds_best"]["score_top_k"], 1)
    report: dict[str, Any] = {
        "requests": arguments.requests,
        "mentors": arguments.mentors,
        "k": arguments.k,
        "seed": arguments.seed,
        "workers": workers,
        "block_rows": arguments.block_rows,
        "repeat": arguments.repeat,
        "cpus": len(os.sched_getaffinity(0)),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cores_available": cores_available(),
        "reference_ms": reference_ms(),
        "excluded_pairs": len(data.excluded_pairs),
        **engine_figures,
        "memory": {
            "tracemalloc_peak_mb": measure_traced_memory(data, arguments.k, workers, arguments.block_rows),
            "rss_peak_above_start_mb": rss_peak,
        },
        "one_request_seconds": measure_one_request(data, arguments.k, max(arguments.repeat, 3)),
        "python_loop": loop,
    }
    if arguments.db:
        report["db"] = measure_database(arguments.db_size or arguments.requests)
    return report


def _print_text(report: dict[str, Any]) -> None:
    best, median, cpu = report["seconds_best"], report["seconds_median"], report["cpu_seconds_best"]
    loop, memory = report["python_loop"], report["memory"]
    print(
        f"Matching engine: {report['requests']:,} requests x {report['mentors']:,} mentors, top {report['k']}, "
        f"seed {report['seed']}, {report['workers']} worker thread(s), {report['cpus']} CPUs, "
        f"load average {report['load_average_1min']}, {report['cores_available']} cores available, "
        f"single-core reference {report['reference_ms']} ms (bench.machine)\n"
        f"  (wall clock: best and median of {report['repeat']} runs; CPU time: all threads, best run)"
    )
    for phase, label in (
        ("score_top_k", "score + top k"),
        ("explain", "explain every suggestion"),
        ("assign_optimal", "assign optimally (min-cost flow)"),
        ("assign_greedy", "assign greedily (baseline)"),
        ("compute_total", "compute total (score, explain, optimal)"),
    ):
        print(f"  {label:<42} {best[phase]:8.3f} s   (median {median[phase]:.3f} s; CPU time {cpu[phase]:.3f} s)")
    print(
        f"  suggestions {report['suggestions']:,} for {report['requests_with_suggestions']:,} requests, "
        f"{report['explanation_sentences']:,} explanation sentences"
    )
    optimal, greedy = report["optimal"], report["greedy"]
    print(f"  optimal: total score {optimal['total_score']:.3f}, {optimal['assigned']:,} assigned")
    print(f"  greedy:  total score {greedy['total_score']:.3f}, {greedy['assigned']:,} assigned")
    print(
        f"  peak memory: {memory['tracemalloc_peak_mb']} MB Python+NumPy allocations (tracemalloc, separate run); "
        f"{memory['rss_peak_above_start_mb']} MB peak RSS above the start of the timed runs (getrusage)"
    )
    print(f"  one request against all mentors, score + explain: {report['one_request_seconds'] * 1000:.1f} ms")
    kind = "extrapolated from" if loop["extrapolated"] else "measured on"
    print(
        f"  plain Python loop: {loop['seconds_all_requests']:.1f} s for all requests ({kind} "
        f"{loop['requests_timed']} requests, {loop['seconds_timed']:.2f} s); speed-up x{loop['speedup']} "
        f"(x{loop['speedup_cpu']} in CPU time); "
        f"same results: {'yes' if loop['agrees_with_engine'] else 'NO'}"
    )
    if "db" in report:
        print(f"  database: {json.dumps(report['db'], indent=2)}")


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.matching", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--mentors", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; best and median are reported")
    parser.add_argument("--workers", type=int, default=0, help="scoring threads (default: up to 2)")
    parser.add_argument("--block-rows", type=int, default=512)
    parser.add_argument("--loop-sample", type=int, default=200, help="requests the Python loop is timed on")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--db", action="store_true", help="also seed the configured database and time rematch --full")
    parser.add_argument("--db-size", type=int, default=0, help="seed_demo --size (default: --requests)")
    arguments = parser.parse_args(argv)
    if min(arguments.requests, arguments.mentors, arguments.k, arguments.repeat, arguments.block_rows) < 1:
        parser.error("--requests, --mentors, --k, --repeat and --block-rows must be at least 1")
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    report = run(arguments)
    if arguments.json:
        print(json.dumps(report))
    else:
        _print_text(report)
    return 1 if "error" in report.get("db", {}) else 0


if __name__ == "__main__":
    sys.exit(main())
